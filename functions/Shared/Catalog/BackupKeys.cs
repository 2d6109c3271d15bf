using System.Globalization;
using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>
/// The key scheme of the backup bucket. Data and manifest live under the backup's own folder; the
/// index lives apart, with keys that sort newest first so one listing finds the latest backup.
/// <code>
/// backups/&lt;engine&gt;/&lt;source&gt;/&lt;yyyy&gt;/&lt;mm&gt;/&lt;dd&gt;/&lt;backupId&gt;/data/&lt;object name&gt;
/// backups/&lt;engine&gt;/&lt;source&gt;/&lt;yyyy&gt;/&lt;mm&gt;/&lt;dd&gt;/&lt;backupId&gt;/manifest.json
/// backups/&lt;engine&gt;/&lt;source&gt;/&lt;yyyy&gt;/&lt;mm&gt;/&lt;dd&gt;/&lt;backupId&gt;/verifications/&lt;yyyyMMddTHHmmssfffZ&gt;-&lt;hex&gt;.json
/// catalog/&lt;engine&gt;/&lt;source&gt;/committed/&lt;inverted completedAt&gt;_&lt;backupId&gt;_&lt;kind&gt;_&lt;tier&gt;.json
/// catalog/&lt;engine&gt;/&lt;source&gt;/verified/&lt;inverted completedAt&gt;_&lt;backupId&gt;_&lt;kind&gt;_&lt;tier&gt;.json
/// </code>
/// The inverted time is <c>DateTime.MaxValue.Ticks - completedAt.UtcTicks</c>, 19 digits, so S3's
/// ascending key order is newest first.
/// </summary>
public static class BackupKeys
{
    public const string BackupsRoot = "backups/";
    public const string CatalogRoot = "catalog/";
    public const string ManifestFileName = "manifest.json";
    public const string DataFolder = "data/";
    public const string VerificationsFolder = "verifications/";
    public const string CommittedFolder = "committed/";
    public const string VerifiedFolder = "verified/";

    /// <summary>Longest source name.</summary>
    public const int MaxSourceLength = 100;

    /// <summary>Longest object name (keys stay well under S3's 1024 bytes).</summary>
    public const int MaxObjectNameLength = 512;

    private const int InvertedDigits = 19;

    /// <summary><c>backups/&lt;engine&gt;/&lt;source&gt;/</c>: every backup of one source (a sweep's prefix).</summary>
    public static string SourceFolder(BackupEngine engine, string source) => $"{BackupsRoot}{CatalogNames.Of(engine)}/{ValidateSource(source)}/";

    /// <summary><c>backups/&lt;engine&gt;/&lt;source&gt;/&lt;yyyy&gt;/&lt;mm&gt;/&lt;dd&gt;/&lt;backupId&gt;/</c></summary>
    public static string BackupFolder(BackupEngine engine, string source, BackupId backupId)
    {
        var day = backupId.StartedAt.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture,
            $"{BackupsRoot}{CatalogNames.Of(engine)}/{ValidateSource(source)}/{day:yyyy}/{day:MM}/{day:dd}/{backupId.Value}/");
    }

    public static string Manifest(BackupEngine engine, string source, BackupId backupId) =>
        BackupFolder(engine, source, backupId) + ManifestFileName;

    public static string DataObject(BackupEngine engine, string source, BackupId backupId, string objectName) =>
        BackupFolder(engine, source, backupId) + DataFolder + ValidateObjectName(objectName, "name");

    public static string Verification(BackupEngine engine, string source, BackupId backupId, DateTimeOffset verifiedAt, string suffix) =>
        BackupFolder(engine, source, backupId) + VerificationsFolder
        + verifiedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "-" + suffix + ".json";

    /// <summary><c>catalog/&lt;engine&gt;/&lt;source&gt;/committed/</c> or <c>…/verified/</c>.</summary>
    public static string IndexFolder(BackupEngine engine, string source, bool verified) =>
        $"{CatalogRoot}{CatalogNames.Of(engine)}/{ValidateSource(source)}/{(verified ? VerifiedFolder : CommittedFolder)}";

    public static string IndexEntry(
        BackupEngine engine, string source, bool verified, BackupId backupId, DateTimeOffset completedAt, BackupKind kind, RetentionTier tier) =>
        IndexFolder(engine, source, verified)
        + Inverted(completedAt) + "_" + backupId.Value + "_" + CatalogNames.Of(kind) + "_" + CatalogNames.Of(tier) + ".json";

    /// <summary>
    /// The StartAfter value that makes a listing of <paramref name="indexFolder"/> begin with the newest
    /// entry completed at or before <paramref name="time"/>: every such entry's inverted time is at least
    /// Inverted(time), and a key that starts with a string sorts after it.
    /// </summary>
    public static string StartAfterForAtOrBefore(string indexFolder, DateTimeOffset time) => indexFolder + Inverted(time);

    /// <summary>Reads an index key back into an entry; null when the key is not one this scheme writes.</summary>
    public static BackupEntry? ParseIndexEntry(BackupEngine engine, string source, bool verified, string key)
    {
        var folder = IndexFolder(engine, source, verified);
        if (!key.StartsWith(folder, StringComparison.Ordinal) || !key.EndsWith(".json", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = key[folder.Length..^".json".Length].Split('_');
        if (parts.Length != 4 || parts[0].Length != InvertedDigits
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var inverted)
            || !CatalogNames.TryParseKind(parts[2], out var kind)
            || !CatalogNames.TryParseTier(parts[3], out var tier))
        {
            return null;
        }

        var ticks = DateTime.MaxValue.Ticks - inverted;
        if (!BackupId.TryParse(parts[1], out var id) || ticks < 0)
        {
            return null;
        }

        return new BackupEntry(engine, source, id, kind, tier, new DateTimeOffset(ticks, TimeSpan.Zero), verified, key);
    }

    /// <summary>
    /// A source is one key segment: 1-100 of A-Z a-z 0-9 . _ - , not "." or "..". One segment (no '/')
    /// so one source's folder can never be a prefix of another's.
    /// </summary>
    public static string ValidateSource(string? source, string field = "source")
    {
        Require.NotBlank(source, field);
        if (source!.Length > MaxSourceLength)
        {
            throw new InvalidInputException(field, $"must be at most {MaxSourceLength} characters, was {source.Length}");
        }

        if (source.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidInputException(field, $"must be one key segment without '/', was '{BackupId.Printable(source)}'");
        }

        ValidateSegment(source, field, source);
        return source;
    }

    /// <summary>
    /// An object name: '/'-separated segments of A-Z a-z 0-9 . _ - , none empty, "." or "..";
    /// at most 512 characters.
    /// </summary>
    public static string ValidateObjectName(string? name, string field = "name")
    {
        Require.NotBlank(name, field);
        if (name!.Length > MaxObjectNameLength)
        {
            throw new InvalidInputException(field, $"must be at most {MaxObjectNameLength} characters, was {name.Length}");
        }

        foreach (var segment in name.Split('/'))
        {
            ValidateSegment(segment, field, name);
        }

        return name;
    }

    private static void ValidateSegment(string segment, string field, string whole)
    {
        if (segment.Length == 0)
        {
            throw new InvalidInputException(field, $"must not have empty path segments (leading, trailing or double '/'), was '{BackupId.Printable(whole)}'");
        }

        if (segment is "." or "..")
        {
            throw new InvalidInputException(field, $"must not have '.' or '..' path segments, was '{BackupId.Printable(whole)}'");
        }

        foreach (var c in segment)
        {
            if (!IsSafe(c))
            {
                var what = char.IsControl(c) ? $"control character U+{(int)c:X4}" : $"character '{c}'";
                throw new InvalidInputException(field, $"has {what}; only A-Z a-z 0-9 . _ - are allowed, was '{BackupId.Printable(whole)}'");
            }
        }
    }

    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    private static string Inverted(DateTimeOffset time) =>
        (DateTime.MaxValue.Ticks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
}

/// <summary>The wire (JSON and key) names of the catalog's enums, in one place.</summary>
public static class CatalogNames
{
    public static string Of(BackupEngine engine) => engine switch
    {
        BackupEngine.Postgres => "postgres",
        BackupEngine.MongoDb => "mongodb",
        BackupEngine.Redis => "redis",
        BackupEngine.FileStorage => "file-storage",
        _ => throw new InvalidInputException("engine", $"unknown engine {(int)engine}"),
    };

    public static string Of(BackupKind kind) => kind switch
    {
        BackupKind.Full => "full",
        BackupKind.Incremental => "incremental",
        BackupKind.Snapshot => "snapshot",
        BackupKind.Wal => "wal",
        BackupKind.Oplog => "oplog",
        BackupKind.Aof => "aof",
        _ => throw new InvalidInputException("kind", $"unknown kind {(int)kind}"),
    };

    public static string Of(RetentionTier tier) => tier switch
    {
        RetentionTier.Daily => "daily",
        RetentionTier.Weekly => "weekly",
        RetentionTier.Monthly => "monthly",
        RetentionTier.Hourly => "hourly",
        RetentionTier.SixHourly => "six-hourly",
        _ => throw new InvalidInputException("retentionTier", $"unknown retention tier {(int)tier}"),
    };

    public static bool TryParseKind(string value, out BackupKind kind) => TryParse(value, out kind, Of);

    public static bool TryParseTier(string value, out RetentionTier tier) => TryParse(value, out tier, Of);

    private static bool TryParse<T>(string value, out T result, Func<T, string> name)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (name(candidate) == value)
            {
                result = candidate;
                return true;
            }
        }

        result = default;
        return false;
    }
}
