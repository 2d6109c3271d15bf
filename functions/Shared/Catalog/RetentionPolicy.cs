namespace DisasterRecovery.Catalog;

/// <summary>Plan §1.1: how long each tier is kept, and therefore how long Object Lock retains it.</summary>
public static class RetentionPolicy
{
    /// <summary>The S3 object tag that carries the tier; lifecycle rules filter on it.</summary>
    public const string TierTagKey = "retention-tier";

    /// <summary>Daily backups: 30 days.</summary>
    public static readonly TimeSpan Daily = TimeSpan.FromDays(30);

    /// <summary>Weekly backups: 90 days.</summary>
    public static readonly TimeSpan Weekly = TimeSpan.FromDays(90);

    /// <summary>Monthly backups: 1 year (365 days).</summary>
    public static readonly TimeSpan Monthly = TimeSpan.FromDays(365);

    /// <summary>Hourly (Redis) snapshots: 24 hours.</summary>
    public static readonly TimeSpan Hourly = TimeSpan.FromHours(24);

    /// <summary>Six-hourly (Redis) snapshots, every sixth hourly one: 7 days.</summary>
    public static readonly TimeSpan SixHourly = TimeSpan.FromDays(7);

    /// <summary>
    /// The Object Lock retain-until date of a backup of this tier started at <paramref name="startedAt"/>:
    /// start + retention, in whole seconds (S3 keeps retention dates at that precision).
    /// </summary>
    public static DateTimeOffset RetainUntil(RetentionTier tier, DateTimeOffset startedAt)
    {
        var until = startedAt.ToUniversalTime() + RetentionOf(tier);
        return new DateTimeOffset(until.Ticks - (until.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>
    /// The grandfather-father-son tier of a scheduled backup started at <paramref name="startedAt"/> (UTC): the one on
    /// the 1st of a month is monthly, one on a Sunday weekly, every other one daily.
    /// </summary>
    public static RetentionTier TierFor(DateTimeOffset startedAt)
    {
        var utc = startedAt.UtcDateTime;
        return utc.Day == 1 ? RetentionTier.Monthly : utc.DayOfWeek == DayOfWeek.Sunday ? RetentionTier.Weekly : RetentionTier.Daily;
    }

    /// <summary>
    /// The tier of an hourly snapshot (Redis) started at <paramref name="startedAt"/> (UTC): the ones of hours 00, 06, 12 and 18
    /// are six-hourly (kept 7 days), every other one hourly (kept 24 hours).
    /// </summary>
    public static RetentionTier HourlyTierFor(DateTimeOffset startedAt) =>
        startedAt.UtcDateTime.Hour % 6 == 0 ? RetentionTier.SixHourly : RetentionTier.Hourly;

    /// <summary>How long a backup of this tier is kept.</summary>
    public static TimeSpan RetentionOf(RetentionTier tier) => tier switch
    {
        RetentionTier.Daily => Daily,
        RetentionTier.Weekly => Weekly,
        RetentionTier.Monthly => Monthly,
        RetentionTier.Hourly => Hourly,
        RetentionTier.SixHourly => SixHourly,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "unknown retention tier"),
    };
}
