using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalStepFunctions.Execution;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalSfn;

/// <summary>
/// Step Functions' own API as a Task reaches it (<c>arn:aws:states:::aws-sdk:sfn:&lt;action&gt;</c>), over the local
/// cloud's executions: those running in this process (the engine knows their live status) and those recorded by
/// earlier <c>local/dr</c> processes (<see cref="ExecutionStore"/>). Members are the botocore <c>stepfunctions</c>
/// model's, capitalised as Step Functions names them (<c>executionArn</c> → <c>ExecutionArn</c>); errors are
/// <c>Sfn.ExecutionDoesNotExistException</c>, <c>Sfn.InvalidArnException</c>, <c>Sfn.ValidationException</c>.
/// The redrive fields (<c>RedriveCount</c>, <c>RedriveStatus</c>) are not answered: the local engine does not redrive.
/// </summary>
public sealed class SfnEmulator : ServiceEmulator
{
    /// <summary>StopExecution's limit on <c>error</c> (botocore SensitiveError).</summary>
    public const int MaxErrorLength = 256;

    /// <summary>StopExecution's limit on <c>cause</c> (botocore SensitiveCause).</summary>
    public const int MaxCauseLength = 32768;

    private readonly StateMachineEngine _engine;
    private readonly ExecutionStore _store;

    /// <param name="engine">The engine running this process's executions.</param>
    /// <param name="store">The recorded executions of every process on this state folder.</param>
    public SfnEmulator(StateMachineEngine engine, ExecutionStore store)
    {
        _engine = engine;
        _store = store;
        Action("describeExecution", Shape.Structure(
            Req("ExecutionArn", Shape.String),
            Opt("IncludedData", Shape.String)), DescribeExecution);
        Action("stopExecution", Shape.Structure(
            Req("ExecutionArn", Shape.String),
            Opt("Error", Shape.String),
            Opt("Cause", Shape.String)), StopExecution);
    }

    /// <inheritdoc />
    public override string ServiceName => "sfn";

    /// <inheritdoc />
    public override string ErrorPrefix => "Sfn";

    /// <summary>
    /// Marks a recorded RUNNING execution ABORTED, as StopExecution would: status, stop date and an
    /// <c>ExecutionAborted</c> history event. For executions whose local/dr process is gone (killed, or a terminal
    /// closed): in the local cloud an execution runs only inside the process that started it, so its record stays
    /// RUNNING for ever. One still running in another process is stopped with Ctrl+C there (which records it itself);
    /// this only rewrites the record, and that process would overwrite it when its execution ends.
    /// </summary>
    /// <returns>The record as it is now, and whether this call stopped it (false: it had already ended).</returns>
    /// <exception cref="ServiceErrorException">InvalidArn, ExecutionDoesNotExist, or ValidationException for an error or cause too long.</exception>
    public static (ExecutionDocument Record, bool Stopped) StopRecorded(ExecutionStore store, string executionArn, string? error, string? cause,
        DateTimeOffset now)
    {
        RequireStopText(error, cause);
        var record = FindRecord(store, executionArn) ?? throw DoesNotExist(executionArn);
        if (record.Status != "RUNNING")
        {
            return (record, false);
        }

        var last = record.Events.OfType<JsonObject>().LastOrDefault();
        var lastId = last?["id"] is JsonValue id && id.TryGetValue<long>(out var value) ? value : 0;
        var lastTime = last?["timestamp"] is JsonValue time && time.TryGetValue<string>(out var text)
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var at)
            ? at
            : DateTimeOffset.MinValue;
        var stopDate = AwsHistoryFormat.Timestamp(now > lastTime ? now : lastTime);
        var details = new JsonObject();
        if (error is not null)
        {
            details["error"] = error;
        }

        if (cause is not null)
        {
            details["cause"] = cause;
        }

        record.Events.Add(new JsonObject
        {
            ["timestamp"] = stopDate,
            ["type"] = "ExecutionAborted",
            ["id"] = lastId + 1,
            ["previousEventId"] = lastId,
            ["executionAbortedEventDetails"] = details,
        });
        record.Status = "ABORTED";
        record.StopDate = stopDate;
        record.Error = error;
        record.Cause = cause;
        store.Save(record);
        return (record, true);
    }

    private JsonNode? DescribeExecution(JsonObject parameters, ServiceCallContext context)
    {
        var executionArn = Text(parameters, "ExecutionArn")!;
        var included = Text(parameters, "IncludedData") ?? "ALL_DATA";
        if (included is not ("ALL_DATA" or "METADATA_ONLY"))
        {
            throw new ServiceErrorException("ValidationException",
                $"1 validation error detected: Value '{included}' at 'includedData' failed to satisfy constraint: Member must satisfy enum value set: " +
                    $"[ALL_DATA, METADATA_ONLY]");
        }

        var result = Live(executionArn) is { } live ? Describe(live) : Describe(FindRecord(_store, executionArn) ?? throw DoesNotExist(executionArn));
        if (included == "METADATA_ONLY")
        {
            foreach (var data in new[] { "Input", "InputDetails", "Output", "OutputDetails" })
            {
                result.Remove(data);
            }
        }

        return result;
    }

    private JsonNode? StopExecution(JsonObject parameters, ServiceCallContext context)
    {
        var executionArn = Text(parameters, "ExecutionArn")!;
        var error = Text(parameters, "Error");
        var cause = Text(parameters, "Cause");
        RequireStopText(error, cause);
        if (Live(executionArn) is not null)
        {
            _engine.StopExecution(executionArn, error, cause);
            var stopped = _engine.DescribeExecution(executionArn);
            return new JsonObject { ["StopDate"] = Timestamp(stopped.StopDate ?? context.Clock.GetUtcNow()) };
        }

        var (record, _) = StopRecorded(_store, executionArn, error, cause, context.Clock.GetUtcNow());
        return new JsonObject { ["StopDate"] = record.StopDate };
    }

    /// <summary>The execution as this process's engine sees it, or null when it did not start it.</summary>
    private ExecutionDescription? Live(string executionArn)
    {
        RequireArn(executionArn);
        try
        {
            return _engine.DescribeExecution(executionArn);
        }
        catch (StepFunctionsApiException e) when (e.ErrorCode == "ExecutionDoesNotExist")
        {
            return null;
        }
    }

    private static JsonObject Describe(ExecutionDescription execution) => Describe(
        execution.ExecutionArn, execution.StateMachineArn, execution.Name, execution.Status.ToApiName(), Timestamp(execution.StartDate),
        execution.StopDate is { } stop ? Timestamp(stop) : null, execution.Input, execution.Output, execution.Error, execution.Cause);

    private static JsonObject Describe(ExecutionDocument record) => Describe(
        record.ExecutionArn, record.StateMachineArn, record.Name, record.Status, record.StartDate, record.StopDate, record.Input, record.Output, record.Error,
            record.Cause);

    /// <summary>DescribeExecution's output: the members present for this execution, nothing AWS would not send.</summary>
    private static JsonObject Describe(
        string executionArn, string stateMachineArn, string name, string status, string startDate, string? stopDate, string input, string? output,
            string? error, string? cause)
    {
        var result = new JsonObject
        {
            ["ExecutionArn"] = executionArn,
            ["StateMachineArn"] = stateMachineArn,
            ["Name"] = name,
            ["Status"] = status,
            ["StartDate"] = startDate,
        };
        if (stopDate is not null)
        {
            result["StopDate"] = stopDate;
        }

        result["Input"] = input;
        result["InputDetails"] = new JsonObject { ["Included"] = true };
        if (output is not null && status == "SUCCEEDED")
        {
            result["Output"] = output;
            result["OutputDetails"] = new JsonObject { ["Included"] = true };
        }

        if (error is not null)
        {
            result["Error"] = error;
        }

        if (cause is not null)
        {
            result["Cause"] = cause;
        }

        return result;
    }

    private static ExecutionDocument? FindRecord(ExecutionStore store, string executionArn)
    {
        RequireArn(executionArn);
        return store.Find(executionArn);
    }

    private static void RequireArn(string executionArn)
    {
        if (executionArn.Length is 0 or > 256)
        {
            throw new ServiceErrorException("InvalidArnException", $"Invalid Arn: 'Resource Name must be 1 to 256 characters: {executionArn}'");
        }

        try
        {
            ExecutionStore.ParseArn(executionArn);
        }
        catch (ArgumentException)
        {
            throw new ServiceErrorException("InvalidArnException", $"Invalid Arn: 'Resource type not valid in this context: {executionArn}'");
        }
    }

    private static void RequireStopText(string? error, string? cause)
    {
        if (error is { Length: > MaxErrorLength })
        {
            throw new ServiceErrorException("ValidationException",
                $"1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to {MaxErrorLength}");
        }

        if (cause is { Length: > MaxCauseLength })
        {
            throw new ServiceErrorException("ValidationException",
                $"1 validation error detected: Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to {MaxCauseLength}");
        }
    }

    private static ServiceErrorException DoesNotExist(string executionArn) =>
        new("ExecutionDoesNotExistException", $"Execution Does Not Exist: '{executionArn}'");
}
