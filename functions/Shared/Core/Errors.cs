namespace DisasterRecovery.Core;

// Exception type names are a contract: a Lambda function reports the type name as `errorType`,
// and the state machines match it in `Retry`/`Catch` `ErrorEquals`. Rename one and a flow breaks,
// so every such type lives in this one file.

/// <summary>Base of every error this platform raises on purpose.</summary>
public abstract class DisasterRecoveryException(string message, Exception? inner = null)
    : Exception(message, inner);

/// <summary>The invocation payload is not JSON of the expected shape.</summary>
public sealed class MalformedInputException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>The input parsed, but a field has a value the operation cannot accept.</summary>
public sealed class InvalidInputException : DisasterRecoveryException
{
    public InvalidInputException(string field, string problem)
        : base($"{field}: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>The camelCase path of the offending field, as the caller wrote it.</summary>
    public string Field { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}

/// <summary>The function could not start: configuration missing or invalid.</summary>
public sealed class FunctionConfigurationException(string message)
    : DisasterRecoveryException(message);

/// <summary>The named storage (an S3 bucket) does not exist or is not visible to this function.</summary>
public sealed class StorageNotFoundException : DisasterRecoveryException
{
    public StorageNotFoundException(string bucket, Exception? inner = null)
        : base($"bucket '{bucket}' does not exist or this function may not see it; nothing was written", inner)
    {
        Bucket = bucket;
    }

    /// <summary>The bucket that was asked for.</summary>
    public string Bucket { get; }
}

/// <summary>The catalog has no committed backup (or manifest, or object) with this id.</summary>
public sealed class BackupNotFoundException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>
/// An object read back from a backup does not have the SHA-256 or size its manifest recorded: the data
/// is damaged or was replaced. Raised at the end of the read, so a consumer must not trust data before it.
/// </summary>
public sealed class ChecksumMismatchException : DisasterRecoveryException
{
    public ChecksumMismatchException(string backupId, string objectName, string key, string problem, Exception? inner = null)
        : base($"backup {backupId}, object '{objectName}' ({key}): {problem}", inner)
    {
        BackupId = backupId;
        ObjectName = objectName;
        Key = key;
        Problem = problem;
    }

    /// <summary>The backup the object belongs to.</summary>
    public string BackupId { get; }

    /// <summary>The object's name in the manifest.</summary>
    public string ObjectName { get; }

    /// <summary>The object's S3 key.</summary>
    public string Key { get; }

    /// <summary>What did not match (expected and actual values).</summary>
    public string Problem { get; }
}

/// <summary>A manifest is not one this code can read or write: unknown schema version or invalid content.</summary>
public sealed class ManifestSchemaException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>A backup with this id was already committed with a different manifest; nothing was overwritten.</summary>
public sealed class BackupConflictException(string message)
    : DisasterRecoveryException(message);

/// <summary>A backup is under S3 Object Lock retention (or legal hold) and cannot be deleted yet; nothing was deleted.</summary>
public sealed class BackupLockedException : DisasterRecoveryException
{
    public BackupLockedException(string backupId, string key, string? mode, DateTimeOffset? retainUntil, bool legalHold)
        : base($"backup {backupId} is locked and cannot be deleted: {Describe(key, mode, retainUntil, legalHold)}; nothing was deleted")
    {
        BackupId = backupId;
        Key = key;
        Mode = mode;
        RetainUntil = retainUntil;
        LegalHold = legalHold;
    }

    /// <summary>The backup that was to be deleted.</summary>
    public string BackupId { get; }

    /// <summary>The first locked object found.</summary>
    public string Key { get; }

    /// <summary>GOVERNANCE or COMPLIANCE, when a retention period applies.</summary>
    public string? Mode { get; }

    /// <summary>When the retention period ends.</summary>
    public DateTimeOffset? RetainUntil { get; }

    /// <summary>True when a legal hold is on.</summary>
    public bool LegalHold { get; }

    private static string Describe(string key, string? mode, DateTimeOffset? retainUntil, bool legalHold) =>
        legalHold
            ? $"'{key}' has a legal hold"
            : $"'{key}' is retained in {mode} mode until {retainUntil?.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
}

/// <summary>
/// A bucket backups or audit events would be written to lacks what keeps them immutable (versioning, Object Lock, for the
/// audit log a default retention), and the stack does not allow unprotected writes; nothing was written.
/// </summary>
public sealed class BucketNotProtectedException(string message)
    : DisasterRecoveryException(message);

/// <summary>The audit log could not claim the next sequence number: too many concurrent appenders won first.</summary>
public sealed class AuditLogContentionException(string message)
    : DisasterRecoveryException(message);

/// <summary>The audit log's newest event cannot be read, so no event can be chained after it; run the chain verifier.</summary>
public sealed class AuditLogCorruptedException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

// --- PostgreSQL backup, restore and verification (functions/Shared/Postgres) ---

/// <summary>The PostgreSQL server could not be reached (refused, unresolvable, timed out). Retrying may help.</summary>
public sealed class DatabaseUnreachableException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>The server refused the credentials (wrong password, unknown role, no pg_hba entry). Retrying will not help.</summary>
public sealed class DatabaseAuthenticationException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>The server has no database with the requested name.</summary>
public sealed class DatabaseNotFoundException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>
/// A connection dropped while an operation was under way (backend terminated, server restarted, network
/// lost). The operation was abandoned: nothing was committed. Retrying may help.
/// </summary>
public sealed class DatabaseConnectionLostException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>A PostgreSQL client program (pg_dump, psql) is missing or failed; the message carries its exit code and the end of its error output.</summary>
public sealed class PostgresToolException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>The server rejected a statement of a dump, restore or verification (the message names the statement's object and SQLSTATE).</summary>
public sealed class DatabaseOperationException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>A restore target already holds tables and the request did not say <c>replace</c>; the target was not touched.</summary>
public sealed class RestoreTargetNotEmptyException(string message)
    : DisasterRecoveryException(message);

/// <summary>
/// The server a restore or verification would write to has less free storage than the job needs (the message names both
/// figures and where they come from); nothing was created or changed.
/// </summary>
public sealed class InsufficientStorageException(string message)
    : DisasterRecoveryException(message);

/// <summary>The operation was cancelled (the invocation's deadline came, or the caller cancelled) before it finished; nothing was committed.</summary>
public sealed class DeadlineExceededException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

// --- Secrets (functions/Shared/Secrets) ---

/// <summary>Secrets Manager has no secret with the requested id (or the function may not read it).</summary>
public sealed class SecretNotFoundException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>
/// A secret could not be read: the Parameters and Secrets extension is not running, refused the token, or
/// answered with an error. The message names the secret id, never its value.
/// </summary>
public sealed class SecretUnavailableException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>A secret was read but its value is not what the caller needs (not JSON, a field missing); the message names the field, never a value.</summary>
public sealed class SecretFormatException(string message)
    : DisasterRecoveryException(message);

/// <summary>A backup failed its verification; the verdict was recorded beside its manifest and in the audit log. The message lists the failed checks.</summary>
public sealed class BackupVerificationFailedException(string message)
    : DisasterRecoveryException(message);

// --- Redis (functions/Shared/Redis) ---

/// <summary>
/// The Redis server a restore writes to refused a write for lack of memory (<c>-OOM</c>: used memory above <c>maxmemory</c>
/// with a policy that does not evict). The restore stopped; the message names how many keys went in before it.
/// </summary>
public sealed class TargetOutOfMemoryException(string message)
    : DisasterRecoveryException(message);

/// <summary>
/// An RDB file (or a DUMP payload) is not what Redis writes: truncated, damaged (a checksum or a structure does not
/// match), or of an RDB version this platform does not read. Names the byte offset and what was expected there.
/// </summary>
public sealed class RdbFormatException : DisasterRecoveryException
{
    public RdbFormatException(long offset, string expected, string? found = null, Exception? inner = null)
        : base(found is null ? $"RDB offset {offset}: expected {expected}" : $"RDB offset {offset}: expected {expected}, found {found}", inner)
    {
        Offset = offset;
        Expected = expected;
    }

    /// <summary>The byte offset in the file (0 is the first byte of "REDIS") where the problem is.</summary>
    public long Offset { get; }

    /// <summary>What the format requires at that offset.</summary>
    public string Expected { get; }
}
