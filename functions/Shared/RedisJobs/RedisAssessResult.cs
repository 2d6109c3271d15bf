namespace DisasterRecovery.RedisJobs;

/// <summary>
/// The damaged Redis as the restore flow found it: reachable or not (and why), its version and role, memory in use and its
/// limit, and its keys per database (INFO keyspace). Every value but <see cref="Reachable"/> and <see cref="AssessedAt"/> is
/// null when the server could not be asked.
/// </summary>
public sealed record RedisAssessResult(
    bool Reachable,
    string? Problem,
    string? Server,
    string? ServerVersion,
    string? Role,
    long? UsedMemoryBytes,
    long? MaxMemoryBytes,
    IReadOnlyDictionary<string, long>? KeysPerDatabase,
    DateTimeOffset AssessedAt);
