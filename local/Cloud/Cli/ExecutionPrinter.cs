using DisasterRecovery.LocalCloud.Functions;
using DisasterRecovery.LocalSfn;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.LocalCloud.Cli;

/// <summary>
/// Prints an execution as it runs: one line per history event (timestamp on the engine's clock, event type, state,
/// and the detail that matters — the resource a task calls, the error it failed with), with the functions' log lines
/// indented under the task that produced them. A function error shows as <c>errorType: errorMessage</c>; its stack
/// trace follows only when <c>--verbose</c> asks for it.
/// </summary>
internal sealed class ExecutionPrinter : IDisposable
{
    private const int MaxDetail = 160;
    private readonly object _gate = new();
    private readonly LocalCloudHost _cloud;
    private readonly TextWriter _output;
    private readonly bool _verbose;

    public ExecutionPrinter(LocalCloudHost cloud, TextWriter output, bool verbose = false)
    {
        _cloud = cloud;
        _output = output;
        _verbose = verbose;
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
                or HistoryEventType.ExecutionAborted => Truncate(ErrorDisplay.Summary(e.Error, e.Cause)),
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
            if (_verbose && args.Event.Error is not null)
            {
                foreach (var frame in ErrorDisplay.StackTrace(args.Event.Cause))
                {
                    _output.WriteLine($"      {frame}");
                }
            }

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
