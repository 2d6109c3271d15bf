using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Paths;

namespace DisasterRecovery.LocalStepFunctions.Processing;

/// <summary>
/// What a path or intrinsic is evaluated against: the (effective) input for <c>$</c> and the context object for
/// <c>$$</c>. The context object is built lazily because most states never read it.
/// </summary>
internal sealed class EvaluationScope(JsonNode? input, Func<JsonObject> contextFactory, Random random)
{
    private JsonObject? _context;

    public JsonNode? Input { get; } = input;

    public JsonObject Context => _context ??= contextFactory();

    /// <summary>Random source for States.MathRandom without a seed (injectable so runs can be reproduced).</summary>
    public Random Random { get; } = random;

    public bool TrySelect(JsonPathExpression path, out JsonNode? value) =>
        path.TrySelect(path.IsContextPath ? Context : Input, out value);

    public EvaluationScope WithInput(JsonNode? newInput) => new(newInput, () => Context, Random);
}
