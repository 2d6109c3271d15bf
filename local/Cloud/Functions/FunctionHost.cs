using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Lambda;
using DisasterRecovery.Lambda.RuntimeApi;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Functions;

/// <summary>
/// Runs the stack's functions in-process, one warm instance per function (built once through its
/// <see cref="ILambdaEntryPoint"/> with the template's environment, like a Lambda sandbox's init). Each invocation
/// gets a <see cref="LambdaContext"/> whose deadline is the function's Timeout on the real clock: function code does
/// real I/O, so it always runs in real time, even when the state machine around it runs on a virtual clock.
/// </summary>
public sealed class FunctionHost
{
    /// <summary>Lambda's quota on a synchronous invocation's response: 6 MB (6,291,456 bytes).</summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024;

    /// <summary>The errorType Lambda reports when a function's response is over <see cref="MaxResponseBytes"/>.</summary>
    public const string ResponseSizeTooLarge = "Function.ResponseSizeTooLarge";

    private readonly LoadedStack _stack;
    private readonly TimeProvider _clock;
    private readonly IReadOnlyDictionary<string, string> _platformEnvironment;
    private readonly Func<IReadOnlyDictionary<string, string>>? _platformEnvironmentOnDemand;
    private readonly ConcurrentDictionary<string, Lazy<ILambdaFunction>> _instances = new(StringComparer.Ordinal);

    /// <param name="stack">The loaded template.</param>
    /// <param name="clock">The clock for deadlines and log timestamps; the system clock outside tests.</param>
    /// <param name="platformEnvironment">
    /// Variables the local platform adds to every function, as Lambda adds its own (the local S3 endpoint and its keys).
    /// </param>
    /// <param name="platformEnvironmentOnDemand">
    /// More such variables, asked for whenever a function's environment is built, for what the platform starts only
    /// when a function needs it (the Parameters and Secrets extension's port and the session token).
    /// </param>
    public FunctionHost(
        LoadedStack stack, TimeProvider? clock = null, IReadOnlyDictionary<string, string>? platformEnvironment = null,
        Func<IReadOnlyDictionary<string, string>>? platformEnvironmentOnDemand = null)
    {
        _stack = stack;
        _clock = clock ?? TimeProvider.System;
        _platformEnvironment = platformEnvironment ?? new Dictionary<string, string>();
        _platformEnvironmentOnDemand = platformEnvironmentOnDemand;
    }

    /// <summary>Every log line a function writes, as it writes it.</summary>
    public event EventHandler<FunctionLogLineEventArgs>? LogLine;

    /// <summary>A function by logical id, name or ARN.</summary>
    /// <exception cref="FunctionNotFoundException">Listing the functions the template defines.</exception>
    public FunctionDefinition Find(string nameOrArn) =>
        _stack.FindFunction(nameOrArn) ?? throw new FunctionNotFoundException(
            $"no function '{nameOrArn}' in {Path.GetFileName(_stack.TemplatePath)} " +
            $"(functions: {StackLoader.Names(_stack.Functions.Select(f => f.LogicalId))})");

    /// <summary>Checks that every function's Handler leads to an entry point, without running any init code.</summary>
    public void VerifyHandlers()
    {
        foreach (var function in _stack.Functions)
        {
            FunctionCatalog.FindEntryPoint(function.LogicalId, function.Handler);
        }
    }

    /// <summary>
    /// Invokes a function synchronously (RequestResponse). Never throws for a function error: errors, init failures,
    /// timeouts and responses over Lambda's 6 MB quota come back as <see cref="FunctionInvocationResult.Error"/>,
    /// shaped as Lambda reports them.
    /// </summary>
    public async Task<FunctionInvocationResult> InvokeAsync(FunctionDefinition function, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString();
        var log = new LogCapture(line => LogLine?.Invoke(this, new FunctionLogLineEventArgs(function.LogicalId, requestId, line)));
        var started = Stopwatch.GetTimestamp();
        ILambdaFunction instance;
        try
        {
            instance = _instances.GetOrAdd(function.LogicalId, _ => new Lazy<ILambdaFunction>(() => Create(function))).Value;
        }
        catch (Exception e)
        {
            // Like a failed sandbox init: every invocation reports it until the code or configuration is fixed.
            _instances.TryRemove(function.LogicalId, out _);
            return new FunctionInvocationResult(requestId, null, ErrorReport.From(e), log.Lines, Stopwatch.GetElapsedTime(started));
        }

        var deadline = _clock.GetUtcNow() + function.Timeout;
        var logger = new JsonLogger(function.FunctionName, log, _clock);
        using var context = new LambdaContext(requestId, function.FunctionName, function.Arn, deadline, TraceId(), logger, _clock);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var invocation = Task.Run(() => instance.InvokeAsync(payload, context), CancellationToken.None);
        var expiry = Task.Delay(function.Timeout, _clock, timeout.Token);
        var finished = await Task.WhenAny(invocation, expiry).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        if (finished != invocation)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Lambda stops the sandbox; here the handler is abandoned (its context token has fired) and reported the same way.
            _ = invocation.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            var message = $"{_clock.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {requestId} Task timed out after {function.Timeout.TotalSeconds:0.00} seconds";
            return new FunctionInvocationResult(requestId, null, new ErrorReport(message, "Sandbox.Timedout", []), log.Lines,
                Stopwatch.GetElapsedTime(started));
        }

        try
        {
            var output = await invocation.ConfigureAwait(false);
            if (output.Length > MaxResponseBytes)
            {
                // Lambda does not pass an oversized response on: the caller gets a function error instead (HTTP 200,
                // X-Amz-Function-Error: Unhandled), which Step Functions reports under its errorType.
                var tooLarge = new ErrorReport(
                    $"Response payload size ({output.Length} bytes) exceeded maximum allowed payload size ({MaxResponseBytes} bytes).", ResponseSizeTooLarge,
                        []);
                return new FunctionInvocationResult(requestId, null, tooLarge, log.Lines, Stopwatch.GetElapsedTime(started));
            }

            return new FunctionInvocationResult(requestId, output, null, log.Lines, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e)
        {
            var report = ErrorReport.From(e);
            context.Logger.Error("invocation failed", ("errorType", report.ErrorType), ("errorMessage", report.ErrorMessage));
            return new FunctionInvocationResult(requestId, null, report, log.Lines, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The environment a function sees: the template's variables plus those Lambda itself sets.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOf(FunctionDefinition function)
    {
        var environment = new Dictionary<string, string>(function.Environment, StringComparer.Ordinal)
        {
            ["AWS_LAMBDA_FUNCTION_NAME"] = function.FunctionName,
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = function.MemorySize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AWS_REGION"] = _stack.Region,
            ["AWS_DEFAULT_REGION"] = _stack.Region,
        };
        if (function.Runtime is { } runtime)
        {
            environment["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + runtime;
        }

        foreach (var (name, value) in _platformEnvironment.Concat(_platformEnvironmentOnDemand?.Invoke() ?? new Dictionary<string, string>()))
        {
            environment[name] = value;
        }

        return environment;
    }

    private ILambdaFunction Create(FunctionDefinition function) =>
        FunctionCatalog.Create(FunctionCatalog.FindEntryPoint(function.LogicalId, function.Handler), EnvironmentOf(function));

    private static string TraceId()
    {
        var epoch = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        return $"Root=1-{epoch}-{Guid.NewGuid().ToString("N")[..24]};Sampled=1";
    }

    /// <summary>Collects the lines a function's logger writes and forwards each one as it completes.</summary>
    private sealed class LogCapture(Action<string> onLine) : TextWriter
    {
        private readonly object _gate = new();
        private readonly StringBuilder _pending = new();
        private readonly List<string> _lines = [];

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_gate)
                {
                    return _lines.ToArray();
                }
            }
        }

        public override void Write(char value)
        {
            string? line = null;
            lock (_gate)
            {
                if (value == '\n')
                {
                    line = _pending.ToString().TrimEnd('\r');
                    _pending.Clear();
                    _lines.Add(line);
                }
                else
                {
                    _pending.Append(value);
                }
            }

            if (line is not null)
            {
                onLine(line);
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? string.Empty)
            {
                Write(c);
            }
        }

        public override void WriteLine(string? value)
        {
            Write(value);
            Write('\n');
        }
    }
}

/// <summary>How one invocation ended: the output bytes, or the error the Runtime API would report.</summary>
/// <param name="RequestId">The invocation's request id.</param>
/// <param name="Output">The function's JSON output when it succeeded.</param>
/// <param name="Error">The errorType/errorMessage/stackTrace when it failed.</param>
/// <param name="LogLines">The lines its logger wrote.</param>
/// <param name="Duration">Wall time.</param>
public sealed record FunctionInvocationResult(
    string RequestId, byte[]? Output, ErrorReport? Error, IReadOnlyList<string> LogLines, TimeSpan Duration)
{
    /// <summary>
    /// Lambda's escaping, not the web-safe default: the Cause keeps <c>'</c>, <c>&lt;</c>, <c>&amp;</c> and non-ASCII text
    /// as they are (the default encoder would write <c>\u0027</c> for an apostrophe).
    /// </summary>
    private static readonly JsonSerializerOptions CauseOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The error as Step Functions shows it in a Cause: <c>{"errorMessage","errorType","stackTrace"}</c>; without
    /// <paramref name="withStackTrace"/> only the first two, for a reader who did not ask for the trace.
    /// </summary>
    public string ErrorCauseJson(bool withStackTrace = true) => Error is null
        ? string.Empty
        : JsonSerializer.Serialize(new ErrorCause(Error.ErrorMessage, Error.ErrorType, withStackTrace ? Error.StackTrace : null), CauseOptions);

    private sealed record ErrorCause(
        [property: System.Text.Json.Serialization.JsonPropertyName("errorMessage")] string ErrorMessage,
        [property: System.Text.Json.Serialization.JsonPropertyName("errorType")] string ErrorType,
        [property: System.Text.Json.Serialization.JsonPropertyName("stackTrace"),
                   System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        IReadOnlyList<string>? StackTrace);
}

/// <summary>One log line of one invocation.</summary>
public sealed class FunctionLogLineEventArgs(string functionLogicalId, string requestId, string line) : EventArgs
{
    public string FunctionLogicalId { get; } = functionLogicalId;

    public string RequestId { get; } = requestId;

    public string Line { get; } = line;
}
