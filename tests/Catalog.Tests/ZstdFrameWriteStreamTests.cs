using System.Text;
using DisasterRecovery.Zstd;
using ZstdSharp;

namespace DisasterRecovery.Catalog.Tests;

/// <summary>The compressor every zstd catalog object is written through (no server needed).</summary>
public sealed class ZstdFrameWriteStreamTests
{
    /// <summary>About 2.6 blocks of compressible text, so there are whole frames and a short last one.</summary>
    private static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 600_000).Select(i
        => $"{i}\tkey:{i % 977}\t{{\"v\": {i * 7}}}\n")));

    public static TheoryData<bool> Implementations() => [true, false];

    [Theory]
    [MemberData(nameof(Implementations))]
    public async Task DisposeAsync_WhenTextWasWrittenInOddSizes_ShouldLeaveFramesThatEveryDecoderReadsBackExactly(bool native)
    {
        // Arrange
        Assert.True(NativeZstd.Default is not null, "libzstd.so.1 must be loadable here (Debian's libzstd1)");
        var zstd = native ? NativeZstd.Default : NativeZstd.TryLoad("libzstd-not-installed.so.1");
        using var stored = new MemoryStream();

        // Act
        await using (var stream = new ZstdFrameWriteStream(stored, 3, zstd, leaveOpen: true))
        {
            for (var offset = 0; offset < Text.Length; offset += 1_000_003)
            {
                await stream.WriteAsync(Text.AsMemory(offset, Math.Min(1_000_003, Text.Length - offset)));
            }
        }

        // Assert: both decoders give the text back; the frames are independent (one per block).
        Assert.True(Text.Length > 2 * ZstdFrameWriteStream.BlockSize);
        Assert.InRange(stored.Length, 1, Text.Length / 3);
        Assert.Equal(Text, await ReadAllAsync(ZstdReadStream.Open(new MemoryStream(stored.ToArray()))));
        Assert.Equal(Text, await ReadAllAsync(new DecompressionStream(new MemoryStream(stored.ToArray()))));
        Assert.Equal((Text.Length + ZstdFrameWriteStream.BlockSize - 1) / ZstdFrameWriteStream.BlockSize, CountFrames(stored.ToArray()));
    }

    [Fact]
    public async Task DisposeAsync_WhenNothingWasWritten_ShouldWriteNothing()
    {
        // Arrange
        using var stored = new MemoryStream();

        // Act
        await using (new ZstdFrameWriteStream(stored, 3, leaveOpen: true))
        {
        }

        // Assert
        Assert.Equal(0, stored.Length);
    }

    [Fact]
    public async Task WriteAsync_WhenTheDestinationFails_ShouldSurfaceItsErrorAndNotHang()
    {
        // Arrange
        var stream = new ZstdFrameWriteStream(new FailingStream(), 3);

        // Act: more blocks than the queue holds, so the writer must learn that the compressor stopped.
        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            try
            {
                for (var i = 0; i < 8; i++)
                {
                    await stream.WriteAsync(Text.AsMemory(0, ZstdFrameWriteStream.BlockSize));
                }
            }
            finally
            {
                await stream.DisposeAsync();
            }
        });

        // Assert
        Assert.Equal("the destination refused the frame", error.Message);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var output = new MemoryStream();
            await stream.CopyToAsync(output);
            return output.ToArray();
        }
    }

    /// <summary>Frames, as libzstd's streaming decoder reports their ends.</summary>
    private static int CountFrames(byte[] stored)
    {
        var zstd = NativeZstd.Default!;
        var context = zstd.CreateDecompressionContext();
        try
        {
            var output = new byte[1 << 20];
            var (frames, offset) = (0, 0);
            while (offset < stored.Length)
            {
                var (consumed, _, hint) = zstd.Decompress(context, stored.AsSpan(offset), output);
                offset += consumed;
                frames += hint == 0 ? 1 : 0;
            }

            return frames;
        }
        finally
        {
            zstd.FreeDecompressionContext(context);
        }
    }

    private sealed class FailingStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new IOException("the destination refused the frame");
    }
}
