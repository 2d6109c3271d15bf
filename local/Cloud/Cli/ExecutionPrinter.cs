using DisasterRecovery.LocalCloud.Executions;
using DisasterRecovery.LocalCloud.Functions;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.LocalCloud.Cli;

/// <summary>
/// Prints an execution as it runs: one line per history event (timestamp on the engine's clock, event type, state,
/// and the detail that matters — the resource a task calls, the error it failed with), with the functions' log lines
/// indented under the task that produced them.
/// </summary>
internal sealed class ExecutionPrinter : IDisposable
{
    private const int MaxDetail = 160;
    private readonly object _gate = new();
    private readonly LocalCloudHost _cloud;
    private readonly TextWriter _output;

    public ExecutionPrinter(LocalCloudHost cloud, TextWriter output)
    {
        _cloud = cloud;
        _output = output;
        cloud.Engine.HistoryEventRecorded += OnEvent;
        cloud.Functions.LogLine += OnLogLine;
    }

    public void Dispose()
    {
        _cloud.Engine.HistoryEventRecorded -= OnEvent;
        _cloud.Functions.LogLine -= OnLogLine;
    }

    /// <summary>One line for a history event.</summary>
    public static string Format(HistoryEvent e)
    {
        var (resourceType, resource) = AwsHistoryFormat.SplitResource(e.Resource);
        var detail = e.Type switch
        {
            HistoryEventType.TaskScheduled => resourceType == "lambda" && resource != "invoke" ? e.Resource : $"{resourceType}:{resource}",
            HistoryEventType.TaskSucceeded => "→ " + Truncate(e.Output),
            HistoryEventType.TaskSubmitted => "token delivered, waiting for SendTaskSuccess/SendTaskFailure",
            HistoryEventType.TaskFailed or HistoryEventType.TaskTimedOut or HistoryEventType.ExecutionFailed or HistoryEventType.ExecutionTimedOut
                or HistoryEventType.ExecutionAborted => $"{e.Error}: {Truncate(e.Cause)}",
            HistoryEventType.MapIterationStarted => $"iteration {e.Index}",
            HistoryEventType.MapStateStarted => $"{e.Length} item(s)",
            _ => null,
        };
        string?[] parts = [AwsHistoryFormat.Timestamp(e.Timestamp), $"{e.Type,-22}", e.StateName, detail];
        return string.Join("  ", parts.Where(p => !string.IsNullOrEmpty(p))).TrimEnd();
    }

    private void OnEvent(object? sender, HistoryEventRecordedEventArgs args)
    {
        lock (_gate)
        {
            _output.WriteLine(Format(args.Event));
            _output.Flush();
        }
    }

    private void OnLogLine(object? sender, FunctionLogLineEventArgs args)
    {
        lock (_gate)
        {
            _output.WriteLine($"    │ {args.FunctionLogicalId}: {args.Line}");
            _output.Flush();
        }
    }

    private static string Truncate(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var single = text.Replace('\n', ' ').Replace('\r', ' ');
        return single.Length <= MaxDetail ? single : single[..(MaxDetail - 3)] + "...";
    }
}
