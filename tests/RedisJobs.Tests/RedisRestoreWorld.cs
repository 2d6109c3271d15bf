using DisasterRecovery.Catalog;
using DisasterRecovery.Functions.RedisRestore;
using DisasterRecovery.Functions.RedisStage;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// The restore tests' world: <see cref="RedisBackupKit"/>'s (local S3 catalog and audit buckets, secrets, the RedisBackup
/// function), a backup of a server of the test's own (recorded as verified, as RedisVerify would), and the RedisRestore and
/// RedisStage functions wired as their entry points wire them.
/// </summary>
internal static class RedisRestoreWorld
{
    public const string SourceSecret = "source/redis";
    public const string TargetSecret = "technician-marketplace/redis/target";

    /// <summary>Backs <paramref name="source"/> up through RedisBackup and, unless told not to, records a passed verification.</summary>
    public static async Task<BackupManifest> BackUpAsync(RedisBackupKit kit, RedisServerProcess source, bool verified = true)
    {
        kit.Secrets.Put(SourceSecret, RedisBackupKit.SecretFor("127.0.0.1", source.Port, RedisServerProcess.Password));
        var result = await kit.InvokeAsync(kit.Backup(), $$$"""{"redis": {"secretId": "{{{SourceSecret}}}"}}""");
        var backupId = BackupId.Parse(result.GetProperty("backupId").GetString()!, "backupId");
        var manifest = await kit.Catalog.ReadManifestAsync(BackupEngine.Redis, RedisBackupKit.Source, backupId);
        if (verified)
        {
            await kit.Catalog.RecordVerificationAsync(manifest, new BackupVerification
            {
                BackupId = manifest.BackupId,
                Passed = true,
                Checks = [new VerificationCheck("checksum:dump.rdb", true)],
                VerifiedBy = "test",
                VerifiedAt = kit.S3.Clock.GetUtcNow(),
            });
        }

        return manifest;
    }

    /// <summary>Names <paramref name="target"/> in the target secret, with <paramref name="password"/>.</summary>
    public static void NameTarget(RedisBackupKit kit, RedisServerProcess target, string password = RedisServerProcess.Password) =>
        kit.Secrets.Put(TargetSecret, RedisBackupKit.SecretFor("127.0.0.1", target.Port, password));

    public static ILambdaFunction Restore(RedisBackupKit kit) => RedisRestoreEntryPoint.Create(kit.Services(new RdbFileInspector()));

    public static ILambdaFunction Stage(RedisBackupKit kit, string? bucket) =>
        RedisStageEntryPoint.Create(kit.Services(new RdbFileInspector()), new RedisStagingSettings(bucket, null));
}
