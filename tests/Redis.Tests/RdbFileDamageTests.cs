using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Redis.Rdb;

namespace DisasterRecovery.Redis.Tests;

public sealed class RdbFileDamageTests(FullDataset dataset) : IClassFixture<FullDataset>
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.0001)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(1.0)]
    public async Task VerifyAsync_WhenAStreamEndsEarly_ShouldFailNamingWhereItEnds(double fraction)
    {
        // Arrange: cut anywhere from the header to the last byte of the checksum; a stream of unknown length.
        var bytes = File.ReadAllBytes(dataset.RdbPath);
        var cut = Math.Clamp((int)(bytes.Length * fraction), 3, bytes.Length - 1);

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() =>
            RdbFile.VerifyAsync(new TrickleStream(new MemoryStream(bytes, 0, cut)), DateTimeOffset.UtcNow, CancellationToken.None));

        // Assert
        Assert.Equal(cut, error.Offset);
        Assert.Contains("the end of the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_WhenATruncatedFileCutsAString_ShouldFailAtTheStringWhoseLengthPassesTheEnd()
    {
        // Arrange: a file of known length cut inside the 1 MB string's compressed data.
        var bytes = File.ReadAllBytes(dataset.RdbPath);
        var key = Encoding.ASCII.GetBytes("string:large");
        var stringAt = bytes.AsSpan().IndexOf(key) + key.Length;
        var cut = stringAt + 100;

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() =>
            RdbFile.VerifyAsync(new MemoryStream(bytes, 0, cut), DateTimeOffset.UtcNow, CancellationToken.None));

        // Assert: the value's string starts with its encoding byte (0xC3, LZF), then the compressed length.
        Assert.Equal(stringAt + 1, error.Offset);
        Assert.Contains("left in the file", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadEntriesAsync_WhenTheFileIsTruncated_ShouldFailNamingWhereItEnds()
    {
        // Arrange
        var bytes = File.ReadAllBytes(dataset.RdbPath);
        var cut = bytes.Length * 2 / 3;

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(async () =>
        {
            await foreach (var _ in RdbFile.ReadEntriesAsync(new TrickleStream(new MemoryStream(bytes, 0, cut)), CancellationToken.None))
            {
            }
        });

        // Assert
        Assert.Equal(cut, error.Offset);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.6)]
    [InlineData(0.95)]
    public async Task VerifyAsync_WhenOneBitIsFlipped_ShouldFailNamingAnOffset(double fraction)
    {
        // Arrange
        var bytes = File.ReadAllBytes(dataset.RdbPath);
        var at = (int)(bytes.Length * fraction);
        bytes[at] ^= 0x10;

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() =>
            RdbFile.VerifyAsync(new MemoryStream(bytes), DateTimeOffset.UtcNow, CancellationToken.None));

        // Assert: a structure that no longer parses fails at or after the flip; else the checksum does, at its offset.
        Assert.InRange(error.Offset, 0, bytes.Length);
        Assert.Contains($"RDB offset {error.Offset}: expected ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_WhenAValueByteIsFlipped_ShouldFailAtTheChecksum()
    {
        // Arrange: a byte inside a plain string value ("expires") only changes the content; the CRC-64 catches it.
        var bytes = File.ReadAllBytes(dataset.RdbPath);
        var key = Encoding.ASCII.GetBytes("string:ttl");
        var at = bytes.AsSpan().IndexOf(key) + key.Length + 3;
        bytes[at] ^= 0x01;

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() =>
            RdbFile.VerifyAsync(new MemoryStream(bytes), DateTimeOffset.UtcNow, CancellationToken.None));

        // Assert
        Assert.Equal(bytes.Length - 8, error.Offset);
        Assert.Contains("CRC-64", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_WhenTheVersionIs99_ShouldFailAtTheVersion()
    {
        // Arrange
        var bytes = File.ReadAllBytes(dataset.RdbPath);
        Encoding.ASCII.GetBytes("0099").CopyTo(bytes, 5);

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() =>
            RdbFile.VerifyAsync(new MemoryStream(bytes), DateTimeOffset.UtcNow, CancellationToken.None));

        // Assert
        Assert.Equal(5, error.Offset);
        Assert.Equal($"an RDB version from 1 to {RedisEngine.NewestRdbVersion}", error.Expected);
        Assert.EndsWith("found 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_WhenBytesFollowTheChecksum_ShouldFailAtTheFirstOfThem()
    {
        // Arrange
        var original = File.ReadAllBytes(dataset.RdbPath);
        var bytes = original.Concat(new byte[] { 0x2a }).ToArray();

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() =>
            RdbFile.VerifyAsync(new MemoryStream(bytes), DateTimeOffset.UtcNow, CancellationToken.None));

        // Assert
        Assert.Equal(original.Length, error.Offset);
    }

    [Fact]
    public async Task VerifyAsync_WhenTheMagicIsWrong_ShouldFailAtOffsetZero()
    {
        // Arrange
        var bytes = File.ReadAllBytes(dataset.RdbPath);
        bytes[0] = (byte)'X';

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() =>
            RdbFile.VerifyAsync(new MemoryStream(bytes), DateTimeOffset.UtcNow, CancellationToken.None));

        // Assert
        Assert.Equal(0, error.Offset);
    }
}
