using System.Globalization;

namespace DisasterRecovery.LocalRds.Api;

/// <summary>Timestamps as RDS reports them and as PostgreSQL keeps them (microseconds).</summary>
internal static class RdsTime
{
    /// <summary>An RDS response timestamp: ISO 8601 UTC with milliseconds, as the SDK serializes an Instant RDS sent.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The same instant floored to whole milliseconds (what <see cref="Format"/> shows).</summary>
    public static DateTimeOffset FloorToMilliseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>A PostgreSQL timestamptz literal with microseconds, e.g. for recovery_target_time.</summary>
    public static string ToPostgres(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture);

    /// <summary>Parses pg_waldump's "2024-01-15 14:30:00.123456" (printed with TZ=UTC).</summary>
    public static DateTimeOffset ParseWalDump(string text) =>
        new(DateTime.ParseExact(text, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero);
}
