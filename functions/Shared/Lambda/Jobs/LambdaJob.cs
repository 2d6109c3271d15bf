using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Lambda.RuntimeApi;

namespace DisasterRecovery.Lambda.Jobs;

/// <summary>
/// Job mode: the function's own assembly, started with <c>--job</c> (an ECS Fargate task, or the local cloud's
/// <c>ecs:runTask.sync</c>), runs its <see cref="ILambdaFunction"/> once instead of serving the Runtime API:
/// <list type="bullet">
/// <item>input: the function's usual request record, as JSON in <c>JOB_INPUT</c>;</item>
/// <item>output: <c>{"result": &lt;the function's output&gt;}</c>, or <c>{"errorType","errorMessage"}</c> when it failed (or could
/// not start), written to S3 object <c>JOB_RESULT_KEY</c> in bucket <c>JOB_RESULT_BUCKET</c>;</item>
/// <item>exit code: 0 succeeded, 1 the job failed, 2 it could not start (bad settings, the function's init failed);</item>
/// <item>deadline: <c>JOB_TIMEOUT_SECONDS</c> (default 12 hours: a task has no 15-minute cap; the flow's state timeout
/// is the real bound); SIGTERM (ECS stopping the task) or SIGINT cancel the same token the deadline does.</item>
/// </list>
/// Logs are the same JSON lines as in Lambda, secrets masked.
/// </summary>
public static class LambdaJob
{
    /// <summary>The process argument that selects job mode.</summary>
    public const string Argument = "--job";

    public const string InputVariable = "JOB_INPUT";
    public const string ResultBucketVariable = "JOB_RESULT_BUCKET";
    public const string ResultKeyVariable = "JOB_RESULT_KEY";
    public const string TimeoutVariable = "JOB_TIMEOUT_SECONDS";

    /// <summary>The variable ECS fills from the database secret (task definition <c>Secrets</c>); read once, never passed on.</summary>
    public const string SecretVariable = "DB_SECRET_JSON";

    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int CouldNotStart = 2;

    /// <summary>How long a job may run when <see cref="TimeoutVariable"/> is not set.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(12);

    /// <summary>
    /// Runs the job in this process: stop signals cancel it, and the secret variable is removed from the process
    /// environment (after <paramref name="environment"/> captured it) so child processes such as pg_dump never inherit it.
    /// </summary>
    public static async Task<int> RunProcessAsync(
        Func<IReadOnlyDictionary<string, string>, ILambdaFunction> create,
        IReadOnlyDictionary<string, string> environment,
        string functionName,
        JsonLogger logger)
    {
        Environment.SetEnvironmentVariable(SecretVariable, null);
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext signal)
        {
            // Handled: the job reports the cancellation and exits by itself, before ECS's stop timeout sends SIGKILL.
            signal.Cancel = true;
            logger.Warn("stop signal received; cancelling the job", ("signal", signal.Signal.ToString()));
            stop.Cancel();
        }

        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        return await RunAsync(create, environment, functionName, logger, null, TimeProvider.System, stop.Token).ConfigureAwait(false);
    }

    /// <summary>Runs the job once; returns the exit code. <paramref name="store"/> null means S3 (<see cref="S3JobResultStore"/>).</summary>
    public static async Task<int> RunAsync(
        Func<IReadOnlyDictionary<string, string>, ILambdaFunction> create,
        IReadOnlyDictionary<string, string> environment,
        string functionName,
        JsonLogger logger,
        IJobResultStore? store,
        TimeProvider time,
        CancellationToken stopped)
    {
        var bucket = environment.GetValueOrDefault(ResultBucketVariable);
        var key = environment.GetValueOrDefault(ResultKeyVariable);
        if (string.IsNullOrWhiteSpace(bucket) || string.IsNullOrWhiteSpace(key))
        {
            logger.Error($"{ResultBucketVariable} and {ResultKeyVariable} must both be set in job mode: they name the S3 object the result goes to",
                ("missing", string.IsNullOrWhiteSpace(bucket) ? ResultBucketVariable : ResultKeyVariable));
            return CouldNotStart;
        }

        try
        {
            store ??= S3JobResultStore.FromEnvironment(environment);
        }
        catch (Exception e)
        {
            logger.Error("cannot build the S3 client for the job's result", ("error", e));
            return CouldNotStart;
        }

        var job = new Job(bucket, key, store, logger);
        ILambdaFunction function;
        TimeSpan timeout;
        string input;
        try
        {
            input = environment.GetValueOrDefault(InputVariable) is { Length: > 0 } text
                ? text
                : throw new FunctionConfigurationException($"{InputVariable} is not set: in job mode it holds the function's request (JSON)");
            timeout = Timeout(environment);
            function = create(environment);
        }
        catch (Exception e)
        {
            await job.ReportAsync(e, "the job could not start").ConfigureAwait(false);
            return CouldNotStart;
        }

        var requestId = Guid.NewGuid().ToString();
        using var context = new LambdaContext(requestId, functionName, string.Empty, time.GetUtcNow() + timeout, null, logger, time, stopped);
        context.Logger.Info("job started", ("result", $"s3://{bucket}/{key}"), ("timeoutSeconds", (long)timeout.TotalSeconds));
        byte[] output;
        try
        {
            output = await function.InvokeAsync(System.Text.Encoding.UTF8.GetBytes(input), context).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await job.ReportAsync(e, "job failed", context.Logger).ConfigureAwait(false);
            return Failed;
        }

        return await job.SucceedAsync(output, context.Logger).ConfigureAwait(false) ? Succeeded : Failed;
    }

    private static TimeSpan Timeout(IReadOnlyDictionary<string, string> environment)
    {
        if (environment.GetValueOrDefault(TimeoutVariable) is not { Length: > 0 } text)
        {
            return DefaultTimeout;
        }

        // At most 30 days: the cancellation timer's limit, and far beyond any flow's timeout.
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 30 * 24 * 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new FunctionConfigurationException($"{TimeoutVariable} must be a whole number of seconds from 1 to 2592000, was '{text}'");
    }

    /// <summary>One job's result object.</summary>
    private sealed class Job(string bucket, string key, IJobResultStore store, JsonLogger logger)
    {
        /// <summary>The result write is not cancelled by the stop signal: the flow needs the outcome most when the task was stopped.</summary>
        private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(60);

        public async Task<bool> SucceedAsync(byte[] output, JsonLogger requestLogger)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WritePropertyName("result");
                json.WriteRawValue(output, skipInputValidation: false);
                json.WriteEndObject();
            }

            var written = await WriteAsync(buffer.ToArray(), requestLogger).ConfigureAwait(false);
            if (written)
            {
                requestLogger.Info("job succeeded", ("result", $"s3://{bucket}/{key}"));
            }

            return written;
        }

        public async Task ReportAsync(Exception error, string message, JsonLogger? requestLogger = null)
        {
            var log = requestLogger ?? logger;
            var report = ErrorReport.From(error);
            log.Error(message, ("errorType", report.ErrorType), ("errorMessage", report.ErrorMessage));
            using var buffer = new MemoryStream();
            var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            using (var json = new Utf8JsonWriter(buffer, options))
            {
                json.WriteStartObject();
                json.WriteString("errorType", report.ErrorType);
                json.WriteString("errorMessage", report.ErrorMessage);
                json.WriteEndObject();
            }

            await WriteAsync(buffer.ToArray(), log).ConfigureAwait(false);
        }

        private async Task<bool> WriteAsync(byte[] json, JsonLogger log)
        {
            using var timeout = new CancellationTokenSource(WriteTimeout);
            try
            {
                await store.WriteAsync(bucket, key, json, timeout.Token).ConfigureAwait(false);
                return true;
            }
            catch (Exception e)
            {
                log.Error("could not write the job's result object", ("bucket", bucket), ("key", key), ("error", e));
                return false;
            }
        }
    }
}
