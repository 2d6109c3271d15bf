using System.Text.Json;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>Bad input and the retention tier: a clear error naming the field, and nothing written.</summary>
public sealed class RedisBackupInputTests
{
    [Theory]
    [InlineData("not json", "is not JSON")]
    [InlineData("[1]", "is not a JSON object")]
    [InlineData("""{"host":"h","port":6379}""", "has no 'password'")]
    [InlineData("""{"host":"h","password":"p","passwd":"p"}""", "unknown field 'passwd'")]
    [InlineData("""{"host":"h","password":"p","port":"ninety"}""", "'port' must be a port number")]
    [InlineData("""{"host":"h","password":"p","tls":"yes"}""", "'tls' must be true or false")]
    [InlineData("""{"host":"h","password":"p","engine":"postgres"}""", "'engine' is 'postgres'")]
    public void Parse_WhenTheSecretIsMalformed_ShouldThrowSecretFormatExceptionNamingTheFieldNotTheValue(string secret, string problem)
    {
        // Act
        var error = Assert.Throws<SecretFormatException>(() => RedisSecret.Parse("the/secret", secret));

        // Assert
        Assert.Contains("the/secret", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\"p\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_WhenNeitherTheRequestNorTheSecretGivesAHost_ShouldThrowInvalidInputExceptionNamingRedisHost()
    {
        // Arrange
        var secrets = new SecretSourceForTests();
        secrets.Put("s", """{"password":"p"}""");

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(
            () => new RedisConnection { SecretId = "s" }.ResolveAsync(secrets, "redis", CancellationToken.None));

        // Assert
        Assert.Equal("redis.host", error.Field);
    }

    [Fact]
    public async Task Resolve_WhenTheRequestOverridesHostAndPort_ShouldKeepTheSecretsCredentials()
    {
        // Arrange
        var secrets = new SecretSourceForTests();
        secrets.Put("s", """{"host":"old","port":"6380","username":"backup","password":"p","tls":true}""");

        // Act
        var endpoint = await new RedisConnection { SecretId = "s", Host = "new", Port = 7000 }.ResolveAsync(secrets, "redis", CancellationToken.None);

        // Assert
        Assert.Equal(("new", 7000, "backup", "p", true), (endpoint.Host, endpoint.Port, endpoint.Username, endpoint.Password, endpoint.Tls));
        Assert.Equal("backup@new:7000 (tls)", endpoint.ToString());
    }

    [Theory]
    [InlineData("""{"retentionTier": "daily"}""", "retentionTier")]
    [InlineData("""{"redis": {"secretId": "s", "port": 70000}}""", "redis.port")]
    [InlineData("""{"redis": {"secretId": " "}}""", "redis.secretId")]
    [InlineData("""{"backupId": "yesterday"}""", "backupId")]
    public async Task Backup_WhenAFieldHasABadValue_ShouldThrowInvalidInputExceptionNamingIt(string payload, string field)
    {
        // Arrange
        await using var kit = await RedisBackupKit.CreateAsync();

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => kit.InvokeAsync(kit.Backup(), payload));

        // Assert
        Assert.Equal(field, error.Field);
        Assert.Empty(await kit.AuditRecordsAsync());
    }

    [Fact]
    public async Task Backup_WhenTheRequestHasAnUnknownField_ShouldThrowMalformedInputExceptionNamingIt()
    {
        // Arrange
        await using var kit = await RedisBackupKit.CreateAsync();

        // Act
        var error = await Assert.ThrowsAsync<MalformedInputException>(() => kit.InvokeAsync(kit.Backup(), """{"redis": {"secretId": "s", "passwd": "x"}}"""));

        // Assert
        Assert.Contains("passwd", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "six-hourly")]
    [InlineData(6, "six-hourly")]
    [InlineData(7, "hourly")]
    [InlineData(12, "six-hourly")]
    [InlineData(17, "hourly")]
    [InlineData(18, "six-hourly")]
    [InlineData(23, "hourly")]
    public async Task Backup_WhenTheTierIsAuto_ShouldBeSixHourlyAtHours0_6_12_18AndHourlyOtherwise(int hour, string tier)
    {
        // Arrange
        var today = DateTimeOffset.UtcNow.Date;
        await using var kit = await RedisBackupKit.CreateAsync(new DateTimeOffset(today.AddHours(hour).AddMinutes(3), TimeSpan.Zero));

        // Act
        var result = await kit.InvokeAsync(kit.Backup(), "{}");
        var manifest = await kit.SingleManifestAsync();

        // Assert
        Assert.Equal(tier, result.GetProperty("retentionTier").GetString());
        Assert.Equal(tier, JsonSerializer.Serialize(manifest.RetentionTier, CatalogJsonContext.Default.RetentionTier).Trim('"'));
        Assert.Equal(manifest.StartedAt + RetentionPolicy.RetentionOf(manifest.RetentionTier), manifest.RetainUntil!.Value, TimeSpan.FromSeconds(1));
    }
}
