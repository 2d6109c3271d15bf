using System.Text.Json.Nodes;
using DisasterRecovery.Deployment.Tests.Support;
using DisasterRecovery.LocalTemplate;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>The template reader itself: short forms, YAML 1.1 scalars, sections and errors.</summary>
public sealed class SamTemplateTests
{
    private const string Folder = "/templates";

    [Theory]
    [InlineData("!Ref Bucket", """{"Ref":"Bucket"}""")]
    [InlineData("!Ref AWS::Region", """{"Ref":"AWS::Region"}""")]
    [InlineData("!GetAtt Function.Arn", """{"Fn::GetAtt":["Function","Arn"]}""")]
    [InlineData("!GetAtt Database.Endpoint.Address", """{"Fn::GetAtt":["Database","Endpoint.Address"]}""")]
    [InlineData("!GetAtt [Function, Arn]", """{"Fn::GetAtt":["Function","Arn"]}""")]
    [InlineData("!Sub \"${AWS::StackName}-x\"", """{"Fn::Sub":"${AWS::StackName}-x"}""")]
    [InlineData("!Sub [\"${A}-${B}\", {A: a, B: !Ref B}]", """{"Fn::Sub":["${A}-${B}",{"A":"a","B":{"Ref":"B"}}]}""")]
    [InlineData("!If [IsProd, 1, 2]", """{"Fn::If":["IsProd",1,2]}""")]
    [InlineData("!Equals [!Ref Env, prod]", """{"Fn::Equals":[{"Ref":"Env"},"prod"]}""")]
    [InlineData("!Not [!Condition IsProd]", """{"Fn::Not":[{"Condition":"IsProd"}]}""")]
    [InlineData("!And [!Condition A, !Condition B]", """{"Fn::And":[{"Condition":"A"},{"Condition":"B"}]}""")]
    [InlineData("!Or [!Condition A, !Condition B]", """{"Fn::Or":[{"Condition":"A"},{"Condition":"B"}]}""")]
    [InlineData("!Condition IsProd", """{"Condition":"IsProd"}""")]
    [InlineData("!Join [\",\", [a, b]]", """{"Fn::Join":[",",["a","b"]]}""")]
    [InlineData("!Select [0, !GetAZs \"\"]", """{"Fn::Select":[0,{"Fn::GetAZs":""}]}""")]
    [InlineData("!Split [\",\", a]", """{"Fn::Split":[",","a"]}""")]
    [InlineData("!FindInMap [Map, Key, Value]", """{"Fn::FindInMap":["Map","Key","Value"]}""")]
    [InlineData("!Base64 hello", """{"Fn::Base64":"hello"}""")]
    [InlineData("!Cidr [10.0.0.0/16, 4, 8]", """{"Fn::Cidr":["10.0.0.0/16",4,8]}""")]
    [InlineData("!GetAZs us-east-1", """{"Fn::GetAZs":"us-east-1"}""")]
    [InlineData("!ImportValue SharedVpc", """{"Fn::ImportValue":"SharedVpc"}""")]
    [InlineData(
        "!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}",
        """{"Fn::Transform":{"Name":"AWS::Include","Parameters":{"Location":"s3://b/k"}}}""")]
    public void Parse_WhenValueIsShortForm_ShouldGiveLongForm(string yaml, string expectedJson)
    {
        var template = ParseValue(yaml);

        AssertJson(expectedJson, template);
    }

    [Fact]
    public void Parse_WhenShortFormsAreNested_ShouldConvertEveryLevel()
    {
        var value = ParseValue("""!If [IsPrimary, !Sub "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${Topic}", !Ref "AWS::NoValue"]""");

        AssertJson(
            """{"Fn::If":["IsPrimary",{"Fn::Sub":"arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${Topic}"},{"Ref":"AWS::NoValue"}]}""",
            value);
    }

    [Fact]
    public void Parse_WhenShortFormTagsABlockMapping_ShouldWrapTheMapping()
    {
        var value = ParseValue("""
            !Sub
              - "${Name}-${Suffix}"
              - Name: !Ref AWS::StackName
                Suffix: !Select [1, !Split ["-", !GetAtt Queue.QueueName]]
            """);

        AssertJson(
            """{"Fn::Sub":["${Name}-${Suffix}",""" +
                """{"Name":{"Ref":"AWS::StackName"},"Suffix":{"Fn::Select":[1,{"Fn::Split":["-",{"Fn::GetAtt":["Queue","QueueName"]}]}]}}]}""",
            value);
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("False", "false")]
    [InlineData("yes", "true")]
    [InlineData("NO", "false")]
    [InlineData("on", "true")]
    [InlineData("off", "false")]
    [InlineData("120", "120")]
    [InlineData("-7", "-7")]
    [InlineData("1_000", "1000")]
    [InlineData("0x1F", "31")]
    [InlineData("0b101", "5")]
    [InlineData("0755", "493")]
    [InlineData("1:30", "90")]
    [InlineData("3.25", "3.25")]
    [InlineData(".5", "0.5")]
    [InlineData("1.0e+3", "1.0e+3")]
    [InlineData("~", "null")]
    [InlineData("null", "null")]
    [InlineData("\"true\"", "\"true\"")]
    [InlineData("'120'", "\"120\"")]
    [InlineData("!!str 120", "\"120\"")]
    [InlineData("!!int \"42\"", "42")]
    [InlineData("y", "\"y\"")]
    [InlineData("2010-09-09", "\"2010-09-09\"")]
    [InlineData("1e3", "\"1e3\"")]
    [InlineData(".inf", "\".inf\"")]
    [InlineData("09", "\"09\"")]
    [InlineData("012345678901", "\"012345678901\"")]
    [InlineData("rate(5 minutes)", "\"rate(5 minutes)\"")]
    public void Parse_WhenScalarIsPlainOrQuoted_ShouldGetYaml11JsonType(string yaml, string expectedJson)
    {
        var value = ParseValue(yaml);

        Assert.Equal(expectedJson, value?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Parse_WhenShortFormHoldsPlainNumber_ShouldKeepItAsText()
    {
        // CloudFormation reads the content of a tagged scalar as a string: !Ref 123 refers to "123".
        var value = ParseValue("!Ref 123");

        AssertJson("""{"Ref":"123"}""", value);
    }

    [Fact]
    public void Parse_WhenTemplateIsComplete_ShouldExposeSectionsAndResourcesInOrder()
    {
        var template = SamTemplate.Parse("""
            Parameters:
              Env: {Type: String}
            Globals:
              Function: {Runtime: dotnet10}
            Conditions:
              IsProd: !Equals [!Ref Env, prod]
            Resources:
              Zebra:
                Type: AWS::SNS::Topic
              Apple:
                Type: AWS::Serverless::Function
                Condition: IsProd
                Metadata: {BuildMethod: makefile}
                Properties: {Handler: Apple, CodeUri: functions/Apple}
            Outputs:
              TopicArn: {Description: d, Value: !Ref Zebra}
            """, Folder);

        Assert.Equal(["Zebra", "Apple"], template.Resources.Keys);
        var apple = template.Resources["Apple"];
        Assert.Equal(("AWS::Serverless::Function", "IsProd", "makefile", "Apple"),
            (apple.Type, apple.Condition, apple.Metadata?["BuildMethod"]?.GetValue<string>(), apple.Properties["Handler"]?.GetValue<string>()));
        Assert.Empty(template.Resources["Zebra"].Properties);
        Assert.Null(template.Resources["Zebra"].Metadata);
        Assert.Equal("String", template.Parameters["Env"]?["Type"]?.GetValue<string>());
        Assert.Equal("dotnet10", template.Globals["Function"]?["Runtime"]?.GetValue<string>());
        Assert.True(template.Conditions.ContainsKey("IsProd"));
        Assert.Equal("""{"Ref":"Zebra"}""", template.Outputs["TopicArn"]?["Value"]?.ToJsonString());
        Assert.Same(template.Document["Resources"]?["Apple"]?["Properties"], apple.Properties);
        Assert.Equal(Path.GetFullPath(Folder), template.Directory);
    }

    [Fact]
    public void Parse_WhenSectionsAreAbsent_ShouldGiveEmptySections()
    {
        var template = SamTemplate.Parse("Resources: {Topic: {Type: AWS::SNS::Topic}}", Folder);

        Assert.Equal(0, template.Parameters.Count + template.Globals.Count + template.Conditions.Count + template.Outputs.Count);
    }

    [Fact]
    public void Parse_WhenTagIsUnknown_ShouldThrowNamingLineAndTag()
    {
        var yaml = """
            Resources:
              Topic:
                Type: AWS::SNS::Topic
                Properties:
                  TopicName: !Reference Other
            """;

        var error = Assert.Throws<TemplateException>(() => SamTemplate.Parse(yaml, Folder));

        Assert.Equal(5, error.Line);
        Assert.Contains("line 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown tag !Reference", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenYamlIsMalformed_ShouldThrowNamingLine()
    {
        var yaml = """
            Resources:
              Topic:
                Type: AWS::SNS::Topic
                Properties: [unclosed
            Outputs: {}
            """;

        var error = Assert.Throws<TemplateException>(() => SamTemplate.Parse(yaml, Folder));

        Assert.Equal(4, error.Line);
        Assert.StartsWith(SamTemplate.InlineSource + ", line ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenIndentationIsBroken_ShouldThrowNamingLine()
    {
        var yaml = """
            Resources:
              Topic:
                Type: AWS::SNS::Topic
               Properties: {}
            """;

        var error = Assert.Throws<TemplateException>(() => SamTemplate.Parse(yaml, Folder));

        Assert.Equal(4, error.Line);
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenKeyIsDuplicated_ShouldThrowNamingBothLines()
    {
        var yaml = """
            Resources:
              Topic: {Type: AWS::SNS::Topic}
              Topic: {Type: AWS::SQS::Queue}
            """;

        var error = Assert.Throws<TemplateException>(() => SamTemplate.Parse(yaml, Folder));

        Assert.Equal(3, error.Line);
        Assert.Contains("duplicate key 'Topic' (first at line 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenAliasIsUsed_ShouldThrowBecauseCloudFormationHasNoAliases()
    {
        var yaml = """
            Resources:
              Topic:
                Type: &type AWS::SNS::Topic
              Other:
                Type: *type
            """;

        var error = Assert.Throws<TemplateException>(() => SamTemplate.Parse(yaml, Folder));

        Assert.Equal(5, error.Line);
        Assert.Contains("alias *type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenTimestampTagIsUsed_ShouldThrowBecauseCloudFormationHasNoTimestamps()
    {
        var error = Assert.Throws<TemplateException>(() => ParseValue("!!timestamp 2001-12-14"));

        Assert.Contains("!!timestamp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenGetAttScalarHasNoDot_ShouldThrow()
    {
        var error = Assert.Throws<TemplateException>(() => ParseValue("!GetAtt Function"));

        Assert.Contains("LogicalId.AttributeName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenResourceHasNoType_ShouldThrowNamingResourceAndLine()
    {
        var yaml = """
            Resources:
              Topic:
                Properties: {}
            """;

        var error = Assert.Throws<TemplateException>(() => SamTemplate.Parse(yaml, Folder));

        Assert.Equal(2, error.Line);
        Assert.Contains("resource Topic has no Type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenResourcesSectionIsMissing_ShouldThrow()
    {
        var error = Assert.Throws<TemplateException>(() => SamTemplate.Parse("Parameters: {}", Folder));

        Assert.Contains("no Resources section", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenFileIsMissing_ShouldThrowNamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-folder", "template.yaml");

        var error = Assert.Throws<TemplateException>(() => SamTemplate.Load(missing));

        Assert.StartsWith(missing + ": cannot read the template", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenFileHasUnknownTag_ShouldNameTheFileAndLine()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Write("template.yaml", "Resources:\n  Topic:\n    Type: !Bogus AWS::SNS::Topic\n");

        var error = Assert.Throws<TemplateException>(() => SamTemplate.Load(path));

        Assert.StartsWith($"{path}, line 3, column 11: unknown tag !Bogus", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenTemplateIsTheRepositoryOne_ShouldReadFolderResourcesAndVersionAsText()
    {
        var template = SamTemplate.Load(DeploymentFiles.TemplatePath);

        Assert.Equal(Path.GetDirectoryName(DeploymentFiles.TemplatePath), template.Directory);
        Assert.Contains(template.Resources.Values, resource => resource.Type == "AWS::Serverless::Function");
        Assert.Equal("2010-09-09", template.Document["AWSTemplateFormatVersion"]?.GetValue<string>());
    }

    /// <summary>Parses one YAML value by putting it in a template's Outputs.</summary>
    private static JsonNode? ParseValue(string yaml)
    {
        var indented = string.Join("\n", yaml.Split('\n').Select(line => "      " + line));
        var template = SamTemplate.Parse($"Resources: {{}}\nOutputs:\n  Probe:\n    Value:\n{indented}\n", Folder);
        return template.Outputs["Probe"]?["Value"];
    }

    private static void AssertJson(string expectedJson, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), actual), $"expected {expectedJson}, got {actual?.ToJsonString() ?? "null"}");
}
