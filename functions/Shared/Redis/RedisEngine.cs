namespace DisasterRecovery.Redis;

/// <summary>What the Redis engine supports: the RDB versions it reads (Redis 2.x to 7.x write 1–11).</summary>
public static class RedisEngine
{
    /// <summary>The newest RDB version this engine reads; a file declaring a newer one is refused, never guessed at.</summary>
    public const int NewestRdbVersion = 11;
}
