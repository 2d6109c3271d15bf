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

    /// <summary>How long a backup of this tier is kept.</summary>
    public static TimeSpan RetentionOf(RetentionTier tier) => tier switch
    {
        RetentionTier.Daily => Daily,
        RetentionTier.Weekly => Weekly,
        RetentionTier.Monthly => Monthly,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "unknown retention tier"),
    };
}
