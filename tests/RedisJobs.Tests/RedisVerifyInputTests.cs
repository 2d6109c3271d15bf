using DisasterRecovery.Core;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>Bad RedisVerify input is refused naming the field, before anything is read, written or audited.</summary>
public sealed class RedisVerifyInputTests : IAsyncLifetime
{
    private RedisBackupKit _kit = null!;

    public async Task InitializeAsync() => _kit = await RedisBackupKit.CreateAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Theory]
    [InlineData("""{"redis": {"secretId": "restored/redis", "port": 6380}}""", "backupId", "is required with 'redis'")]
    [InlineData("""{"backupId": "20261207T010000Z-0a1b2c3d", "redis": {"secretId": "s", "port": 70000}}""", "redis.port", "")]
    [InlineData("""{"backupId": "20261207T010000Z-0a1b2c3d", "redis": {"secretId": " "}}""", "redis.secretId", "")]
    [InlineData("""{"backupId": "yesterday"}""", "backupId", "")]
    [InlineData("""{"source": "no/slashes"}""", "source", "")]
    [InlineData("""{"requestedBy": ""}""", "requestedBy", "")]
    public async Task Verify_WhenAFieldIsBad_ShouldRefuseNamingItAndAuditNothing(string payload, string field, string problem)
    {
        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _kit.InvokeAsync(_kit.Verify(), payload));

        // Assert
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.Empty(await _kit.AuditRecordsAsync());
        Assert.Empty(await _kit.S3.ListKeysAsync(_kit.BackupBucket));
    }

    [Fact]
    public async Task Verify_WhenAFieldIsUnknown_ShouldRefuseTheInputNamingIt()
    {
        // Act
        var error = await Assert.ThrowsAsync<MalformedInputException>(() => _kit.InvokeAsync(_kit.Verify(), """{"mode": "backup"}"""));

        // Assert
        Assert.Contains("mode", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _kit.AuditRecordsAsync());
    }
}
