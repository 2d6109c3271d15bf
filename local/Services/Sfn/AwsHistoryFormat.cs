using System.Globalization;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.LocalSfn;

/// <summary>
/// Writes executions and history events in the shapes of the Step Functions API (DescribeExecution,
/// GetExecutionHistory): the same field names, detail objects per event type and timestamps, so what is persisted
/// reads like what <c>aws stepfunctions get-execution-history</c> prints.
/// </summary>
public static class AwsHistoryFormat
{
    /// <summary>An ISO-8601 UTC timestamp with milliseconds.</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>One history event as GetExecutionHistory returns it.</summary>
    public static JsonObject Event(HistoryEvent e, string region)
    {
        var json = new JsonObject
        {
            ["timestamp"] = Timestamp(e.Timestamp),
            ["type"] = e.Type.ToString(),
            ["id"] = e.Id,
            ["previousEventId"] = e.PreviousEventId,
        };
        var (resourceType, resource) = SplitResource(e.Resource);
        JsonObject? details = null;
        string? detailsName = null;
        switch (e.Type)
        {
            case HistoryEventType.ExecutionStarted:
                (detailsName, details) = ("executionStartedEventDetails", Object(("input", e.Input), ("roleArn", e.RoleArn)));
                details["inputDetails"] = new JsonObject { ["truncated"] = false };
                break;
            case HistoryEventType.ExecutionSucceeded:
                (detailsName, details) = ("executionSucceededEventDetails", Object(("output", e.Output)));
                details["outputDetails"] = new JsonObject { ["truncated"] = false };
                break;
            case HistoryEventType.ExecutionFailed:
                (detailsName, details) = ("executionFailedEventDetails", Object(("error", e.Error), ("cause", e.Cause)));
                break;
            case HistoryEventType.ExecutionAborted:
                (detailsName, details) = ("executionAbortedEventDetails", Object(("error", e.Error), ("cause", e.Cause)));
                break;
            case HistoryEventType.ExecutionTimedOut:
                (detailsName, details) = ("executionTimedOutEventDetails", Object(("error", e.Error), ("cause", e.Cause)));
                break;
            case HistoryEventType.TaskScheduled:
                (detailsName, details) = ("taskScheduledEventDetails",
                    Object(("resourceType", resourceType), ("resource", resource), ("region", region), ("parameters", e.Parameters)));
                if (e.TimeoutInSeconds is { } timeout)
                {
                    details["timeoutInSeconds"] = timeout;
                }

                if (e.HeartbeatInSeconds is { } heartbeat)
                {
                    details["heartbeatInSeconds"] = heartbeat;
                }

                break;
            case HistoryEventType.TaskStarted:
                (detailsName, details) = ("taskStartedEventDetails", Object(("resourceType", resourceType), ("resource", resource)));
                break;
            case HistoryEventType.TaskSubmitted:
                (detailsName, details) = ("taskSubmittedEventDetails", Object(("resourceType", resourceType), ("resource", resource), ("output", e.Output)));
                details["outputDetails"] = new JsonObject { ["truncated"] = false };
                break;
            case HistoryEventType.TaskSucceeded:
                (detailsName, details) = ("taskSucceededEventDetails", Object(("resourceType", resourceType), ("resource", resource), ("output", e.Output)));
                details["outputDetails"] = new JsonObject { ["truncated"] = false };
                break;
            case HistoryEventType.TaskFailed:
                (detailsName, details) =
                    ("taskFailedEventDetails", Object(("resourceType", resourceType), ("resource", resource), ("error", e.Error), ("cause", e.Cause)));
                break;
            case HistoryEventType.TaskTimedOut:
                (detailsName, details) =
                    ("taskTimedOutEventDetails", Object(("resourceType", resourceType), ("resource", resource), ("error", e.Error), ("cause", e.Cause)));
                break;
            case HistoryEventType.MapStateStarted:
                (detailsName, details) = ("mapStateStartedEventDetails", new JsonObject { ["length"] = e.Length ?? 0 });
                break;
            case HistoryEventType.MapIterationStarted or HistoryEventType.MapIterationSucceeded
                or HistoryEventType.MapIterationFailed or HistoryEventType.MapIterationAborted:
                var detailName = char.ToLowerInvariant(e.Type.ToString()[0]) + e.Type.ToString()[1..] + "EventDetails";
                (detailsName, details) = (detailName, Object(("name", e.StateName)));
                details["index"] = e.Index ?? 0;
                break;
            default:
                if (e.Type.ToString().EndsWith("Entered", StringComparison.Ordinal))
                {
                    (detailsName, details) = ("stateEnteredEventDetails", Object(("name", e.StateName), ("input", e.Input)));
                    details["inputDetails"] = new JsonObject { ["truncated"] = false };
                }
                else if (e.Type.ToString().EndsWith("Exited", StringComparison.Ordinal))
                {
                    (detailsName, details) = ("stateExitedEventDetails", Object(("name", e.StateName), ("output", e.Output)));
                    details["outputDetails"] = new JsonObject { ["truncated"] = false };
                }

                break;
        }

        if (detailsName is not null && details is not null)
        {
            json[detailsName] = details;
        }

        return json;
    }

    /// <summary>
    /// Step Functions splits a task resource into its service and the rest: <c>lambda</c> + <c>invoke</c> for
    /// <c>arn:aws:states:::lambda:invoke</c>, <c>aws-sdk:route53</c> + <c>getChange</c> for an SDK integration.
    /// </summary>
    public static (string? ResourceType, string? Resource) SplitResource(string? arn)
    {
        if (arn is null)
        {
            return (null, null);
        }

        const string integration = "arn:aws:states:::";
        if (arn.StartsWith(integration, StringComparison.Ordinal))
        {
            var rest = arn[integration.Length..];
            if (rest.StartsWith("aws-sdk:", StringComparison.Ordinal))
            {
                var cut = rest.IndexOf(':', "aws-sdk:".Length);
                return cut < 0 ? (rest, string.Empty) : (rest[..cut], rest[(cut + 1)..]);
            }

            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? (rest, string.Empty) : (rest[..colon], rest[(colon + 1)..]);
        }

        var parts = arn.Split(':');
        return (parts.Length > 2 ? parts[2] : arn, arn);
    }

    private static JsonObject Object(params (string Name, string? Value)[] fields)
    {
        var obj = new JsonObject();
        foreach (var (name, value) in fields)
        {
            if (value is not null)
            {
                obj[name] = value;
            }
        }

        return obj;
    }
}
