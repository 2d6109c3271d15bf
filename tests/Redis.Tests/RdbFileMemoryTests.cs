using DisasterRecovery.Redis.Rdb;

namespace DisasterRecovery.Redis.Tests;

[Collection(nameof(RdbFileMemoryTests))]
public sealed class RdbFileMemoryTests
{
    private const long LargeValue = 100L << 20;

    [Fact]
    public async Task VerifyAsync_WhenAValueIs100MB_ShouldAllocateAFewMegabytesAtMost()
    {
        // Arrange
        var rdb = LargeStringFile();
        var before = GC.GetTotalAllocatedBytes(precise: true);

        // Act
        var summary = await RdbFile.VerifyAsync(rdb, DateTimeOffset.UtcNow, CancellationToken.None);

        // Assert
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(1, summary.KeysPerDatabase[0]);
        Assert.InRange(allocated, 0, 4L << 20);
    }

    [Fact]
    public async Task ReadEntriesAsync_WhenAValueIs100MB_ShouldHoldItOnceWithoutCopying()
    {
        // Arrange
        var rdb = LargeStringFile();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        long payloadLength = 0;

        // Act
        await foreach (var entry in RdbFile.ReadEntriesAsync(rdb, CancellationToken.None))
        {
            payloadLength = entry.DumpPayload.Length;
        }

        // Assert: the payload's array (value, length prefix, type and trailer) and a few buffers, not two arrays.
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(LargeValue + 1 + 5 + 10, payloadLength);
        Assert.InRange(allocated, LargeValue, LargeValue + (4L << 20));
    }

    private static GeneratedRdbStream LargeStringFile()
    {
        var prefix = new SyntheticRdb().Byte(0).String("large").Length(LargeValue);
        return new GeneratedRdbStream(prefix.ToArray(), LargeValue);
    }
}
