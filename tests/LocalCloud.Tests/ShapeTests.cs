using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>The one request shape system every emulator declares its actions with (RDS's hand-written shapes included).</summary>
public sealed class ShapeTests
{
    [Fact]
    public void Validate_WhenGivenEveryShapeType_ShouldNameEveryProblemAsStepFunctionsDoes()
    {
        var shape = Shape.Structure(
            Req("Name", Shape.String),
            Opt("Count", Shape.Integer),
            Opt("Ratio", Shape.Number),
            Opt("On", Shape.Boolean),
            Opt("At", Shape.Timestamp),
            Opt("Names", Shape.List(Shape.String)),
            Opt("Labels", Shape.Map(Shape.Integer)));
        var good = new List<string>();
        var bad = new List<string>();

        shape.Validate(JsonNode.Parse("""{"Name":"a","Count":2,"Ratio":0.5,"On":true,"At":"2025-01-01T00:00:00Z","Names":["x"],"Labels":{"k":1}}"""),
            string.Empty, good);
        shape.Validate(JsonNode.Parse("""{"Count":2.5,"Ratio":"x","On":1,"At":"soon","Names":"x","Labels":{"k":"one"},"Extra":1}"""), string.Empty, bad);

        Assert.Empty(good);
        Assert.Equal(
            [
                "The value for the field 'Count' must be a INTEGER", "The value for the field 'Ratio' must be a NUMBER",
                "The value for the field 'On' must be a BOOLEAN", "The value for the field 'At' must be a TIMESTAMP",
                "The value for the field 'Names' must be an ARRAY", "The value for the field 'Labels.k' must be a INTEGER",
                "The field 'Extra' is not supported by Step Functions", "The field 'Name' is required but was missing",
            ],
            bad);
        Assert.Equal(["Name"], shape.Required);
        Assert.Same(Shape.Integer, shape.MemberShape("Count"));
        Assert.Null(shape.MemberShape("Extra"));
    }
}
