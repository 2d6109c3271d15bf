using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Cli;

namespace DisasterRecovery.LocalCloud.Samples;

/// <summary>
/// An RDS instance's restore window in the local cloud, and a point-in-time-recovery input that uses it:
/// <c>events/point-in-time-recovery.json</c> (valid as it is for the AWS console, where its fixed <c>restoreTime</c>
/// is edited to the moment before the damage) with <c>sourceInstance</c> and <c>restoreTime</c> set to a time inside
/// the window here, the latest restorable time. The window comes from the call the flow judges a restore time by:
/// <c>describeDBInstanceAutomatedBackups</c>' RestoreWindow.
/// </summary>
/// <param name="Instance">The DB instance identifier.</param>
/// <param name="Earliest">The earliest restorable time.</param>
/// <param name="Latest">The latest restorable time.</param>
/// <param name="Input">The sample with the window's latest time as restoreTime.</param>
public sealed record RestoreWindowSample(string Instance, DateTimeOffset Earliest, DateTimeOffset Latest, JsonObject Input)
{
    /// <summary>The sample it starts from, relative to the repository.</summary>
    public const string SampleFile = "events/point-in-time-recovery.json";

    /// <summary>The flow the input is for.</summary>
    public const string StateMachine = "PointInTimeRecoveryStateMachine";

    /// <summary>Reads the window of <paramref name="instance"/> and fills <paramref name="sample"/> (the JSON of <see cref="SampleFile"/>).</summary>
    /// <exception cref="LocalCloudException">The instance does not exist locally, has no restore window, or the sample is not a JSON object.</exception>
    public static async Task<RestoreWindowSample> ReadAsync(LocalCloudHost cloud, string instance, string sample, CancellationToken cancellationToken)
    {
        var input = JsonNode.Parse(sample) as JsonObject ?? throw new LocalCloudException($"{SampleFile} is not a JSON object");
        var rds = await cloud.GetRdsAsync(cancellationToken).ConfigureAwait(false);
        JsonNode backups;
        try
        {
            backups = await rds.CallAsync(cloud.Stack.Region, "describeDBInstanceAutomatedBackups", new JsonObject { ["DbInstanceIdentifier"] = instance },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DisasterRecovery.LocalRds.RdsEmulatorException e) when (
            e.ErrorName is "Rds.DbInstanceNotFoundException" or "Rds.DbInstanceAutomatedBackupNotFoundException")
        {
            throw new LocalCloudException(
                $"{instance} is not an RDS instance of this local cloud ({e.ErrorName}). technician-marketplace is local/servers' cluster, " +
                "adopted when local/servers runs: run local/servers start (or local/dr drill) first");
        }

        var window = backups["DbInstanceAutomatedBackups"]?[0]?["RestoreWindow"];
        var earliest = Time(window?["EarliestTime"]);
        var latest = Time(window?["LatestTime"]);
        if (latest is null || earliest is null)
        {
            throw new LocalCloudException($"{instance} has no restore window yet (no automated backup, or none of its WAL archived)");
        }

        input["sourceInstance"] = instance;
        input["restoreTime"] = Iso(latest.Value);
        return new RestoreWindowSample(instance, earliest.Value, latest.Value, input);
    }

    /// <summary>The window, where the ready input was written, the input, and the command that runs it.</summary>
    public void Print(TextWriter output, string inputFile)
    {
        output.WriteLine($"{Instance}: restorable from {Iso(Earliest)} to {Iso(Latest)} (UTC)");
        output.WriteLine($"{SampleFile} with restoreTime {Iso(Latest)} (the latest restorable time), written to {inputFile}:");
        output.WriteLine(Input.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var approve = Input["requireApproval"] is JsonValue approval && approval.TryGetValue<bool>(out var required) && required ? " --approve-task-tokens"
            : string.Empty;
        output.WriteLine($"Run it: local/dr start-execution {StateMachine} --input {inputFile}{approve}");
    }

    /// <summary>
    /// <c>local/dr restore-window [instance]</c>: prints the window, writes the ready input to
    /// <c>&lt;state folder&gt;/samples/point-in-time-recovery.json</c> and prints it with the command that runs it.
    /// </summary>
    internal static Command Command(Func<ParseResult, CancellationToken, Task<LocalCloudHost>> host, Func<ParseResult, CliPaths> paths, TextWriter output)
    {
        var instance = new Argument<string>("instance")
        {
            Description = "The DB instance (default: technician-marketplace).", DefaultValueFactory = _ =>
            "technician-marketplace"
        };
        var command = new Command("restore-window",
            $"Prints a DB instance's restorable window and a ready {StateMachine} input: {SampleFile} with a restoreTime inside it.")
        {
            instance,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var where = paths(parse);
            var sample = where.ReadJsonFile(SampleFile, "sample");
            await using var cloud = await host(parse, cancellationToken).ConfigureAwait(false);
            var window = await ReadAsync(cloud, parse.GetValue(instance)!, sample, cancellationToken).ConfigureAwait(false);
            var file = Path.Combine(cloud.StateDirectory, "samples", Path.GetFileName(SampleFile));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, window.Input.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine,
                cancellationToken).ConfigureAwait(false);
            window.Print(output, file);
            return LocalCloudCli.Success;
        });
        return command;
    }

    private static DateTimeOffset? Time(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text)
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
