using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// Archived WAL is stored zstd-compressed (<c>&lt;segment&gt;.zst</c>): an emulator instance's archive and local/servers'
/// both. Restores and the restore window read compressed segments, and plain ones an archive kept from before
/// compression. Real clusters, the real zstd program.
/// </summary>
public sealed partial class WalArchiveCompressionTests
{
    [Fact]
    public async Task FlushWalArchiveAsync_WhenAnInstanceArchivesWal_ShouldStoreOnlyCompressedFilesThatUnpackToWholeSegments()
    {
        await using var rds = await RdsTestEnvironment.StartAsync();
        var password = RdsTestEnvironment.NewPassword();
        var instance = await rds.CreateInstanceAsync("compressed", password);
        await using (var connection = await RdsTestEnvironment.ConnectAsync(instance, password))
        {
            await RdsTestEnvironment.ExecuteAsync(connection,
                "CREATE TABLE notes (note text); INSERT INTO notes SELECT 'note ' || g FROM generate_series(1, 1000) g");
        }

        await rds.Emulator.FlushWalArchiveAsync("compressed");
        var archive = Path.Combine(rds.StateDirectory, "pg", "archives", instance["DbiResourceId"]!.GetValue<string>());
        var names = Directory.GetFiles(archive).Select(Path.GetFileName).OfType<string>().ToList();
        var compressed = names.Where(n => CompressedSegmentName().IsMatch(n)).ToList();

        Assert.NotEmpty(compressed);
        Assert.DoesNotContain(names, n => PlainSegmentName().IsMatch(n));
        Assert.DoesNotContain(names, n => n.EndsWith(".tmp", StringComparison.Ordinal));
        foreach (var name in compressed)
        {
            var path = Path.Combine(archive, name);
            Assert.Equal(1024 * 1024, await UnpackedLengthAsync(path));
            Assert.True(new FileInfo(path).Length < 1024 * 1024, $"{name} is {new FileInfo(path).Length} bytes: not compressed");
        }
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenTheArchiveHoldsPlainSegmentsFromBeforeCompression_ShouldReplayThemAndTheCompressedOnes()
    {
        await using var rds = await RdsTestEnvironment.StartAsync();
        var password = RdsTestEnvironment.NewPassword();
        var instance = await rds.CreateInstanceAsync("mixed", password);
        var archive = Path.Combine(rds.StateDirectory, "pg", "archives", instance["DbiResourceId"]!.GetValue<string>());
        DateTime lastCommit;
        await using (var connection = await RdsTestEnvironment.ConnectAsync(instance, password))
        {
            await RdsTestEnvironment.ExecuteAsync(connection, "CREATE TABLE notes (note text); INSERT INTO notes VALUES ('archived plain')");
            await rds.Emulator.FlushWalArchiveAsync("mixed");

            // What the archive looked like when archive_command still copied segments as they are.
            foreach (var path in Directory.GetFiles(archive, "*.zst"))
            {
                await UnpackAsync(path, path[..^4]);
                File.Delete(path);
            }

            await RdsTestEnvironment.ExecuteAsync(connection, "INSERT INTO notes VALUES ('archived compressed')");
            lastCommit = (await RdsTestEnvironment.ScalarAsync<DateTime>(connection, "SELECT clock_timestamp()")).ToUniversalTime();
        }

        await rds.Emulator.FlushWalArchiveAsync("mixed");
        var described = await rds.CallAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "mixed" });
        var latest = DateTime.Parse(described["DbInstances"]![0]!["LatestRestorableTime"]!.GetValue<string>(), CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal);
        await rds.CallAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = "mixed",
            ["TargetDBInstanceIdentifier"] = "mixed-restored",
            ["UseLatestRestorableTime"] = true,
        });
        var (restored, _) = await rds.WaitForInstanceAsync("mixed-restored", "available");
        await using var restoredConnection = await RdsTestEnvironment.ConnectAsync(restored, password);
        var notes = await RdsTestEnvironment.ScalarAsync<string>(restoredConnection, "SELECT string_agg(note, ',' ORDER BY note) FROM notes");

        Assert.Contains(Directory.GetFiles(archive).Select(Path.GetFileName), n => PlainSegmentName().IsMatch(n!));
        Assert.Contains(Directory.GetFiles(archive).Select(Path.GetFileName), n => CompressedSegmentName().IsMatch(n!));
        Assert.True(latest >= lastCommit.AddMilliseconds(-1), $"LatestRestorableTime {latest:O} is before the last archived commit {lastCommit:O}");
        Assert.Equal("archived compressed,archived plain", notes);
    }

    /// <summary>How many bytes a .zst file unpacks to (zstd -dc).</summary>
    internal static async Task<long> UnpackedLengthAsync(string path)
    {
        using var process = Zstd("-q", "-d", "-c", path);
        long length = 0;
        var buffer = new byte[81920];
        int read;
        while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
        {
            length += read;
        }

        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return length;
    }

    private static async Task UnpackAsync(string path, string target)
    {
        using var process = Zstd("-q", "-d", "-f", "-o", target, path);
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    private static Process Zstd(params string[] arguments)
    {
        var info = new ProcessStartInfo("zstd") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }

    [GeneratedRegex(@"^[0-9A-F]{24}\.zst$", RegexOptions.CultureInvariant)]
    private static partial Regex CompressedSegmentName();

    [GeneratedRegex("^[0-9A-F]{24}$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainSegmentName();
}
