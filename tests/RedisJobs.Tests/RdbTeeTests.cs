namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>The tee between the transfer, the catalog object and the inspector, over streams in memory.</summary>
public sealed class RdbTeeTests
{
    [Fact]
    public async Task Copy_WhenTheRdbIsLargerThanThePipesPause_ShouldGiveBothSidesEveryByte()
    {
        // Arrange: three times the pause threshold, so the copy must wait for the inspector.
        var rdb = new byte[3 * RdbTee.PauseBytes + 17];
        new Random(13).NextBytes(rdb);
        "REDIS0010"u8.CopyTo(rdb);
        var inspector = new ByteCountingInspector();
        using var destination = new MemoryStream();

        // Act
        var (inspection, bytes) = await RdbTee.CopyAsync(new MemoryStream(rdb), destination, inspector, DateTimeOffset.UtcNow, CancellationToken.None);

        // Assert
        Assert.Equal(rdb.Length, bytes);
        Assert.Equal(rdb.Length, inspector.Bytes);
        Assert.Equal(rdb, destination.ToArray());
        Assert.Equal(10, inspection.RdbVersion);
    }

    [Fact]
    public async Task Copy_WhenTheInspectorFails_ShouldThrowItsError()
    {
        // Arrange
        var rdb = new byte[2 * RdbTee.PauseBytes];
        "REDIS0010"u8.CopyTo(rdb);

        // Act
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => RdbTee.CopyAsync(
            new MemoryStream(rdb), Stream.Null, new ByteCountingInspector(failAfterBytes: 100_000), DateTimeOffset.UtcNow, CancellationToken.None));

        // Assert
        Assert.Contains("offset 100000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_WhenTheInspectorReturnsBeforeTheEnd_ShouldThrowRatherThanCommitUncheckedBytes()
    {
        // Arrange
        var rdb = new byte[2 * RdbTee.PauseBytes];

        // Act
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RdbTee.CopyAsync(
            new MemoryStream(rdb), Stream.Null, new HeaderOnlyInspector(), DateTimeOffset.UtcNow, CancellationToken.None));

        // Assert
        Assert.Contains("before the end", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A STAND-IN for a faulty inspector: it reads 9 bytes and returns.</summary>
    private sealed class HeaderOnlyInspector : IRdbInspector
    {
        public async Task<RdbInspection> InspectAsync(Stream rdb, DateTimeOffset now, CancellationToken cancellationToken)
        {
            await rdb.ReadExactlyAsync(new byte[9], cancellationToken);
            return new RdbInspection(10, null, 0, 0, false);
        }
    }
}
