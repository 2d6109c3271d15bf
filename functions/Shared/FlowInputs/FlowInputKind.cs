using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>One flow's input record, by its flow name: checks an execution input against it.</summary>
public sealed class FlowInputKind
{
    private readonly Func<JsonElement, IValidatable> _read;

    private FlowInputKind(string flow, JsonTypeInfo typeInfo, IReadOnlyDictionary<string, string> notTaken, Func<JsonElement, IValidatable> read)
    {
        Flow = flow;
        TypeInfo = typeInfo;
        NotTaken = notTaken;
        _read = read;
    }

    /// <summary>The flow's ASL file stem.</summary>
    public string Flow { get; }

    /// <summary>The record's JSON metadata: its fields, their names and types.</summary>
    public JsonTypeInfo TypeInfo { get; }

    /// <summary>Fields the flow does not take, each with what to do instead.</summary>
    public IReadOnlyDictionary<string, string> NotTaken { get; }

    /// <summary>The field names the flow takes, in the record's order.</summary>
    public IReadOnlyList<string> Fields => [.. TypeInfo.Properties.Select(p => p.Name)];

    public static FlowInputKind Of<T>(JsonTypeInfo<T> typeInfo)
        where T : class, IFlowInput =>
        new(T.Flow, typeInfo, T.NotTaken, element => element.Deserialize(typeInfo)!);

    /// <summary>
    /// Checks <paramref name="input"/> (an execution's input) and returns it as the flow's record. Throws
    /// <see cref="InvalidInputException"/> naming the first unknown field (with the fields the flow takes), the first
    /// value of the wrong JSON type, a missing required field or a value the flow cannot take.
    /// </summary>
    public IValidatable Check(JsonElement input)
    {
        new FlowInputShape(this).Check(input);
        IValidatable record;
        try
        {
            record = _read(input);
        }
        catch (JsonException e)
        {
            // The shape check leaves nothing the reader refuses; this keeps any case it missed an input error.
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "input" : e.Path.TrimStart('$', '.');
            throw new InvalidInputException(field, $"cannot be read as the {Flow} flow's {TypeInfo.Type.Name}");
        }

        record.Validate();
        return record;
    }
}
