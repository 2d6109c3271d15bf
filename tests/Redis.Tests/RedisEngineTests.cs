namespace DisasterRecovery.Redis.Tests;

public sealed class RedisEngineTests
{
    [Fact]
    public void NewestRdbVersion_WhenRead_ShouldBeTheVersionRedis7Writes() => Assert.Equal(11, RedisEngine.NewestRdbVersion);
}
