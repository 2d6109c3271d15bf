using System.Text.Json;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalRds.Postgres;

/// <summary>
/// Claims on a WAL archive that several emulators share: the adopted local/servers cluster's archive is used by every
/// state folder that adopted it (the local cloud's, each test's). Each adoption keeps one small file in
/// <c>&lt;archive&gt;/.local-rds-holds/&lt;DbiResourceId&gt;.json</c> naming the oldest segment its automated backups
/// still need, its state.json, when it was written and the instance's retention period; pruning never goes past the
/// oldest claim. A claim is stale, so removed and ignored, when its state.json is gone or no longer mentions the
/// resource (its state folder was deleted), or when it was last written longer ago than the retention period and a day
/// (its state folder has not been opened since: every backup it protected has expired by RDS's rule, and when the
/// folder is opened again its adoption takes a new backup first, see RdsEmulator.WalPruning). Without the second rule a
/// test run killed half-way left a claim in /tmp that held the archive forever.
/// </summary>
internal static class ArchiveHolds
{
    /// <summary>The folder inside the archive; restore_command and archive_command only touch WAL file names.</summary>
    public const string FolderName = ".local-rds-holds";

    /// <summary>
    /// Records (or moves) this adoption's claim: it needs <paramref name="oldestNeededSegment"/> and everything after it,
    /// as of <paramref name="now"/>, for an instance that keeps backups <paramref name="retentionDays"/> days.
    /// </summary>
    public static void Write(string archive, string resourceId, string stateFile, string oldestNeededSegment, DateTimeOffset now, int retentionDays)
    {
        var folder = Path.Combine(archive, FolderName);
        Directory.CreateDirectory(folder);
        var claim = new JsonObject
        {
            ["resourceId"] = resourceId,
            ["stateFile"] = stateFile,
            ["oldestNeededWalFile"] = oldestNeededSegment,
            ["claimedAt"] = now.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["retentionDays"] = retentionDays,
        };
        var path = Path.Combine(folder, resourceId + ".json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, claim.ToJsonString());
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>This adoption's own claim, if it wrote one.</summary>
    public static string? Read(string archive, string resourceId) =>
        ReadClaim(Path.Combine(archive, FolderName, resourceId + ".json"))?.OldestNeeded;

    /// <summary>
    /// The oldest segment other adoptions of this archive still need at <paramref name="now"/> (null when none claims
    /// anything); stale claims are deleted on the way and reported to <paramref name="onStale"/>.
    /// </summary>
    public static string? OldestClaimedByOthers(string archive, string resourceId, DateTimeOffset now, Action<string> onStale)
    {
        var folder = Path.Combine(archive, FolderName);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        string? oldest = null;
        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            if (Path.GetFileNameWithoutExtension(path) == resourceId)
            {
                continue;
            }

            var claim = ReadClaim(path);
            if (claim is null || !StillHeld(claim, now))
            {
                TryDelete(path);
                onStale(Path.GetFileName(path));
                continue;
            }

            oldest = oldest is null ? claim.OldestNeeded : WalArchivePruner.Earlier(oldest, claim.OldestNeeded);
        }

        return oldest;
    }

    private static Claim? ReadClaim(string path)
    {
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            var resourceId = json?["resourceId"]?.GetValue<string>();
            var stateFile = json?["stateFile"]?.GetValue<string>();
            var oldest = json?["oldestNeededWalFile"]?.GetValue<string>();
            DateTimeOffset? claimedAt = json?["claimedAt"]?.GetValue<string>() is { } text
                ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal)
                : null;
            var retentionDays = json?["retentionDays"]?.GetValue<int>();
            return resourceId is null || stateFile is null || oldest is null || !WalArchivePruner.IsSegmentName(oldest)
                ? null
                : new Claim(resourceId, stateFile, oldest, claimedAt, retentionDays);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The claim was written within its retention period and a day (claims written before these were recorded have no
    /// age), and its state folder still exists and still knows the resource (as an instance or retained backups).
    /// </summary>
    private static bool StillHeld(Claim claim, DateTimeOffset now)
    {
        if (claim.ClaimedAt is { } claimedAt && claim.RetentionDays is { } days && now - claimedAt > TimeSpan.FromDays(days + 1))
        {
            return false;
        }

        try
        {
            return File.Exists(claim.StateFile) && File.ReadAllText(claim.StateFile).Contains($"\"{claim.ResourceId}\"", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable is not gone: keep honouring it.
            return true;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Someone else removed or owns it; it is ignored either way.
        }
    }

    private sealed record Claim(string ResourceId, string StateFile, string OldestNeeded, DateTimeOffset? ClaimedAt, int? RetentionDays);
}
