using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.Intrinsics;

/// <summary>
/// The States.* intrinsic functions with the argument checks AWS documents. Every wrong argument count or
/// type fails with States.IntrinsicFailure and a cause naming the function, the argument and what was expected.
/// </summary>
internal static class IntrinsicFunctions
{
    /// <summary>AWS's limit on string arguments of Base64Encode/Base64Decode/Hash.</summary>
    public const int MaxStringLength = 10_000;

    /// <summary>AWS's limit on the length of the array States.ArrayRange builds.</summary>
    public const int MaxRangeItems = 1_000;

    private static readonly Dictionary<string, Func<IntrinsicCall, List<JsonNode?>, EvaluationScope, JsonNode?>> Functions =
        new(StringComparer.Ordinal)
        {
            ["States.Format"] = Format,
            ["States.StringToJson"] = StringToJson,
            ["States.JsonToString"] = (call, args, _) => JsonValue.Create(JsonValues.ToJson(Single(call, args))),
            ["States.Array"] = (_, args, _) => new JsonArray(args.Select(JsonValues.Clone).ToArray()),
            ["States.ArrayPartition"] = ArrayPartition,
            ["States.ArrayContains"] = ArrayContains,
            ["States.ArrayRange"] = ArrayRange,
            ["States.ArrayGetItem"] = ArrayGetItem,
            ["States.ArrayLength"] = (call, args, _) => JsonValues.Number(ArrayArg(call, args, 0, expected: 1).Count),
            ["States.ArrayUnique"] = ArrayUnique,
            ["States.Base64Encode"] = Base64Encode,
            ["States.Base64Decode"] = Base64Decode,
            ["States.Hash"] = Hash,
            ["States.JsonMerge"] = JsonMerge,
            ["States.MathRandom"] = MathRandom,
            ["States.MathAdd"] = MathAdd,
            ["States.StringSplit"] = StringSplit,
            ["States.UUID"] = (call, args, _) =>
            {
                ExpectCount(call, args, 0);
                return JsonValue.Create(Guid.NewGuid().ToString());
            },
        };

    private static readonly string[] HashAlgorithms = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

    public static IEnumerable<string> Names => Functions.Keys;

    public static bool IsKnown(string name) => Functions.ContainsKey(name);

    public static JsonNode? Evaluate(IntrinsicCall call, EvaluationScope scope)
    {
        var values = new List<JsonNode?>(call.Arguments.Count);
        foreach (var argument in call.Arguments)
        {
            values.Add(EvaluateArgument(call, argument, scope));
        }

        return Functions[call.Name](call, values, scope);
    }

    private static JsonNode? EvaluateArgument(IntrinsicCall call, IntrinsicArgument argument, EvaluationScope scope) =>
        argument switch
        {
            LiteralArgument literal => JsonValues.Clone(literal.Value),
            StringArgument text => JsonValue.Create(text.Value),
            PathArgument path => scope.TrySelect(path.Path, out var value)
                ? value
                : throw StatesErrorException.Runtime(
                    $"The JSONPath '{path.Path.Text}' specified in the intrinsic function '{call.Text}' could not be found in the input " +
                    $"'{JsonValues.ToJson(path.Path.IsContextPath ? scope.Context : scope.Input)}'"),
            IntrinsicCall nested => Evaluate(nested, scope),
            _ => throw new InvalidOperationException("Unknown intrinsic argument."),
        };

    private static JsonNode? Format(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        if (args.Count == 0)
        {
            throw Failure(call, "expects at least 1 argument (the template string)");
        }

        // A literal template keeps its escapes (see StringArgument.Template); a template read from a path is
        // interpreted with the same escape rules.
        var template = call.Arguments[0] is StringArgument literal
            ? literal.Template
            : JsonValues.TryGetString(args[0], out var fromPath)
                ? fromPath
                : throw Failure(call, $"argument 1 must be a string, got {Describe(args[0])}");

        var output = new StringBuilder();
        var next = 1;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '\\' && i + 1 < template.Length && template[i + 1] is '{' or '}' or '\\')
            {
                output.Append(template[++i]);
            }
            else if (c == '{' && i + 1 < template.Length && template[i + 1] == '}')
            {
                if (next >= args.Count)
                {
                    throw Failure(call, $"the template has more '{{}}' placeholders than the {args.Count - 1} value argument(s) given");
                }

                var value = args[next++];
                if (value is JsonObject or JsonArray)
                {
                    throw Failure(call, $"argument {next} must be a string, number, boolean or null, got {Describe(value)}");
                }

                output.Append(JsonValues.ToNaturalString(value));
                i++;
            }
            else
            {
                output.Append(c);
            }
        }

        if (next != args.Count)
        {
            throw Failure(call, $"the template has {next - 1} '{{}}' placeholder(s) but {args.Count - 1} value argument(s) were given");
        }

        return JsonValue.Create(output.ToString());
    }

    private static JsonNode? StringToJson(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        var text = StringArg(call, args, 0, expected: 1);
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw Failure(call, $"argument 1 is not valid JSON text: {ex.Message}");
        }
    }

    private static JsonNode? ArrayPartition(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        var array = ArrayArg(call, args, 0, expected: 2);
        var size = IntegerArg(call, args, 1);
        if (size <= 0)
        {
            throw Failure(call, $"argument 2 (chunk size) must be a positive integer, got {size}");
        }

        var result = new JsonArray();
        var chunk = new JsonArray();
        foreach (var item in array)
        {
            chunk.Add(JsonValues.Clone(item));
            if (chunk.Count == size)
            {
                result.Add(chunk);
                chunk = new JsonArray();
            }
        }

        if (chunk.Count > 0)
        {
            result.Add(chunk);
        }

        return result;
    }

    private static JsonNode? ArrayContains(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        var array = ArrayArg(call, args, 0, expected: 2);
        return JsonValue.Create(array.Any(item => JsonValues.DeepEquals(item, args[1])));
    }

    private static JsonNode? ArrayRange(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        ExpectCount(call, args, 3);
        var start = IntegerArg(call, args, 0);
        var end = IntegerArg(call, args, 1);
        var step = IntegerArg(call, args, 2);
        if (step == 0)
        {
            throw Failure(call, "argument 3 (step) must be a non-zero integer");
        }

        var count = (step > 0 && start <= end) || (step < 0 && start >= end) ? ((end - start) / step) + 1 : 0;
        if (count > MaxRangeItems)
        {
            throw Failure(call, $"the range would have {count} items; at most {MaxRangeItems} are allowed");
        }

        var result = new JsonArray();
        for (long i = 0, value = start; i < count; i++, value += step)
        {
            result.Add(JsonValues.Number(value));
        }

        return result;
    }

    private static JsonNode? ArrayGetItem(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        var array = ArrayArg(call, args, 0, expected: 2);
        var index = IntegerArg(call, args, 1);
        if (index < 0 || index >= array.Count)
        {
            throw Failure(call, $"index {index} is out of bounds for an array of length {array.Count}");
        }

        return JsonValues.Clone(array[(int)index]);
    }

    private static JsonNode? ArrayUnique(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        var array = ArrayArg(call, args, 0, expected: 1);
        var result = new JsonArray();
        foreach (var item in array)
        {
            if (!result.Any(kept => JsonValues.DeepEquals(kept, item)))
            {
                result.Add(JsonValues.Clone(item));
            }
        }

        return result;
    }

    private static JsonNode? Base64Encode(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        var text = LimitedStringArg(call, args, 0, expected: 1);
        return JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));
    }

    private static JsonNode? Base64Decode(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        var text = LimitedStringArg(call, args, 0, expected: 1);
        try
        {
            return JsonValue.Create(Encoding.UTF8.GetString(Convert.FromBase64String(text)));
        }
        catch (FormatException)
        {
            throw Failure(call, "argument 1 is not valid Base64 text");
        }
    }

    private static JsonNode? Hash(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        var text = LimitedStringArg(call, args, 0, expected: 2);
        var algorithm = StringArg(call, args, 1, expected: 2);
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = algorithm switch
        {
            "MD5" => MD5.HashData(bytes),
            "SHA-1" => SHA1.HashData(bytes),
            "SHA-256" => SHA256.HashData(bytes),
            "SHA-384" => SHA384.HashData(bytes),
            "SHA-512" => SHA512.HashData(bytes),
            _ => throw Failure(call, $"argument 2 must be one of {string.Join(", ", HashAlgorithms)}, got '{algorithm}'"),
        };
        return JsonValue.Create(Convert.ToHexStringLower(hash));
    }

    private static JsonNode? JsonMerge(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        ExpectCount(call, args, 3);
        if (args[0] is not JsonObject left)
        {
            throw Failure(call, $"argument 1 must be a JSON object, got {Describe(args[0])}");
        }

        if (args[1] is not JsonObject right)
        {
            throw Failure(call, $"argument 2 must be a JSON object, got {Describe(args[1])}");
        }

        if (!JsonValues.TryGetBoolean(args[2], out var deep))
        {
            throw Failure(call, $"argument 3 (deep merge) must be a boolean, got {Describe(args[2])}");
        }

        if (deep)
        {
            throw Failure(call, "only shallow merging is supported: argument 3 must be false");
        }

        var merged = (JsonObject)left.DeepClone();
        foreach (var (key, value) in right)
        {
            merged[key] = JsonValues.Clone(value);
        }

        return merged;
    }

    private static JsonNode? MathRandom(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        if (args.Count is < 2 or > 3)
        {
            throw Failure(call, $"expects 2 or 3 arguments (start, end[, seed]), got {args.Count}");
        }

        var start = RoundedIntegerArg(call, args, 0);
        var end = RoundedIntegerArg(call, args, 1);
        if (start >= end)
        {
            throw Failure(call, $"argument 1 (start = {start}) must be less than argument 2 (end = {end}): the start is inclusive, the end exclusive");
        }

        // AWS documents the start as inclusive and the end as exclusive, and that the same seed gives the same number;
        // without a seed the engine's Random is used.
        var random = args.Count == 3 ? new Random(unchecked((int)RoundedIntegerArg(call, args, 2))) : scope.Random;
        return JsonValues.Number(random.NextInt64(start, end));
    }

    private static JsonNode? MathAdd(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        ExpectCount(call, args, 2);
        return JsonValues.Number(RoundedIntegerArg(call, args, 0) + RoundedIntegerArg(call, args, 1));
    }

    private static JsonNode? StringSplit(IntrinsicCall call, List<JsonNode?> args, EvaluationScope scope)
    {
        var text = StringArg(call, args, 0, expected: 2);
        var delimiters = StringArg(call, args, 1, expected: 2);
        if (delimiters.Length == 0)
        {
            throw Failure(call, "argument 2 (delimiting characters) must not be empty");
        }

        // Every character of the second argument is a delimiter of its own.
        return new JsonArray(text.Split(delimiters.ToCharArray()).Select(part => (JsonNode?)JsonValue.Create(part)).ToArray());
    }

    private static JsonNode? Single(IntrinsicCall call, List<JsonNode?> args)
    {
        ExpectCount(call, args, 1);
        return args[0];
    }

    private static void ExpectCount(IntrinsicCall call, List<JsonNode?> args, int expected)
    {
        if (args.Count != expected)
        {
            throw Failure(call, $"expects {expected} argument(s), got {args.Count}");
        }
    }

    private static JsonArray ArrayArg(IntrinsicCall call, List<JsonNode?> args, int index, int expected)
    {
        ExpectCount(call, args, expected);
        return args[index] as JsonArray ?? throw Failure(call, $"argument {index + 1} must be an array, got {Describe(args[index])}");
    }

    private static string StringArg(IntrinsicCall call, List<JsonNode?> args, int index, int expected)
    {
        ExpectCount(call, args, expected);
        return JsonValues.TryGetString(args[index], out var text)
            ? text
            : throw Failure(call, $"argument {index + 1} must be a string, got {Describe(args[index])}");
    }

    private static string LimitedStringArg(IntrinsicCall call, List<JsonNode?> args, int index, int expected)
    {
        var text = StringArg(call, args, index, expected);
        return text.Length <= MaxStringLength
            ? text
            : throw Failure(call, $"argument {index + 1} has {text.Length} characters; at most {MaxStringLength} are allowed");
    }

    private static long IntegerArg(IntrinsicCall call, List<JsonNode?> args, int index) =>
        JsonValues.TryGetInteger(args[index], out var value)
            ? value
            : throw Failure(call, $"argument {index + 1} must be an integer, got {Describe(args[index])}");

    /// <summary>
    /// A number argument rounded to the nearest integer, halves toward positive infinity (-1.5 → -1, 1.5 → 2), as AWS
    /// rounds MathAdd's and MathRandom's non-integer arguments.
    /// </summary>
    private static long RoundedIntegerArg(IntrinsicCall call, List<JsonNode?> args, int index) =>
        JsonValues.TryGetDouble(args[index], out var value) && Math.Abs(value) < long.MaxValue
            ? RoundHalfUp(value)
            : throw Failure(call, $"argument {index + 1} must be a number, got {Describe(args[index])}");

    /// <summary>Floor, plus one when the fraction is at least a half (no <c>value + 0.5</c>, which rounds 0.49999999999999994 up).</summary>
    private static long RoundHalfUp(double value)
    {
        var floor = Math.Floor(value);
        return (long)(value - floor >= 0.5 ? floor + 1 : floor);
    }

    private static string Describe(JsonNode? value) =>
        $"{JsonValues.Kind(value).ToString().ToLowerInvariant()} {Truncate(JsonValues.ToJson(value))}";

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private static StatesErrorException Failure(IntrinsicCall call, string problem) =>
        StatesErrorException.Intrinsic($"Invalid arguments in {call.Name} ({call.Text}): {problem}.");
}
