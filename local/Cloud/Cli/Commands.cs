using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Benchmarks;
using DisasterRecovery.LocalCloud.Dispatch;
using DisasterRecovery.LocalCloud.Drill;
using DisasterRecovery.LocalCloud.Schedules;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalSfn;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalCloud.Cli;

/// <summary>The local/dr commands. Each one builds what it needs from the global options and prints to the console.</summary>
internal sealed class Commands(GlobalOptions globals, CliConsole console)
{
    private static readonly JsonSerializerOptions Indented =
        new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IEnumerable<Command> All() =>
    [
        List(), Invoke(), StartExecution(), DescribeExecution(), GetExecutionHistory(), ListExecutions(), StopExecution(), SimulateSchedules(), Drill(),
            BenchmarkEngine(),
        Samples.RestoreWindowSample.Command((parse, cancellationToken) => HostAsync(parse, cancellationToken), Paths, Out),
    ];

    private TextWriter Out => console.Output;

    private CliPaths Paths(ParseResult parse) => new(console, parse.GetValue(globals.Template), parse.GetValue(globals.StateDirectory));

    /// <summary>The local cloud for one command, with its in-process LocalS3 endpoint (dispose it to stop that).</summary>
    private async Task<LocalCloudHost> HostAsync(ParseResult parse, CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        var host = await StartHostAsync(parse, cancellationToken, clock).ConfigureAwait(false);
        foreach (var change in host.BucketChanges)
        {
            console.Error.WriteLine($"local/dr: bucket brought in line with the template: {change}");
        }

        return host;
    }

    private Task<LocalCloudHost> StartHostAsync(ParseResult parse, CancellationToken cancellationToken, TimeProvider? clock)
    {
        var paths = Paths(parse);
        return LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = paths.TemplatePath,
            StateDirectory = paths.StateDirectory,
            Settings = new StackSettings
            {
                StackName = parse.GetValue(globals.StackName),
                Region = parse.GetValue(globals.Region),
                ParameterOverrides = StackSettings.ParseOverrides(parse.GetValue(globals.ParameterOverrides) ?? []),
            },
            Clock = clock,
        }, cancellationToken);
    }

    // ---------------------------------------------------------------------------------------------
    // list
    // ---------------------------------------------------------------------------------------------
    private Command List()
    {
        var command = new Command("list", "Functions, state machines, topics and schedules, as loaded from the template.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var cloud = await HostAsync(parse, cancellationToken).ConfigureAwait(false);
            var stack = cloud.Stack;
            Out.WriteLine($"Stack {stack.StackName} ({stack.Region}, account {stack.AccountId}) from {stack.TemplatePath}");
            Out.WriteLine($"Parameters: {string.Join(", ", stack.Parameters.Select(p => $"{p.Key}={p.Value}"))}");
            Out.WriteLine($"State folder: {cloud.StateDirectory}");
            Out.WriteLine($"Local S3: {cloud.S3}; buckets: {StackLoader.Names(stack.Buckets.Select(b => $"{b.BucketName} ({b.LogicalId})"))}");
            Out.WriteLine();
            Out.WriteLine($"Functions ({stack.Functions.Count})");
            foreach (var f in stack.Functions)
            {
                var runtime = f.Runtime is { } name ? $"runtime {name}" : $"image (ImageConfig.Command [{f.Handler}])";
                Out.WriteLine($"  {f.LogicalId}  handler {f.Handler}  timeout {f.Timeout.TotalSeconds:0} s  memory {f.MemorySize} MB  {runtime}");
                Out.WriteLine($"    arn: {f.Arn}");
                Out.WriteLine($"    environment: {(f.Environment.Count == 0 ? "(none)" : string.Join(", ", f.Environment.Select(e => $"{e.Key}={e.Value}")))}");
            }

            Out.WriteLine();
            Out.WriteLine($"State machines ({stack.StateMachines.Count})");
            foreach (var m in stack.StateMachines)
            {
                var problems = DefinitionChecker.Problems(m, stack, cloud.Emulators);
                Out.WriteLine($"  {m.LogicalId}  ({m.DefinitionSource})");
                Out.WriteLine($"    arn: {m.Arn}");
                foreach (var (key, value) in m.Substitutions)
                {
                    Out.WriteLine($"    ${{{key}}} = {value}");
                }

                Out.WriteLine(problems.Count == 0 ? "    runs locally: yes" : "    runs locally: no —" + Environment.NewLine
                    + string.Join(Environment.NewLine, problems.Select(p => "      " + p)));
            }

            Out.WriteLine();
            Out.WriteLine($"Topics ({stack.Topics.Count})");
            foreach (var t in stack.Topics)
            {
                Out.WriteLine($"  {t.LogicalId}  {t.Arn}");
            }

            Out.WriteLine();
            Out.WriteLine($"Schedules ({stack.Schedules.Count}, UTC)");
            foreach (var s in stack.Schedules)
            {
                Out.WriteLine(
                    $"  {s.TargetLogicalId}.{s.EventName}  {s.EventType}  {s.Expression}  {(s.Enabled ? "ENABLED" : "DISABLED")}  input " +
                    $"{s.Input ?? "(default)"}");
            }

            foreach (var e in stack.UnsimulatedEvents)
            {
                Out.WriteLine($"  {e.TargetLogicalId}.{e.EventName}  {e.EventType}  (not simulated locally)");
            }

            return LocalCloudCli.Success;
        });
        return command;
    }

    // ---------------------------------------------------------------------------------------------
    // invoke
    // ---------------------------------------------------------------------------------------------
    private Command Invoke()
    {
        var function = new Argument<string>("function") { Description = "Logical id (or name or ARN) of a function in the template." };
        var eventFile = new Option<string?>("--event") { Description = "JSON file with the event (default: {})." };
        var command = new Command("invoke", "Invokes a function in-process and prints its JSON result; its log lines go to standard error.")
        {
            function, eventFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = Paths(parse);
            var payload = parse.GetValue(eventFile) is { } file ? paths.ReadJsonFile(file, "event") : "{}";
            await using var cloud = await HostAsync(parse, cancellationToken).ConfigureAwait(false);
            var definition = cloud.Functions.Find(parse.GetValue(function)!);
            cloud.Functions.LogLine += (_, e) => console.Error.WriteLine($"  log: {e.Line}");
            var result = await cloud.Functions.InvokeAsync(definition, Encoding.UTF8.GetBytes(payload), cancellationToken).ConfigureAwait(false);
            await console.Error.WriteLineAsync(
                $"{definition.LogicalId} ({definition.Handler}) {(result.Error is null ? "succeeded" : "failed")} in {result.Duration.TotalMilliseconds:0} " +
                    $"ms, request id {result.RequestId}")
                .ConfigureAwait(false);
            if (result.Error is { } error)
            {
                Out.WriteLine(CliPaths.Pretty(parse.GetValue(globals.Verbose) ? result.ErrorCauseJson() : result.ErrorCauseJson(withStackTrace: false)));
                await console.Error.WriteLineAsync($"local/dr: {definition.LogicalId} failed: {error.ErrorType}: {error.ErrorMessage}").ConfigureAwait(false);
                return LocalCloudCli.Failure;
            }

            Out.WriteLine(CliPaths.Pretty(Encoding.UTF8.GetString(result.Output!)));
            return LocalCloudCli.Success;
        });
        return command;
    }

    // ---------------------------------------------------------------------------------------------
    // start-execution
    // ---------------------------------------------------------------------------------------------
    private Command StartExecution()
    {
        var machine = new Argument<string>("state-machine") { Description = "Logical id (or name or ARN) of a state machine in the template." };
        var input = new Option<string?>("--input") { Description = "JSON file with the execution input (default: {})." };
        var name = new Option<string?>("--name") { Description = "Execution name (default: a new GUID)." };
        var realTime =
            new Option<bool>("--real-time") { Description = "Use the system clock: Waits and retry back-offs take real time (default: the virtual clock)." };
        var approve =
            new Option<bool>("--approve-task-tokens") { Description = "Answer every .waitForTaskToken task with SendTaskSuccess ({\"approved\": true})." };
        var reject =
            new Option<bool>("--reject-task-tokens") { Description = "Answer every .waitForTaskToken task with SendTaskFailure (error TaskRejected)." };
        var command = new Command("start-execution", "Runs an execution of a state machine, printing each state as it runs; exits 1 unless it SUCCEEDED.")
        {
            machine, input, name, realTime, approve, reject,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(approve) && parse.GetValue(reject))
            {
                throw new LocalCloudException("--approve-task-tokens and --reject-task-tokens cannot both be given");
            }

            var paths = Paths(parse);
            var inputJson = parse.GetValue(input) is { } file ? paths.ReadJsonFile(file, "input") : "{}";
            await using var cloud = await HostAsync(parse, cancellationToken, parse.GetValue(realTime) ? TimeProvider.System : null).ConfigureAwait(false);
            var definition = cloud.FindStateMachine(parse.GetValue(machine)!);
            Out.WriteLine($"{definition.LogicalId} ({definition.Name}) on the {(cloud.IsVirtualClock ? "virtual" : "system")} clock, " +
                          $"starting {AwsHistoryFormat.Timestamp(cloud.Clock.GetUtcNow())}");
            using var printer = new ExecutionPrinter(cloud, Out, parse.GetValue(globals.Verbose));
            var answers = new TaskTokenAnswers(cloud, console, parse.GetValue(approve), parse.GetValue(reject));
            cloud.Dispatcher.TaskTokenIssued += answers.OnTaskToken;
            var executionArn = cloud.StartExecution(definition.LogicalId, inputJson, parse.GetValue(name));
            ExecutionDocument result;
            try
            {
                result = await cloud.WaitForExecutionAsync(executionArn, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                cloud.Engine.StopExecution(executionArn, "LocalCloud.Interrupted", "stopped from the terminal (Ctrl+C)");
                result = await cloud.WaitForExecutionAsync(executionArn, CancellationToken.None).ConfigureAwait(false);
            }

            PrintOutcome(result, parse.GetValue(globals.Verbose));
            return result.Status == "SUCCEEDED" ? LocalCloudCli.Success : LocalCloudCli.Failure;
        });
        return command;
    }

    private void PrintOutcome(ExecutionDocument result, bool verbose)
    {
        Out.WriteLine();
        var covered = DateTimeOffset.Parse(result.StopDate ?? result.StartDate, CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse(result.StartDate, CultureInfo.InvariantCulture);
        Out.WriteLine(
            $"Execution {result.Status} in {result.WallTimeMilliseconds / 1000.0:0.000} s wall time; {Describe(covered)} on the {result.Clock} clock");
        Out.WriteLine($"  arn: {result.ExecutionArn}");
        if (result.Status == "SUCCEEDED")
        {
            Out.WriteLine("Output:");
            Out.WriteLine(CliPaths.Pretty(result.Output));
        }
        else
        {
            Out.WriteLine($"Error: {result.Error}");
            Out.WriteLine($"Cause: {ErrorDisplay.Cause(result.Cause)}");
            IReadOnlyList<string> trace = verbose ? ErrorDisplay.StackTrace(result.Cause) : [];
            if (trace.Count > 0)
            {
                Out.WriteLine("Stack trace:");
                foreach (var frame in trace)
                {
                    Out.WriteLine($"  {frame}");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // describe-execution, get-execution-history, list-executions
    // ---------------------------------------------------------------------------------------------
    private Command DescribeExecution()
    {
        var arn = new Argument<string>("execution-arn") { Description = "The execution's ARN, as start-execution printed it." };
        var command = new Command("describe-execution", "Prints a recorded execution as DescribeExecution returns it (JSON).") { arn };
        command.SetAction(parse =>
        {
            var document = Find(parse, parse.GetValue(arn)!);
            Out.WriteLine(document.ToDescribeExecution().ToJsonString(Indented));
            return LocalCloudCli.Success;
        });
        return command;
    }

    private Command GetExecutionHistory()
    {
        var arn = new Argument<string>("execution-arn") { Description = "The execution's ARN." };
        var json = new Option<bool>("--json") { Description = "Print GetExecutionHistory's JSON instead of one line per event." };
        var command = new Command("get-execution-history", "Prints a recorded execution's history events.") { arn, json };
        command.SetAction(parse =>
        {
            var document = Find(parse, parse.GetValue(arn)!);
            if (parse.GetValue(json))
            {
                Out.WriteLine(new JsonObject { ["events"] = document.Events.DeepClone() }.ToJsonString(Indented));
                return LocalCloudCli.Success;
            }

            foreach (var e in document.Events.OfType<JsonObject>())
            {
                Out.WriteLine(HistoryLine(e));
            }

            return LocalCloudCli.Success;
        });
        return command;
    }

    private Command ListExecutions()
    {
        var machine = new Option<string?>("--state-machine") { Description = "Only this state machine's executions (logical id or name)." };
        var status =
            new Option<string?>("--status-filter") { Description = "Only executions with this status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED)." };
        var command = new Command("list-executions", "Lists recorded executions, newest first.") { machine, status };
        command.SetAction(parse =>
        {
            var store = new ExecutionStore(Paths(parse).StateDirectory);
            var wanted = parse.GetValue(machine);
            var wantedStatus = parse.GetValue(status);
            var executions = store.List()
                .Where(d => wanted is null || d.StateMachineLogicalId == wanted || d.StateMachineArn.EndsWith(":" + wanted, StringComparison.Ordinal))
                .Where(d => wantedStatus is null || d.Status == wantedStatus)
                .ToList();
            if (executions.Count == 0)
            {
                Out.WriteLine($"No executions recorded in {store.Directory}.");
                return LocalCloudCli.Success;
            }

            Out.WriteLine($"{"STATUS",-10} {"START",-24} {"STOP",-24} {"STATE MACHINE",-28} EXECUTION ARN");
            foreach (var d in executions)
            {
                Out.WriteLine($"{d.Status,-10} {d.StartDate,-24} {d.StopDate ?? "-",-24} {d.StateMachineLogicalId,-28} {d.ExecutionArn}");
            }

            return LocalCloudCli.Success;
        });
        return command;
    }

    // ---------------------------------------------------------------------------------------------
    // stop-execution (the sweeper's counterpart: a RUNNING record whose local/dr process is gone)
    // ---------------------------------------------------------------------------------------------
    private Command StopExecution()
    {
        var arn = new Argument<string>("execution-arn") { Description = "The execution's ARN, as start-execution printed it." };
        var error = new Option<string?>("--error") { Description = "The error code to record (up to 256 characters)." };
        var cause = new Option<string?>("--cause") { Description = "A more detailed explanation to record." };
        var command = new Command("stop-execution",
            "Marks a recorded RUNNING execution ABORTED, as StopExecution does: for one whose local/dr process was killed " +
            "(an execution still running in a terminal is stopped there with Ctrl+C).") { arn, error, cause };
        command.SetAction(parse =>
        {
            var store = new ExecutionStore(Paths(parse).StateDirectory);
            var executionArn = parse.GetValue(arn)!;
            ExecutionDocument record;
            bool stopped;
            try
            {
                (record, stopped) = DisasterRecovery.LocalSfn.SfnEmulator.StopRecorded(store, executionArn, parse.GetValue(error), parse.GetValue(cause),
                    DateTimeOffset.UtcNow);
            }
            catch (DisasterRecovery.LocalEmulation.ServiceErrorException e)
            {
                throw new LocalCloudException($"{e.Message} (executions are recorded in {store.Directory}; see local/dr list-executions)", e);
            }

            Out.WriteLine(stopped
                ? $"Stopped: {record.ExecutionArn} is ABORTED since {record.StopDate}."
                : $"Nothing to stop: {record.ExecutionArn} is already {record.Status} (since {record.StopDate}).");
            return LocalCloudCli.Success;
        });
        return command;
    }

    private ExecutionDocument Find(ParseResult parse, string executionArn)
    {
        var store = new ExecutionStore(Paths(parse).StateDirectory);
        return store.Find(executionArn) ?? throw new LocalCloudException(
            $"ExecutionDoesNotExist: Execution does not exist: '{executionArn}' (executions are recorded in {store.Directory}; see local/dr list-executions)");
    }

    /// <summary>One line for a persisted (GetExecutionHistory-shaped) event.</summary>
    internal static string HistoryLine(JsonObject e)
    {
        var details = e.Where(p => p.Key.EndsWith("EventDetails", StringComparison.Ordinal)).Select(p => p.Value).OfType<JsonObject>().FirstOrDefault();
        string? Field(string field) => details?[field] is JsonValue v ? v.ToString() : null;
        var type = e["type"]?.GetValue<string>() ?? "?";
        var detail = type switch
        {
            "TaskScheduled" => $"{Field("resourceType")}:{Field("resource")}",
            "TaskSucceeded" => "→ " + Shorten(Field("output")),
            _ when Field("error") is { } error => Shorten(ErrorDisplay.Summary(error, Field("cause"))),
            _ => null,
        };
        string?[] parts = [$"{e["id"],4}", e["timestamp"]?.ToString(), $"{type,-22}", Field("name"), detail];
        return string.Join("  ", parts.Where(p => !string.IsNullOrEmpty(p))).TrimEnd();
    }

    private static string Shorten(string? text)
    {
        var single = (text ?? string.Empty).Replace('\n', ' ');
        return single.Length <= 160 ? single : single[..157] + "...";
    }

    // ---------------------------------------------------------------------------------------------
    // simulate-schedules
    // ---------------------------------------------------------------------------------------------
    private Command SimulateSchedules()
    {
        var days = new Option<int>("--days") { Description = "How many days to simulate (1 to 366).", Required = true };
        var from = new Option<string?>("--from") { Description = "First day, UTC (yyyy-mm-dd or an ISO date-time; default: today)." };
        var execute = new Option<bool>("--execute") { Description = "Fire every target at its time on the virtual clock (default: print the plan only)." };
        var command = new Command("simulate-schedules", "Works out (and with --execute, runs) every schedule's firings over a period, in UTC time order.")
        {
            days, from, execute,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dayCount = parse.GetValue(days);
            if (dayCount is < 1 or > 366)
            {
                throw new LocalCloudException($"--days must be 1 to 366, was {dayCount}");
            }

            var start = ParseFrom(parse.GetValue(from));
            var end = start.AddDays(dayCount);
            var clock = new VirtualTimeProvider(start);
            await using var cloud = await HostAsync(parse, cancellationToken, clock).ConfigureAwait(false);
            var plan = ScheduleSimulator.Plan(cloud.Stack, start, end);
            Out.WriteLine($"Schedules from {AwsHistoryFormat.Timestamp(start)} to {AwsHistoryFormat.Timestamp(end)} (UTC): {plan.Count} firing(s)");
            foreach (var skipped in cloud.Stack.Schedules.Where(s => !s.Enabled))
            {
                Out.WriteLine($"  not fired: {skipped.TargetLogicalId}.{skipped.EventName} ({skipped.Expression}) is DISABLED");
            }

            foreach (var other in cloud.Stack.UnsimulatedEvents)
            {
                Out.WriteLine($"  not simulated: {other.TargetLogicalId}.{other.EventName} is a {other.EventType} event");
            }

            if (!parse.GetValue(execute))
            {
                foreach (var firing in plan)
                {
                    Out.WriteLine(
                        $"{AwsHistoryFormat.Timestamp(firing.At)}  {firing.Schedule.TargetLogicalId}  {firing.Schedule.EventName}  " +
                        $"{firing.Schedule.Expression}  input {firing.Input}");
                }

                return LocalCloudCli.Success;
            }

            return await ExecutePlanAsync(cloud, clock, plan, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private async Task<int> ExecutePlanAsync(LocalCloudHost cloud, VirtualTimeProvider clock, IReadOnlyList<ScheduledFiring> plan,
        CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var firing in plan)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = clock.GetUtcNow();
            var late = now > firing.At ? $" (started late: the previous target ran until {AwsHistoryFormat.Timestamp(now)})" : string.Empty;
            if (firing.At > now)
            {
                clock.Advance(firing.At - now);
            }

            string outcome;
            string detail;
            if (firing.Schedule.TargetKind == ScheduleTargetKind.StateMachine)
            {
                var name = $"{firing.Schedule.EventName}-{firing.At:yyyyMMdd'T'HHmmss'Z'}-{run}";
                var result = await cloud.RunExecutionAsync(firing.Schedule.TargetLogicalId, firing.Input, name, cancellationToken).ConfigureAwait(false);
                outcome = result.Status;
                detail = result.Status == "SUCCEEDED" ? result.ExecutionArn
                    : $"{Shorten(ErrorDisplay.Summary(result.Error, result.Cause))}  {result.ExecutionArn}";
            }
            else
            {
                var function = cloud.Functions.Find(firing.Schedule.TargetLogicalId);
                var result = await cloud.Functions.InvokeAsync(function, Encoding.UTF8.GetBytes(firing.Input), cancellationToken).ConfigureAwait(false);
                outcome = result.Error is null ? "SUCCEEDED" : "FAILED";
                detail = result.Error is null ? $"request {result.RequestId}" : $"{result.Error.ErrorType}: {result.Error.ErrorMessage}";
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            Out.WriteLine(
                $"{AwsHistoryFormat.Timestamp(firing.At)}  {firing.Schedule.TargetLogicalId}  {firing.Schedule.EventName}  {outcome}  {detail}{late}");
        }

        Out.WriteLine(
            $"Fired {plan.Count}: " +
            $"{(outcomes.Count == 0 ? "nothing" : string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Value} {o.Key}")))}");
        return outcomes.Keys.All(k => k == "SUCCEEDED") ? LocalCloudCli.Success : LocalCloudCli.Failure;
    }

    private static DateTimeOffset ParseFrom(string? text)
    {
        if (text is null)
        {
            return new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var from)
            ? from
            : throw new LocalCloudException($"--from: '{text}' is not a date (yyyy-mm-dd) or ISO date-time");
    }

    // ---------------------------------------------------------------------------------------------
    // drill
    // ---------------------------------------------------------------------------------------------
    private Command Drill()
    {
        var scale = new Option<int>("--scale")
        {
            Description = "Size of the marketplace database if the drill has to create it: about 1.4 MB per unit (default 1; 700 is about 1 GB).",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("drill",
            "The local DR drill: PostgreSQL and Redis (local/servers), the platform stand-in, the service-health flow, the nightly backup and its " +
            "verification, a point-in-time recovery and a restore from the last verified backup, each recovery timed against the plan's RTO/RPO.")
        {
            scale,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var databaseScale = parse.GetValue(scale);
            if (databaseScale < 1 || databaseScale > MarketplaceDatabase.MaxScale)
            {
                throw new LocalCloudException($"--scale must be from 1 to {MarketplaceDatabase.MaxScale}, was {databaseScale}");
            }

            var paths = Paths(parse);
            await using var cloud = await HostAsync(parse, cancellationToken).ConfigureAwait(false);
            var (report, _) =
                await DrillSession.RunAsync(cloud, paths.RepositoryRoot, DrillRunner.DefaultSteps(databaseScale), Out, cancellationToken).ConfigureAwait(false);
            return report.Succeeded ? LocalCloudCli.Success : LocalCloudCli.Failure;
        });
        return command;
    }

    // ---------------------------------------------------------------------------------------------
    // benchmark-engine
    // ---------------------------------------------------------------------------------------------
    private Command BenchmarkEngine()
    {
        var runs = new Option<int>("--runs") { Description = "Measured executions (default 20).", DefaultValueFactory = _ => 20 };
        var states = new Option<int>("--states") { Description = "States per execution (default 200).", DefaultValueFactory = _ => 200 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured executions first (default 3).", DefaultValueFactory = _ => 3 };
        var command = new Command("benchmark-engine",
            "Measures the engine's overhead: an execution alternating 1-hour Waits with Pass/Task states on the virtual clock, N times.")
        {
            runs, states, warmup,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (runCount, stateCount, warmupCount) = (parse.GetValue(runs), parse.GetValue(states), parse.GetValue(warmup));
            if (runCount < 1 || stateCount < 2 || warmupCount < 0)
            {
                throw new LocalCloudException("--runs must be at least 1, --states at least 2, --warmup at least 0");
            }

            var waits = (stateCount + 1) / 2;
            var passes = Enumerable.Range(1, stateCount).Count(i => i % 4 == 2);
            Out.WriteLine($"benchmark-engine: {stateCount} states ({waits} Waits of 1 h, {passes} Pass, {stateCount - waits - passes} Task), " +
                          $"{runCount} measured runs after {warmupCount} warm-up, virtual clock, {Environment.ProcessorCount} CPU(s)");
            var result = await EngineBenchmark.RunAsync(stateCount, runCount, warmupCount, cancellationToken).ConfigureAwait(false);
            Out.WriteLine($"  wall time per execution: min {Ms(result.Min)}, median {Ms(result.Median)}, max {Ms(result.Max)}");
            Out.WriteLine($"  virtual time covered per execution: {Describe(result.VirtualTimeCovered)}");
            Out.WriteLine($"  history events per execution: {result.HistoryEvents}");
            return LocalCloudCli.Success;
        });
        return command;
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private static string Describe(TimeSpan span) => span == TimeSpan.Zero
        ? "0 s"
        : span.TotalHours >= 1
            ? $"{span.TotalHours:0.##} h ({(int)span.TotalDays} d {span.Hours} h {span.Minutes} min)"
            : $"{span.TotalSeconds:0.###} s";

    /// <summary>Answers .waitForTaskToken tasks: from the flags, or by asking at the terminal.</summary>
    private sealed class TaskTokenAnswers(LocalCloudHost cloud, CliConsole console, bool approve, bool reject)
    {
        private readonly SemaphoreSlim _prompt = new(1, 1);

        public void OnTaskToken(object? sender, TaskTokenIssuedEventArgs e) => _ = Task.Run(() => AnswerAsync(e));

        private async Task AnswerAsync(TaskTokenIssuedEventArgs e)
        {
            await _prompt.WaitAsync().ConfigureAwait(false);
            try
            {
                console.Output.WriteLine($"Task token for state '{e.StateName}' ({e.Resource}):");
                console.Output.WriteLine($"  {e.TaskToken}");
                bool? approved = approve ? true : reject ? false : null;
                if (approved is null && console.IsInteractive)
                {
                    while (approved is null)
                    {
                        await console.Error.WriteAsync($"Approve '{e.StateName}'? [a]pprove / [r]eject: ").ConfigureAwait(false);
                        var answer = (await console.Input.ReadLineAsync().ConfigureAwait(false))?.Trim().ToLowerInvariant();
                        approved = answer switch
                        {
                            "a" or "approve" or "y" or "yes" => true,
                            "r" or "reject" or "n" or "no" => false,
                            null => false,
                            _ => null,
                        };
                    }
                }

                try
                {
                    switch (approved)
                    {
                        case true:
                            cloud.Engine.SendTaskSuccess(e.TaskToken, """{"approved": true, "approvedBy": "local/dr"}""");
                            console.Output.WriteLine($"  approved (SendTaskSuccess)");
                            break;
                        case false:
                            cloud.Engine.SendTaskFailure(e.TaskToken, "TaskRejected", "rejected from local/dr");
                            console.Output.WriteLine($"  rejected (SendTaskFailure, error TaskRejected)");
                            break;
                        default:
                            console.Output.WriteLine(
                                "  no terminal to ask and neither --approve-task-tokens nor --reject-task-tokens was given: stopping the execution");
                            cloud.Engine.StopExecution(e.ExecutionArn, "LocalCloud.TaskTokenUnanswered",
                                $"state '{e.StateName}' waits for a task token; run again with --approve-task-tokens or --reject-task-tokens");
                            break;
                    }
                }
                catch (StepFunctionsApiException failure)
                {
                    console.Output.WriteLine($"  the answer was refused: {failure.ErrorCode}: {failure.Message}");
                }
            }
            finally
            {
                _prompt.Release();
            }
        }
    }
}
