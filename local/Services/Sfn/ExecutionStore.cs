using System.Text.Json;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalSfn;

/// <summary>
/// Executions as files under the state folder (<c>executions/&lt;region&gt;/&lt;machine&gt;/&lt;name&gt;.json</c>), so
/// <c>describe-execution</c>, <c>get-execution-history</c> and <c>list-executions</c> work after the process that ran
/// them has ended — the local cloud is a new process for every command.
/// </summary>
public sealed class ExecutionStore
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
    private static readonly char[] ForbiddenInNames =
        [' ', '<', '>', '{', '}', '[', ']', '?', '*', '"', '#', '%', '\\', '^', '|', '~', '`', '$', '&', ',', ';', ':', '/'];

    /// <param name="directory">The local cloud's state folder; executions go to its <c>executions</c> folder.</param>
    public ExecutionStore(string directory) => Directory = Path.Combine(directory, "executions");

    /// <summary>Where the execution files are.</summary>
    public string Directory { get; }

    /// <summary>Checks a name the way Step Functions does (1–80 characters, no whitespace, brackets, wildcards or punctuation that ARNs and paths
    /// use).</summary>
    /// <returns>Null when valid, else the problem.</returns>
    public static string? NameProblem(string name)
    {
        if (name.Length is 0 or > 80)
        {
            return "must be 1 to 80 characters";
        }

        if (name is "." or ".." || name.IndexOfAny(ForbiddenInNames) >= 0 || name.Any(char.IsControl) || name.Any(char.IsWhiteSpace))
        {
            return "may not contain whitespace, brackets < > { } [ ], wildcards ? *, special characters \" # % \\ ^ | ~ ` $ & , ; : / or control characters";
        }

        return null;
    }

    /// <summary>Splits <c>arn:aws:states:region:account:execution:machine:name</c>.</summary>
    /// <exception cref="ArgumentException">Not an execution ARN.</exception>
    public static (string Region, string StateMachine, string Name) ParseArn(string executionArn)
    {
        var parts = executionArn.Split(':');
        if (parts is not ["arn", "aws", "states", var region, _, "execution", var machine, var name] ||
            NameProblem(machine) is not null || NameProblem(name) is not null || region.Length == 0 || region.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{executionArn}' is not an execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>)");
        }

        return (region, machine, name);
    }

    /// <summary>Whether an execution with this ARN was ever recorded.</summary>
    public bool Exists(string executionArn) => File.Exists(PathOf(executionArn));

    /// <summary>Writes (or rewrites) an execution's record.</summary>
    public void Save(ExecutionDocument document)
    {
        var path = PathOf(document.ExecutionArn);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, Options));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>An execution's record, or null.</summary>
    public ExecutionDocument? Find(string executionArn)
    {
        var path = PathOf(executionArn);
        return File.Exists(path) ? Read(path) : null;
    }

    /// <summary>Every recorded execution, newest first, optionally of one state machine (by name).</summary>
    public IReadOnlyList<ExecutionDocument> List(string? stateMachineName = null)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.EnumerateFiles(Directory, "*.json", SearchOption.AllDirectories)
            .Select(Read)
            .Where(d => stateMachineName is null || d.StateMachineArn.EndsWith(":" + stateMachineName, StringComparison.Ordinal))
            .OrderByDescending(d => d.StartDate, StringComparer.Ordinal)
            .ThenBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
    }

    private string PathOf(string executionArn)
    {
        var (region, machine, name) = ParseArn(executionArn);
        return Path.Combine(Directory, region, machine, name + ".json");
    }

    private static ExecutionDocument Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ExecutionDocument>(File.ReadAllText(path), Options)
                ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid execution record: {e.Message}", e);
        }
    }
}

/// <summary>What an execution file holds: DescribeExecution's fields, the history in GetExecutionHistory's shape, and how it ran.</summary>
public sealed class ExecutionDocument
{
    public string ExecutionArn { get; set; } = string.Empty;

    public string StateMachineArn { get; set; } = string.Empty;

    /// <summary>The template's logical id of the machine.</summary>
    public string StateMachineLogicalId { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    /// <summary>RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.</summary>
    public string Status { get; set; } = "RUNNING";

    public string StartDate { get; set; } = string.Empty;

    public string? StopDate { get; set; }

    public string Input { get; set; } = "{}";

    public string? Output { get; set; }

    public string? Error { get; set; }

    public string? Cause { get; set; }

    /// <summary>virtual or system: which clock the timestamps are on.</summary>
    public string Clock { get; set; } = "virtual";

    /// <summary>How long the run took in real time, once finished.</summary>
    public double? WallTimeMilliseconds { get; set; }

    /// <summary>The history, in GetExecutionHistory's event shape.</summary>
    public JsonArray Events { get; set; } = [];

    /// <summary>This record as DescribeExecution returns it.</summary>
    public JsonObject ToDescribeExecution()
    {
        var json = new JsonObject
        {
            ["executionArn"] = ExecutionArn,
            ["stateMachineArn"] = StateMachineArn,
            ["name"] = Name,
            ["status"] = Status,
            ["startDate"] = StartDate,
        };
        if (StopDate is not null)
        {
            json["stopDate"] = StopDate;
        }

        json["input"] = Input;
        json["inputDetails"] = new JsonObject { ["included"] = true };
        if (Output is not null)
        {
            json["output"] = Output;
            json["outputDetails"] = new JsonObject { ["included"] = true };
        }

        if (Error is not null)
        {
            json["error"] = Error;
        }

        if (Cause is not null)
        {
            json["cause"] = Cause;
        }

        return json;
    }
}
