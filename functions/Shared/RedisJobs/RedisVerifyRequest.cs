using DisasterRecovery.Core;
using DisasterRecovery.Jobs;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Two checks, one function. Without <c>redis</c>: the daily verification of a backup (default the newest committed one):
/// every object's checksums, the whole RDB parsed with its CRC-64, its keys per database and functions compared with the
/// manifest and <c>dump.info.json</c>, the verdict recorded (a passed one enters the verified index restores choose from).
/// With <c>redis</c>: a server just restored from <c>backupId</c> is checked against that backup (keys per database from
/// INFO keyspace), as the restore flow does before it switches the application over.
/// </summary>
/// <remarks>Optional fields are nullable: the JSON source generator sets every init property.</remarks>
public sealed record RedisVerifyRequest : IJobRequest
{
    /// <summary>The catalog source name; default BACKUP_SOURCE.</summary>
    public string? Source { get; init; }

    /// <summary>The backup; default the newest committed one (required with <c>redis</c>).</summary>
    public string? BackupId { get; init; }

    /// <summary>A server restored from <c>backupId</c>, to check instead of verifying the backup itself.</summary>
    public RedisConnection? Redis { get; init; }

    /// <summary>Who asked (an execution ARN); default this function and request.</summary>
    public string? RequestedBy { get; init; }

    public void Validate()
    {
        JobRequestFields.Validate(Source, BackupId, null, RequestedBy);
        if (Redis is null)
        {
            return;
        }

        Redis.Validate("redis");
        if (BackupId is null)
        {
            throw new InvalidInputException("backupId", "is required with 'redis': the backup the server was restored from");
        }
    }
}
