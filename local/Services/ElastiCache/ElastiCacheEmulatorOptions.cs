using DisasterRecovery.LocalS3;

namespace DisasterRecovery.LocalElastiCache;

/// <summary>How an <see cref="ElastiCacheEmulator"/> is set up.</summary>
public sealed record ElastiCacheEmulatorOptions
{
    /// <summary>The emulator's folder: state.json, <c>nodes/</c> (one folder per redis-server), <c>snapshots/</c>.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The account in ARNs.</summary>
    public required string AccountId { get; init; }

    /// <summary>
    /// The local S3 endpoint, for <c>SnapshotArns</c> seeds and <c>copySnapshot</c> exports (<c>TargetBucket</c>); without it
    /// those two fail with States.Runtime.
    /// </summary>
    public S3Connection? S3 { get; init; }

    /// <summary>redis-server to run; null finds it on PATH.</summary>
    public string? RedisServerPath { get; init; }

    /// <summary>
    /// How long a describe waits for work still running on a resource it has already shown in progress once (see the README's
    /// "Progress"): on the engine's virtual clock a poll loop's Wait takes no time, so without this it would use up its
    /// attempts while redis-server loads an RDB.
    /// </summary>
    public TimeSpan DescribeWaitForProgress { get; init; } = TimeSpan.FromSeconds(10);
}
