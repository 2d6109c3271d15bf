using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalCloud.Emulators;

/// <summary>
/// A local stand-in for one AWS service, reached from a Task state as <c>arn:aws:states:::aws-sdk:&lt;service&gt;:&lt;action&gt;</c>.
/// Strict like Step Functions: an action it does not list, or a parameter its action's shape does not list, is refused.
/// Register implementations by <see cref="ServiceName"/> in the <see cref="ServiceEmulatorRegistry"/>.
/// </summary>
public interface IServiceEmulator
{
    /// <summary>The service as it appears in the resource ARN, lower case: <c>route53</c>, <c>sns</c>, <c>cloudwatch</c>.</summary>
    string ServiceName { get; }

    /// <summary>The PascalCase service name that prefixes its errors: <c>Route53</c> in <c>Route53.NoSuchHostedZoneException</c>.</summary>
    string ErrorPrefix { get; }

    /// <summary>The actions it emulates, camelCase as in the resource ARN (<c>changeResourceRecordSets</c>).</summary>
    IReadOnlyCollection<string> Actions { get; }

    /// <summary>The request shape of an action, or null when the action is not emulated.</summary>
    StructureShape? InputShape(string action);

    /// <summary>Runs an action with already validated parameters.</summary>
    /// <exception cref="ServiceErrorException">The service refused the request (e.g. NoSuchHostedZoneException).</exception>
    Task<JsonNode?> InvokeAsync(string action, JsonObject parameters, ServiceCallContext context, CancellationToken cancellationToken);
}

/// <summary>Who is calling and on which clock: the engine's clock, so emulated delays follow virtual time.</summary>
/// <param name="Clock">The engine's clock.</param>
/// <param name="Region">The stack's region.</param>
/// <param name="AccountId">The stack's account.</param>
/// <param name="ExecutionArn">The calling execution, when called from a state machine.</param>
/// <param name="StateName">The calling state, when called from a state machine.</param>
public sealed record ServiceCallContext(TimeProvider Clock, string Region, string AccountId, string? ExecutionArn, string? StateName)
{
    /// <summary>A <c>.sync</c> optimized integration (ecs:runTask.sync): the call returns when the job has finished.</summary>
    public bool WaitForCompletion { get; init; }
}

/// <summary>
/// A service error: <see cref="Code"/> is the SDK exception name (<c>NoSuchHostedZoneException</c>); Step Functions
/// reports it as <c>&lt;ErrorPrefix&gt;.&lt;Code&gt;</c>.
/// </summary>
public sealed class ServiceErrorException(string code, string message, int statusCode = 400) : Exception(message)
{
    /// <summary>The exception name, with the Exception suffix Step Functions always uses.</summary>
    public string Code { get; } = code;

    /// <summary>The HTTP status the service answers with.</summary>
    public int StatusCode { get; } = statusCode;
}

/// <summary>The emulators by service name.</summary>
public sealed class ServiceEmulatorRegistry
{
    private readonly Dictionary<string, IServiceEmulator> _emulators = new(StringComparer.Ordinal);

    /// <summary>Adds an emulator; a second one for the same service is a programming error.</summary>
    public void Register(IServiceEmulator emulator)
    {
        if (!_emulators.TryAdd(emulator.ServiceName, emulator))
        {
            throw new InvalidOperationException($"an emulator for '{emulator.ServiceName}' is already registered");
        }
    }

    /// <summary>The emulator of a service, if any.</summary>
    public IServiceEmulator? Find(string serviceName) => _emulators.GetValueOrDefault(serviceName);

    /// <summary>The emulator of a service with the given type.</summary>
    public T Get<T>()
        where T : IServiceEmulator => _emulators.Values.OfType<T>().Single();

    /// <summary>"route53 (changeResourceRecordSets, …), sns (publish)", for messages.</summary>
    public string Describe() => string.Join("; ",
        _emulators.Values.OrderBy(e => e.ServiceName, StringComparer.Ordinal)
            .Select(e => $"{e.ServiceName} ({string.Join(", ", e.Actions.Order(StringComparer.Ordinal))})"));
}

/// <summary>Base for emulators: a table of actions with their shapes and handlers.</summary>
public abstract class ServiceEmulator : IServiceEmulator
{
    private readonly Dictionary<string, (StructureShape Shape, Func<JsonObject, ServiceCallContext, CancellationToken, Task<JsonNode?>> Handler)> _actions =
        new(StringComparer.Ordinal);

    /// <inheritdoc />
    public abstract string ServiceName { get; }

    /// <inheritdoc />
    public abstract string ErrorPrefix { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<string> Actions => _actions.Keys;

    /// <inheritdoc />
    public StructureShape? InputShape(string action) => _actions.TryGetValue(action, out var entry) ? entry.Shape : null;

    /// <inheritdoc />
    public Task<JsonNode?> InvokeAsync(string action, JsonObject parameters, ServiceCallContext context, CancellationToken cancellationToken) =>
        _actions.TryGetValue(action, out var entry)
            ? entry.Handler(parameters, context, cancellationToken)
            : throw new InvalidOperationException($"{ServiceName} has no action '{action}'");

    /// <summary>Registers a synchronous action.</summary>
    protected void Action(string name, StructureShape input, Func<JsonObject, ServiceCallContext, JsonNode?> handler) =>
        _actions.Add(name, (input, (p, c, _) => Task.FromResult(handler(p, c))));

    /// <summary>Registers an asynchronous action.</summary>
    protected void Action(string name, StructureShape input, Func<JsonObject, ServiceCallContext, CancellationToken, Task<JsonNode?>> handler) =>
        _actions.Add(name, (input, handler));

    /// <summary>A string parameter, or null.</summary>
    protected static string? Text(JsonObject parameters, string name) => parameters[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>A timestamp as Step Functions' SDK integrations write them.</summary>
    protected static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
