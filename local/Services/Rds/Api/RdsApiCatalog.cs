using System.Text.Json;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalRds.Api;

/// <summary>
/// The request shapes of the RDS actions the emulator implements, as Step Functions names them (declared by hand
/// from the AWS RDS API Reference in <see cref="RdsRequestShapes"/>): every member of each with its type. It checks
/// a call the way Step Functions and the SDK would before anything reaches RDS: unknown fields, wrong JSON types.
/// Any other action is refused; the emulator does not know the rest of the RDS API, so it cannot tell a misspelt
/// action from a real one it lacks.
/// </summary>
public static class RdsApiCatalog
{
    private static readonly string[] Implemented = [.. RdsRequestShapes.ByAction.Keys.Order(StringComparer.Ordinal)];

    private static IReadOnlyDictionary<string, RdsShape> Requests => RdsRequestShapes.ByAction;

    /// <summary>The actions the emulator implements, camelCase as in <c>arn:aws:states:::aws-sdk:rds:&lt;action&gt;</c>.</summary>
    public static IReadOnlyCollection<string> ImplementedActions => Implemented;

    /// <summary>
    /// The request shape of an implemented action (every member the AWS RDS API Reference documents, Step Functions
    /// spelling, with the members it marks required), or null for any other action. A host that validates parameters
    /// itself, like the local cloud's <c>IServiceEmulator.InputShape</c>, converts this tree into its own shape type.
    /// </summary>
    public static RdsShape? RequestShape(string action) => Requests.GetValueOrDefault(action);

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
            if (!request.Members.ContainsKey(name))
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
        return $"arn:aws:states:::aws-sdk:rds:{action} is not an RDS action this local emulator implements (implemented: {string.Join(", ", Implemented)}){hint}";
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

    private static void ValidateStructure(RdsShape shape, JsonObject value, string path)
    {
        foreach (var (name, member) in value)
        {
            if (!shape.Members.TryGetValue(name, out var memberShape))
            {
                throw RdsErrors.Runtime(UnknownField(path + name, shape));
            }

            ValidateValue(memberShape, member, path + name);
        }
    }

    private static void ValidateValue(RdsShape shape, JsonNode? value, string path)
    {
        if (value is null)
        {
            // An explicit null leaves the member unset, as the SDK does.
            return;
        }

        var kind = value.GetValueKind();
        var ok = shape.Type switch
        {
            "string" => kind == JsonValueKind.String,
            "timestamp" => kind is JsonValueKind.String or JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer" => kind == JsonValueKind.Number && Request.Number(value) is var n && n == Math.Floor(n) && n is >= int.MinValue and <= int.MaxValue,
            "number" => kind == JsonValueKind.Number,
            "list" => kind == JsonValueKind.Array,
            "structure" => kind == JsonValueKind.Object,
            _ => false,
        };
        if (!ok)
        {
            throw RdsErrors.Runtime($"The value of field {path} is {Describe(kind)}, but RDS expects {Article(shape.Type)}");
        }

        switch (shape.Type)
        {
            case "list":
                var index = 0;
                foreach (var item in value.AsArray())
                {
                    ValidateValue(shape.Member!, item, $"{path}[{index++}]");
                }

                break;
            case "structure":
                ValidateStructure(shape, value.AsObject(), path + ".");
                break;
        }
    }

    private static string UnknownField(string path, RdsShape shape)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        var near = shape.Members.Keys.FirstOrDefault(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase));
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

    private static string Article(string type) => type switch
    {
        "integer" => "an integer",
        "list" => "a list",
        "structure" => "an object",
        "timestamp" => "a timestamp (an ISO 8601 string or epoch seconds)",
        _ => "a " + type,
    };
}

/// <summary>
/// One node of an RDS request shape. <see cref="Type"/> is <c>structure</c> (with <see cref="Members"/> and
/// <see cref="Required"/>), <c>list</c> (with <see cref="Member"/>), or a scalar: <c>string</c>, <c>integer</c>,
/// <c>number</c>, <c>boolean</c>, <c>timestamp</c> (an ISO 8601 string or epoch seconds).
/// </summary>
public sealed record RdsShape(string Type, IReadOnlyDictionary<string, RdsShape> Members, IReadOnlySet<string> Required, RdsShape? Member);
