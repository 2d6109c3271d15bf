using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;

namespace DisasterRecovery.LocalRds.Api;

/// <summary>
/// The request shapes of the RDS actions the emulator implements, as Step Functions names them (declared by hand
/// from the AWS RDS API Reference in <see cref="RdsRequestShapes"/>, as the local cloud's one shape type
/// <see cref="Shape"/>): every member of each with its type. It checks
/// a call the way Step Functions and the SDK would before anything reaches RDS: unknown fields, wrong JSON types.
/// Any other action is refused; the emulator does not know the rest of the RDS API, so it cannot tell a misspelt
/// action from a real one it lacks.
/// </summary>
public static class RdsApiCatalog
{
    private static readonly string[] Implemented = [.. RdsRequestShapes.ByAction.Keys.Order(StringComparer.Ordinal)];

    private static IReadOnlyDictionary<string, StructureShape> Requests => RdsRequestShapes.ByAction;

    /// <summary>The actions the emulator implements, camelCase as in <c>arn:aws:states:::aws-sdk:rds:&lt;action&gt;</c>.</summary>
    public static IReadOnlyCollection<string> ImplementedActions => Implemented;

    /// <summary>
    /// The request shape of an implemented action (every member the AWS RDS API Reference documents, Step Functions
    /// spelling, with the members it marks required), or null for any other action. The local cloud's
    /// <see cref="RdsServiceEmulator.InputShape"/> answers with it as it is.
    /// </summary>
    public static StructureShape? RequestShape(string action) => Requests.GetValueOrDefault(action);

    /// <summary>
    /// The problems Step Functions would report for a Task calling <paramref name="action"/> with top-level
    /// Parameters fields <paramref name="fieldNames"/> (a name ending in <c>.$</c> counts without the suffix).
    /// Empty when the call is acceptable. A local cloud may call this when it loads a state machine, where AWS
    /// itself checks (SCHEMA_VALIDATION_FAILED), rather than waiting for the Task to run.
    /// </summary>
    public static IReadOnlyList<string> ValidateTaskParameters(string action, IEnumerable<string> fieldNames)
    {
        var problems = new List<string>();
        if (ActionProblem(action) is { } actionProblem)
        {
            problems.Add(actionProblem);
            return problems;
        }

        var request = Requests[action];
        foreach (var raw in fieldNames)
        {
            var name = raw.EndsWith(".$", StringComparison.Ordinal) ? raw[..^2] : raw;
            if (request.MemberShape(name) is null)
            {
                problems.Add(UnknownField(name, request));
            }
        }

        return problems;
    }

    /// <summary>Null when the action is implemented; otherwise why it cannot be called.</summary>
    internal static string? ActionProblem(string action)
    {
        if (Requests.ContainsKey(action))
        {
            return null;
        }

        // Only the implemented actions are declared, so a misspelt action and a real one the emulator lacks look
        // alike; a case-only difference from an implemented one still gets a hint.
        var near = Implemented.FirstOrDefault(a => string.Equals(a, action, StringComparison.OrdinalIgnoreCase));
        var hint = near is null ? string.Empty : $"; actions are camelCase, did you mean rds:{near}?";
        return $"arn:aws:states:::aws-sdk:rds:{action} is not an RDS action this local emulator implements (implemented: " +
            $"{string.Join(", ", Implemented)}){hint}";
    }

    /// <summary>Checks the parameters of an implemented action; throws States.Runtime naming the first bad field.</summary>
    internal static void Validate(string action, JsonObject parameters)
    {
        if (ActionProblem(action) is { } problem)
        {
            throw RdsErrors.Runtime(problem);
        }

        ValidateStructure(Requests[action], parameters, path: string.Empty);
    }

    private static void ValidateStructure(StructureShape shape, JsonObject value, string path)
    {
        foreach (var (name, member) in value)
        {
            if (shape.MemberShape(name) is not { } memberShape)
            {
                throw RdsErrors.Runtime(UnknownField(path + name, shape));
            }

            ValidateValue(memberShape, member, path + name);
        }
    }

    private static void ValidateValue(Shape shape, JsonNode? value, string path)
    {
        if (value is null)
        {
            // An explicit null leaves the member unset, as the SDK does.
            return;
        }

        var kind = value.GetValueKind();
        // Stricter than Shape.Validate where RDS is: an integer is a 32-bit one, and a timestamp's text is parsed
        // (with RDS's message) only when the action reads it.
        var ok = shape switch
        {
            StructureShape => kind == JsonValueKind.Object,
            { Item: not null } => kind == JsonValueKind.Array,
            _ when shape == Shape.String => kind == JsonValueKind.String,
            _ when shape == Shape.Timestamp => kind is JsonValueKind.String or JsonValueKind.Number,
            _ when shape == Shape.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
            _ when shape == Shape.Integer =>
                kind == JsonValueKind.Number && Request.Number(value) is var n && n == Math.Floor(n) && n is >= int.MinValue and <= int.MaxValue,
            _ when shape == Shape.Number => kind == JsonValueKind.Number,
            _ => false,
        };
        if (!ok)
        {
            throw RdsErrors.Runtime($"The value of field {path} is {Describe(kind)}, but RDS expects {Article(shape)}");
        }

        switch (shape)
        {
            case StructureShape structure:
                ValidateStructure(structure, value.AsObject(), path + ".");
                break;
            case { Item: { } itemShape }:
                var index = 0;
                foreach (var item in value.AsArray())
                {
                    ValidateValue(itemShape, item, $"{path}[{index++}]");
                }

                break;
        }
    }

    private static string UnknownField(string path, StructureShape shape)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        var near = shape.MemberNames.FirstOrDefault(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase));
        var hint = near is null ? string.Empty : $"; did you mean {near}? (Step Functions uses the AWS SDK for Java v2 member names)";
        return $"The field {path} is not supported by Step Functions{hint}";
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Article(Shape shape) => shape switch
    {
        StructureShape => "an object",
        { Item: not null } => "a list",
        _ when shape == Shape.Integer => "an integer",
        _ when shape == Shape.Timestamp => "a timestamp (an ISO 8601 string or epoch seconds)",
        _ => "a " + shape.TypeName.ToLowerInvariant(),
    };
}

