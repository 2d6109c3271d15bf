using DisasterRecovery.Core;

namespace DisasterRecovery.RedisJobs;

/// <summary>Which Redis to assess before a restore: default the stack's (REDIS_SECRET_ID).</summary>
/// <remarks>Optional fields are nullable: the JSON source generator sets every init property.</remarks>
public sealed record RedisAssessRequest : IValidatable
{
    /// <summary>The server; default the stack's Redis secret.</summary>
    public RedisConnection? Redis { get; init; }

    public void Validate() => Redis?.Validate("redis");
}
