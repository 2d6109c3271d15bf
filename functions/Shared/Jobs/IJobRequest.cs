using DisasterRecovery.Core;

namespace DisasterRecovery.Jobs;

/// <summary>What every job's request carries, whatever the engine.</summary>
public interface IJobRequest : IValidatable
{
    /// <summary>The catalog source name; null for the function's default (<c>BACKUP_SOURCE</c>).</summary>
    string? Source { get; }

    /// <summary>The backup the job is about (restore, verify) or the id a new one takes (backup); null for the default.</summary>
    string? BackupId { get; }

    /// <summary>Who asked (an execution ARN); null for the function and request.</summary>
    string? RequestedBy { get; }
}
