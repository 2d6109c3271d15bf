using System.Text;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// RedisVerify in mode <c>backup</c> on real backups of a real redis-server in a LocalS3 catalog: a sound backup passes and enters
/// the verified index; bytes damaged in storage, an RDB stored damaged (truncated, a flipped bit, an unknown version) and counts that
/// disagree with the manifest each fail as a recorded verdict, an audit <c>failed</c> event and BackupVerificationFailedException.
/// </summary>
public sealed class RedisVerifyTests : IAsyncLifetime
{
    private RedisBackupKit _kit = null!;
    private RedisServerProcess _source = null!;

    public async Task InitializeAsync()
    {
        _kit = await RedisBackupKit.CreateAsync();
        _source = await RedisVerifyKit.StartSourceAsync(_kit);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _kit.DisposeAsync();
    }

    [Fact]
    public async Task Verify_WhenTheNewestBackupIsSound_ShouldPassRecordTheVerdictAndEnterTheVerifiedIndex()
    {
        // Arrange
        var older = await _kit.BackUpAsync();
        var manifest = await _kit.BackUpAsync();

        // Act
        var result = await _kit.InvokeAsync(_kit.Verify(), "{}");

        // Assert: the newest backup, every check passed, counts as the manifest has them.
        Assert.Equal(manifest.BackupId.Value, result.GetProperty("backupId").GetString());
        Assert.Equal("backup", result.GetProperty("mode").GetString());
        Assert.True(result.GetProperty("passed").GetBoolean());
        var names = result.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["checksum:dump.info.json", "checksum:dump.rdb", "rdb-format", "manifest-contents", "functions", "rdb-version"], names);
        Assert.All(result.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
        Assert.Contains("CRC-64 matched", RedisVerifyKit.Check(result, "rdb-format").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("1 function library, as dump.info.json records", RedisVerifyKit.Check(result, "functions").GetProperty("detail").GetString());
        var keys = result.GetProperty("keysPerDatabase").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(manifest.Contents!.ToDictionary(c => c.Name, c => c.Count), keys);
        Assert.Equal(["db0", "db15", "db3"], keys.Keys.Order(StringComparer.Ordinal));

        // The verdict is recorded beside the manifest and the backup is in the verified index restores choose from; the older one is not.
        var record = Assert.Single(await _kit.VerificationsAsync(manifest));
        Assert.True(record.Passed);
        Assert.Equal(keys, record.Counts!.ToDictionary(c => c.Name, c => c.Count));
        Assert.Equal([manifest.BackupId], await _kit.VerifiedAsync());
        Assert.Empty(await _kit.VerificationsAsync(older));
        var audit = (await _kit.AuditRecordsAsync()).Last();
        Assert.Equal((AuditActions.Verification, AuditResults.Succeeded), (audit.Action, audit.Result));
        Assert.Equal($"redis/{RedisBackupKit.Source}/{manifest.BackupId}", audit.Resource);
        Assert.Equal("backup", audit.Details["mode"]);
        Assert.Equal(keys.Values.Sum().ToString(System.Globalization.CultureInfo.InvariantCulture), audit.Details["keys"]);
    }

    [Fact]
    public async Task Verify_WhenABackupIdIsGiven_ShouldVerifyThatBackupNotTheNewest()
    {
        // Arrange
        var chosen = await _kit.BackUpAsync();
        await _kit.BackUpAsync();

        // Act
        var result = await _kit.InvokeAsync(_kit.Verify(), ForBackup(chosen));

        // Assert
        Assert.Equal(chosen.BackupId.Value, result.GetProperty("backupId").GetString());
        Assert.Equal([chosen.BackupId], await _kit.VerifiedAsync());
    }

    [Fact]
    public async Task Verify_WhenTheStoredRdbIsDamagedOnDisk_ShouldRecordAFailedVerdictAuditItAndFailTheInvocation()
    {
        // Arrange: one bit of the stored (compressed) RDB flipped in the S3 server's own file.
        var manifest = await _kit.BackUpAsync();
        var entry = manifest.FindObject(RedisBackupObjects.Rdb)!;
        var file = Assert.Single(_kit.S3.DataFilesOf(_kit.BackupBucket, entry.Key));
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x10;
        await File.WriteAllBytesAsync(file, bytes);

        // Act
        var error = await Assert.ThrowsAsync<BackupVerificationFailedException>(() => _kit.InvokeAsync(_kit.Verify(), "{}"));

        // Assert
        Assert.Contains($"backup {manifest.BackupId} of '{RedisBackupKit.Source}' failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("checksum:dump.rdb: ", error.Message, StringComparison.Ordinal);
        var record = Assert.Single(await _kit.VerificationsAsync(manifest));
        Assert.False(record.Passed);
        Assert.False(record.Checks.Single(c => c.Name == "checksum:dump.rdb").Passed);
        Assert.True(record.Checks.Single(c => c.Name == "checksum:dump.info.json").Passed);
        Assert.Empty(await _kit.VerifiedAsync());
        var audit = (await _kit.AuditRecordsAsync()).Last();
        Assert.Equal((AuditActions.Verification, AuditResults.Failed), (audit.Action, audit.Result));
        Assert.Contains("checksum:dump.rdb", audit.Details["failedChecks"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("truncated", "expected", "the end of the file")]
    [InlineData("bit-flip", "expected the CRC-64 of the preceding bytes", "found 0x")]
    [InlineData("wrong-version", "RDB offset 5: expected an RDB version from 1 to", "found 99")]
    public async Task Verify_WhenTheRdbWasStoredDamaged_ShouldFailNamingTheOffsetAndWhatWasExpected(string damage, string expected, string found)
    {
        // Arrange: a real backup's RDB, damaged, committed as a new backup with the real one's info and counts (its checksums match).
        var sound = await _kit.BackUpAsync();
        var rdb = await _kit.ReadObjectAsync(sound, RedisBackupObjects.Rdb);
        var damaged = Damage(rdb, damage);
        var manifest = await _kit.CommitBackupAsync(damaged, await _kit.ReadInfoAsync(sound), sound.Contents);

        // Act
        var error = await Assert.ThrowsAsync<BackupVerificationFailedException>(() => _kit.InvokeAsync(_kit.Verify(), ForBackup(manifest)));

        // Assert: stored as it was written (checksum passed), but not an RDB: the offset and what the format needs there.
        var record = Assert.Single(await _kit.VerificationsAsync(manifest));
        Assert.True(record.Checks.Single(c => c.Name == "checksum:dump.rdb").Passed);
        var format = record.Checks.Single(c => c.Name == "rdb-format");
        Assert.False(format.Passed);
        Assert.True(format.Detail!.StartsWith("RDB offset ", StringComparison.Ordinal), format.Detail);
        Assert.True(format.Detail.Contains(expected, StringComparison.Ordinal) && format.Detail.Contains(found, StringComparison.Ordinal), format.Detail);
        Assert.Contains("rdb-format: RDB offset ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(record.Checks, c => c.Name == "manifest-contents");
        Assert.Null(record.Counts);
        Assert.Empty(await _kit.VerifiedAsync());
    }

    [Fact]
    public async Task Verify_WhenTheManifestsCountsDisagreeWithTheRdb_ShouldFailNamingEachDatabase()
    {
        // Arrange: a sound RDB committed with db3 counted one too many and a db7 the RDB does not have.
        var sound = await _kit.BackUpAsync();
        var rdb = await _kit.ReadObjectAsync(sound, RedisBackupObjects.Rdb);
        var db3 = sound.Contents!.Single(c => c.Name == "db3").Count;
        ContentCount[] contents = [.. sound.Contents!.Select(c => c.Name == "db3" ? c with { Count = c.Count + 1 } : c), new ContentCount("db7", 4)];
        var manifest = await _kit.CommitBackupAsync(rdb, await _kit.ReadInfoAsync(sound), contents);

        // Act
        await Assert.ThrowsAsync<BackupVerificationFailedException>(() => _kit.InvokeAsync(_kit.Verify(), ForBackup(manifest)));

        // Assert
        var check = (await _kit.VerificationsAsync(manifest)).Single().Checks.Single(c => c.Name == "manifest-contents");
        Assert.False(check.Passed);
        Assert.Equal($"db3: the manifest says {db3 + 1}, the RDB holds {db3}; db7: the manifest says 4, the RDB holds 0", check.Detail);
    }

    [Fact]
    public async Task Verify_WhenDumpInfoRecordsOtherFunctions_ShouldFailTheFunctionsCheck()
    {
        // Arrange
        var sound = await _kit.BackUpAsync();
        var rdb = await _kit.ReadObjectAsync(sound, RedisBackupObjects.Rdb);
        var info = await _kit.ReadInfoAsync(sound) with { Functions = 3 };
        var manifest = await _kit.CommitBackupAsync(rdb, info, sound.Contents);

        // Act
        var error = await Assert.ThrowsAsync<BackupVerificationFailedException>(() => _kit.InvokeAsync(_kit.Verify(), ForBackup(manifest)));

        // Assert
        Assert.Contains("functions: dump.info.json records 3 function libraries, the RDB holds 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WhenNoBackupExists_ShouldFailWithBackupNotFoundAndAuditIt()
    {
        // Act
        var error = await Assert.ThrowsAsync<BackupNotFoundException>(() => _kit.InvokeAsync(_kit.Verify(), "{}"));

        // Assert
        Assert.Contains($"no Redis backup of '{RedisBackupKit.Source}'", error.Message, StringComparison.Ordinal);
        var audit = Assert.Single(await _kit.AuditRecordsAsync());
        Assert.Equal((AuditActions.Verification, AuditResults.Failed), (audit.Action, audit.Result));
        Assert.Equal(nameof(BackupNotFoundException), audit.Details["errorType"]);
    }

    private static string ForBackup(BackupManifest manifest) => $$"""{"backupId": "{{manifest.BackupId}}"}""";

    private static byte[] Damage(byte[] rdb, string damage)
    {
        var copy = (byte[])rdb.Clone();
        switch (damage)
        {
            case "truncated":
                return copy[..(copy.Length / 2)];
            case "bit-flip":
                var marker = Encoding.ASCII.GetBytes("verify-me!");
                var at = copy.AsSpan().IndexOf(marker);
                Assert.True(at > 0, "the marker value is stored raw in the RDB");
                copy[at + 3] ^= 0x01;
                return copy;
            default:
                Encoding.ASCII.GetBytes("0099").CopyTo(copy, 5);
                return copy;
        }
    }
}
