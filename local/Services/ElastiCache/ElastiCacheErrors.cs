using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalStepFunctions.Errors;

namespace DisasterRecovery.LocalElastiCache;

/// <summary>
/// Every error the emulator raises, in one place. A <see cref="ServiceErrorException"/>'s code is the AWS SDK for Java v2
/// exception name (the model's <c>ReplicationGroupNotFoundFault</c> becomes <c>ReplicationGroupNotFoundException</c>); the
/// local cloud prefixes it with <c>ElastiCache.</c>, which is what a state machine's <c>ErrorEquals</c> matches. Calls that
/// Step Functions itself would refuse, and features this emulator lacks, fail with the terminal <c>States.Runtime</c>.
/// </summary>
public static class ElastiCacheErrors
{
    /// <summary>The prefix Step Functions puts before every ElastiCache error.</summary>
    public const string Prefix = "ElastiCache";

    internal static ServiceErrorException InvalidParameterValue(string message) => new("InvalidParameterValueException", message);

    internal static ServiceErrorException InvalidParameterCombination(string message) => new("InvalidParameterCombinationException", message);

    internal static ServiceErrorException ReplicationGroupNotFound(string id) =>
        new("ReplicationGroupNotFoundException", $"Replication group {id} not found.", 404);

    internal static ServiceErrorException ReplicationGroupAlreadyExists(string id) =>
        new("ReplicationGroupAlreadyExistsException", $"Replication group {id} already exists.");

    internal static ServiceErrorException InvalidReplicationGroupState(string id, string status) =>
        new("InvalidReplicationGroupStateException", $"Replication group {id} is not in available state (it is {status}).");

    internal static ServiceErrorException CacheClusterNotFound(string id) => new("CacheClusterNotFoundException", $"Cache cluster {id} not found.", 404);

    internal static ServiceErrorException SnapshotNotFound(string name) => new("SnapshotNotFoundException", $"Snapshot {name} not found.", 404);

    internal static ServiceErrorException SnapshotAlreadyExists(string name) =>
        new("SnapshotAlreadyExistsException", $"Snapshot {name} already exists.");

    internal static ServiceErrorException InvalidSnapshotState(string name, string status) =>
        new("InvalidSnapshotStateException", $"Snapshot {name} is not in available state (it is {status}).");

    internal static ServiceErrorException TagQuotaPerResourceExceeded(int max) =>
        new("TagQuotaPerResourceExceededException", $"A resource may have at most {max} tags.");

    internal static ServiceErrorException InvalidArn(string arn) => new("InvalidArnException", $"{arn} is not a valid ARN.");

    /// <summary>A call Step Functions would refuse, or one the emulator cannot carry out: the terminal States.Runtime.</summary>
    internal static TaskFailedException Runtime(string cause) => new(ErrorNames.Runtime, cause);

    internal static TaskFailedException NotImplemented(string what) =>
        Runtime($"{what} is not implemented by the local ElastiCache emulator (local/Services/ElastiCache); it would work against AWS, " +
            "so the flow cannot be tested locally as written.");
}
