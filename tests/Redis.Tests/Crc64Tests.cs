using DisasterRecovery.Redis.Dump;

namespace DisasterRecovery.Redis.Tests;

public sealed class Crc64Tests
{
    [Fact]
    public void Update_WhenGivenTheCheckString_ShouldGiveRedisCheckValue()
    {
        // Arrange: the check value Redis' own crc64 test expects for "123456789".
        var data = "123456789"u8.ToArray();

        // Act
        var crc = Crc64.Update(0, data);

        // Assert
        Assert.Equal(0xe9c6d914c4b8d9caUL, crc);
    }

    [Fact]
    public void Update_WhenSplitAcrossCalls_ShouldEqualOneCall()
    {
        // Arrange
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 31)).ToArray();

        // Act
        var split = Crc64.Update(Crc64.Update(0, data.AsSpan(0, 13)), data.AsSpan(13));

        // Assert
        Assert.Equal(Crc64.Update(0, data), split);
    }
}
