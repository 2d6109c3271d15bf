using DisasterRecovery.LocalRds.Api;

namespace DisasterRecovery.LocalCloud.Emulators;

/// <summary>
/// Turns the RDS emulator's request shapes (<see cref="RdsShape"/>, local/Rds) into the local cloud's <see cref="Shape"/>,
/// so that <see cref="Dispatch.DefinitionChecker"/> refuses an unknown RDS parameter when a state machine loads and the
/// dispatcher checks the effective parameters before the call, as for every other emulator. Every shape type is
/// mapped; a type without an equivalent is a defect, reported rather than guessed.
/// </summary>
internal static class RdsShapeConverter
{
    private static readonly Dictionary<string, StructureShape> Requests = RdsApiCatalog.ImplementedActions.ToDictionary(
        action => action, action => Structure(RdsApiCatalog.RequestShape(action)!), StringComparer.Ordinal);

    /// <summary>The converted request shape of an implemented action, or null for any other action.</summary>
    public static StructureShape? RequestShape(string action) => Requests.GetValueOrDefault(action);

    /// <summary>
    /// One shape: <c>structure</c> (members, required ones marked), <c>list</c> and <c>map</c> (of <see cref="RdsShape.Member"/>,
    /// a map's value shape), <c>integer</c>/<c>long</c>, <c>number</c>/<c>double</c>/<c>float</c>, <c>boolean</c>,
    /// <c>timestamp</c>, <c>string</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A type the local cloud has no shape for, or a list/map without an item shape.</exception>
    public static Shape Convert(RdsShape shape) => shape.Type switch
    {
        "structure" => Structure(shape),
        "list" => Shape.List(Convert(shape.Member ?? throw Incomplete(shape))),
        "map" => Shape.Map(Convert(shape.Member ?? throw Incomplete(shape))),
        "integer" or "long" => Shape.Integer,
        "number" or "double" or "float" => Shape.Number,
        "boolean" => Shape.Boolean,
        "timestamp" => Shape.Timestamp,
        "string" => Shape.String,
        _ => throw new InvalidOperationException($"the RDS shape type '{shape.Type}' has no local cloud shape; add it to {nameof(RdsShapeConverter)}"),
    };

    /// <summary>A structure shape with its members, those in <see cref="RdsShape.Required"/> required.</summary>
    /// <exception cref="InvalidOperationException">The shape is not a structure.</exception>
    public static StructureShape Structure(RdsShape shape) => shape.Type == "structure"
        ? Shape.Structure([.. shape.Members.Select(m => new Member(m.Key, Convert(m.Value), shape.Required.Contains(m.Key)))])
        : throw new InvalidOperationException($"expected an RDS structure shape, got '{shape.Type}'");

    private static InvalidOperationException Incomplete(RdsShape shape) =>
        new($"the RDS {shape.Type} shape has no {(shape.Type == "map" ? "value" : "item")} shape");
}
