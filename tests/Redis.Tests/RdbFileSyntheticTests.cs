using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Redis.Dump;
using DisasterRecovery.Redis.Rdb;

namespace DisasterRecovery.Redis.Tests;

public sealed class RdbFileSyntheticTests
{
    [Fact]
    public async Task ReadEntriesAsync_WhenTheFileHasModuleData_ShouldSkipItByItsOpcodesAndKeepTheValueAsStored()
    {
        // Arrange: a module AUX record, then a key whose value is a module value with every sub-opcode.
        var file = new SyntheticRdb().Byte(247).Length(0x1234).Length(2).Length(1).Length(1).Length(7).Length(0);
        file.Byte(254).Length(2).Byte(7).String("module-key");
        var valueStart = file.Offset;
        file.Length(0xABCDEF).Length(1).Length(5).Length(2).Length(9).Length(3).Raw(new byte[4]).Length(4).Raw(new byte[8])
            .Length(5).String("module string").Length(0);
        var valueEnd = file.Offset;
        var bytes = file.Finish();

        // Act
        var entry = Assert.Single(await RdbFile.ReadEntriesAsync(new MemoryStream(bytes), CancellationToken.None).ToListAsync());

        // Assert
        Assert.Equal(2, entry.Database);
        Assert.Equal("module-key", Encoding.UTF8.GetString(entry.Key));
        var expected = DumpPayload.Create([7, .. bytes.AsSpan((int)valueStart, (int)(valueEnd - valueStart))], 11);
        Assert.Equal(expected, entry.DumpPayload.ToArray());
    }

    [Fact]
    public async Task VerifyAsync_WhenAModuleValueIsInThePreReleaseFormat_ShouldFailAtItsType()
    {
        // Arrange
        var file = new SyntheticRdb();
        var at = file.Offset;
        var bytes = file.Byte(6).String("old-module").Length(1).Finish();

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() => Verify(bytes));

        // Assert
        Assert.Equal(at, error.Offset);
    }

    [Fact]
    public async Task VerifyAsync_WhenTheFileHasRedis72Types_ShouldCountThem()
    {
        // Arrange: a set listpack (type 20) and a stream v3 (type 21) with a group, a pending entry and its consumer.
        var file = new SyntheticRdb().Byte(20).String("set").String(SyntheticRdb.Listpack("a", "b", 7));
        file.Byte(21).String("stream").Length(1).String(StreamIdBytes(5, 0))
            .String(SyntheticRdb.Listpack(1, 0, 1, "field", 0, 2, 0, 0, "value", 4))
            .Length(1).Length(5).Length(0).Length(5).Length(0).Length(0).Length(0).Length(1)
            .Length(1).String("group").Length(5).Length(0).Length(1)
            .Length(1).StreamId(5, 0).Int64(1_700_000_000_000).Length(1)
            .Length(1).String("consumer").Int64(1_700_000_000_000).Int64(1_700_000_000_001).Length(1).StreamId(5, 0);
        var bytes = file.Finish();

        // Act
        var summary = await Verify(bytes);

        // Assert
        Assert.Equal(2, summary.KeysPerDatabase[0]);
        Assert.True(summary.ChecksumVerified);
    }

    [Fact]
    public async Task VerifyAsync_WhenAConsumerOwnsAnEntryTheGroupDoesNotList_ShouldFailAtThatId()
    {
        // Arrange
        var file = new SyntheticRdb().Byte(19).String("stream").Length(1).String(StreamIdBytes(5, 0))
            .String(SyntheticRdb.Listpack(1, 0, 1, "field", 0, 2, 0, 0, "value", 4))
            .Length(1).Length(5).Length(0).Length(5).Length(0).Length(0).Length(0).Length(1)
            .Length(1).String("group").Length(5).Length(0).Length(1)
            .Length(0)
            .Length(1).String("consumer").Int64(1_700_000_000_000).Length(1);
        var at = file.Offset;
        var bytes = file.StreamId(5, 0).Finish();

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() => Verify(bytes));

        // Assert
        Assert.Equal(at, error.Offset);
        Assert.Contains("group's list", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_WhenAStreamsLengthDisagreesWithItsNodes_ShouldFailAtTheLength()
    {
        // Arrange: one live entry in the node, a length of 2.
        var file = new SyntheticRdb().Byte(19).String("stream").Length(1).String(StreamIdBytes(5, 0))
            .String(SyntheticRdb.Listpack(1, 0, 1, "field", 0, 2, 0, 0, "value", 4));
        var at = file.Offset;
        var bytes = file.Length(2).Length(5).Length(0).Length(5).Length(0).Length(0).Length(0).Length(1).Length(0).Finish();

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() => Verify(bytes));

        // Assert
        Assert.Equal(at, error.Offset);
        Assert.Contains("1 live entries", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_WhenCancelled_ShouldStop()
    {
        // Arrange
        var bytes = new SyntheticRdb().Byte(0).String("k").String("v").Finish();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        // Act
        var verify = RdbFile.VerifyAsync(new MemoryStream(bytes), DateTimeOffset.UtcNow, cancellation.Token);

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => verify);
    }

    [Fact]
    public async Task VerifyAsync_WhenAListpackBackLengthIsWrong_ShouldFailAtTheListpackNamingIt()
    {
        // Arrange
        var listpack = SyntheticRdb.Listpack("field", "value");
        listpack[6 + 6] = 9;
        var file = new SyntheticRdb().Byte(16).String("hash");
        var at = file.Offset;
        var bytes = file.String(listpack).Finish();

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() => Verify(bytes));

        // Assert
        Assert.Equal(at, error.Offset);
        Assert.Contains("back-length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_WhenAHashListpackHasAnOddCount_ShouldFail()
    {
        // Arrange
        var bytes = new SyntheticRdb().Byte(16).String("hash").String(SyntheticRdb.Listpack("field", "value", "orphan")).Finish();

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() => Verify(bytes));

        // Assert
        Assert.Contains("even number", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadEntriesAsync_WhenTheExpiryIsInSeconds_ShouldGiveItInMilliseconds()
    {
        // Arrange: the opcode older servers wrote (253, a 32-bit count of seconds).
        var bytes = new SyntheticRdb(2).Byte(253).Raw(BitConverter.GetBytes(1_900_000_000)).Byte(0).String("k").String("v").Finish();

        // Act
        var entry = Assert.Single(await RdbFile.ReadEntriesAsync(new MemoryStream(bytes[..^8]), CancellationToken.None).ToListAsync());

        // Assert: versions before 5 have no checksum, so the test drops the eight bytes Finish added.
        Assert.Equal(1_900_000_000_000, entry.ExpireAtUnixMs);
    }

    [Fact]
    public async Task VerifyAsync_WhenTheChecksumIsZero_ShouldSucceedWithoutClaimingAVerifiedChecksum()
    {
        // Arrange: what a server with `rdbchecksum no` writes.
        var bytes = new SyntheticRdb().Byte(0).String("k").String("v").Finish(checksum: false);

        // Act
        var summary = await Verify(bytes);

        // Assert
        Assert.False(summary.ChecksumVerified);
        Assert.Equal(1, summary.KeysPerDatabase[0]);
    }

    [Fact]
    public async Task VerifyAsync_WhenAFunctionIsInThePreReleaseFormat_ShouldFailAtItsOpcode()
    {
        // Arrange
        var file = new SyntheticRdb();
        var at = file.Offset;
        var bytes = file.Byte(246).String("name").String("LUA").Finish();

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() => Verify(bytes));

        // Assert
        Assert.Equal(at, error.Offset);
    }

    [Fact]
    public async Task VerifyAsync_WhenAnLzfStringDecompressesShort_ShouldFailAtItsData()
    {
        // Arrange: a literal run of 3 bytes declared as 10 bytes long.
        var file = new SyntheticRdb().Byte(0).String("k").Byte(0xC3).Length(4).Length(10);
        var at = file.Offset;
        var bytes = file.Raw([2, (byte)'a', (byte)'b', (byte)'c']).Finish();

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() => Verify(bytes));

        // Assert
        Assert.Equal(at, error.Offset);
        Assert.Contains("not the declared 10", error.Message, StringComparison.Ordinal);
    }

    private static Task<RdbSummary> Verify(byte[] bytes) =>
        RdbFile.VerifyAsync(new MemoryStream(bytes), DateTimeOffset.UtcNow, CancellationToken.None);

    private static byte[] StreamIdBytes(ulong milliseconds, ulong sequence)
    {
        var id = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(id, milliseconds);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(id.AsSpan(8), sequence);
        return id;
    }
}
