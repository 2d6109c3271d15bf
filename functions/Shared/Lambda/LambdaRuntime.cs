using System.Collections;
using System.Reflection;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Lambda.Jobs;
using DisasterRecovery.Lambda.RuntimeApi;

namespace DisasterRecovery.Lambda;

/// <summary>
/// The event loop of a function process: start the function once, then fetch, invoke, report,
/// forever. Runs the same on the <c>dotnet10</c> managed runtime (Handler = assembly name, an
/// executable assembly) and as <c>bootstrap</c> on <c>provided.al2023</c>. With the argument <c>--job</c> the same
/// function runs once as a job instead (an ECS Fargate task: see <see cref="LambdaJob"/>).
/// </summary>
public static class LambdaRuntime
{
    /// <summary>The variable Lambda sets to the Runtime API's host:port.</summary>
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>Runs until the Runtime API goes away (or, with <c>--job</c>, runs the job once). Returns the process exit code.</summary>
    public static Task<int> RunAsync(Func<IReadOnlyDictionary<string, string>, ILambdaFunction> create) =>
        RunAsync(create, Environment.GetCommandLineArgs().Skip(1).ToArray());

    /// <summary>The same, with the process arguments given.</summary>
    public static async Task<int> RunAsync(Func<IReadOnlyDictionary<string, string>, ILambdaFunction> create, IReadOnlyList<string> arguments)
    {
        var environment = ReadEnvironment();
        var functionName = environment.GetValueOrDefault("AWS_LAMBDA_FUNCTION_NAME")
            ?? Assembly.GetEntryAssembly()?.GetName().Name
            ?? "function";
        var logger = new JsonLogger(functionName);
        if (arguments.Contains(LambdaJob.Argument, StringComparer.Ordinal))
        {
            return await LambdaJob.RunProcessAsync(create, environment, functionName, logger).ConfigureAwait(false);
        }

        if (!environment.TryGetValue(RuntimeApiVariable, out var runtimeApi) || string.IsNullOrWhiteSpace(runtimeApi))
        {
            logger.Error($"{RuntimeApiVariable} is not set: this program is a Lambda function and runs under the Lambda Runtime API " +
                         $"(or the local cloud's `invoke` command), or once with {LambdaJob.Argument}");
            return 2;
        }

        using var client = new RuntimeApiClient(runtimeApi);
        ILambdaFunction function;
        try
        {
            function = create(environment);
        }
        catch (Exception e)
        {
            var report = ErrorReport.From(e);
            logger.Error("initialization failed", ("errorType", report.ErrorType), ("errorMessage", report.ErrorMessage));
            await client.PostInitErrorAsync(report, CancellationToken.None).ConfigureAwait(false);
            return 1;
        }

        return await LoopAsync(client, function, functionName, logger, TimeProvider.System).ConfigureAwait(false);
    }

    private static async Task<int> LoopAsync(
        RuntimeApiClient client, ILambdaFunction function, string functionName, JsonLogger logger, TimeProvider time)
    {
        while (true)
        {
            Invocation invocation;
            try
            {
                invocation = await client.NextInvocationAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                // The Runtime API only goes away when the sandbox is being torn down.
                logger.Error("the Runtime API is unreachable; stopping", ("error", e));
                return 1;
            }

            Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
            using var context = new LambdaContext(
                invocation.RequestId, functionName, invocation.InvokedFunctionArn, invocation.Deadline, invocation.TraceId, logger, time);
            byte[] output;
            try
            {
                output = await function.InvokeAsync(invocation.Payload, context).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var report = ErrorReport.From(e);
                context.Logger.Error("invocation failed", ("errorType", report.ErrorType), ("errorMessage", report.ErrorMessage));
                await client.PostErrorAsync(invocation.RequestId, report, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            await client.PostResponseAsync(invocation.RequestId, output, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, string> ReadEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
