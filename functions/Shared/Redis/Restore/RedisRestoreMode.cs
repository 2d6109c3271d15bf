using DisasterRecovery.Core;

namespace DisasterRecovery.Redis.Restore;

/// <summary>What a live restore does with what the target already holds.</summary>
public enum RedisRestoreMode
{
    /// <summary><c>flush-first</c>: <c>FLUSHDB</c> each restored database, then restore: the databases become the backup's.</summary>
    FlushFirst,

    /// <summary><c>keep-existing</c>: a key the target already has is kept (<c>RESTORE</c> without <c>REPLACE</c>; <c>BUSYKEY</c> counts as kept).</summary>
    KeepExisting,

    /// <summary><c>replace</c>: the backup's keys overwrite the target's (<c>RESTORE ... REPLACE</c>); other keys stay.</summary>
    Replace,
}

/// <summary>The modes' names in requests and reports.</summary>
public static class RedisRestoreModes
{
    public const string FlushFirst = "flush-first";
    public const string KeepExisting = "keep-existing";
    public const string Replace = "replace";

    /// <summary>Parses a mode's name; <see cref="InvalidInputException"/> under <paramref name="field"/> for any other.</summary>
    public static RedisRestoreMode Parse(string name, string field) => name switch
    {
        FlushFirst => RedisRestoreMode.FlushFirst,
        KeepExisting => RedisRestoreMode.KeepExisting,
        Replace => RedisRestoreMode.Replace,
        _ => throw new InvalidInputException(field, $"must be {FlushFirst}, {KeepExisting} or {Replace}, was '{name}'"),
    };

    /// <summary>The mode's name.</summary>
    public static string Name(RedisRestoreMode mode) => mode switch
    {
        RedisRestoreMode.FlushFirst => FlushFirst,
        RedisRestoreMode.KeepExisting => KeepExisting,
        _ => Replace,
    };
}
