using System.Text;
using DisasterRecovery.Zstd;

namespace DisasterRecovery.Postgres.Tests;

/// <summary>The libzstd decoder the restore reads segments through (no server needed).</summary>
public sealed class ZstdReadStreamTests
{
    private static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 700_000).Select(i
        => $"{i}\trow {i % 97}\t{{\"k\": {i}}}\n")));

    [Fact]
    public void Open_WhenLibzstdIsInstalled_ShouldUseIt()
    {
        Assert.True(NativeZstd.Default is not null, "libzstd.so.1 must be loadable here (Debian's libzstd1), or these tests exercise the managed decoder");
        using var stream = ZstdReadStream.Open(new MemoryStream(Compress(Text)));

        Assert.IsNotType<ZstdSharp.DecompressionStream>(stream);
    }

    [Fact]
    public async Task ReadAsync_WhenSeveralFramesAreReadInOddSizes_ShouldGiveBackTheTextExactly()
    {
        var stored = Compress(Text);
        await using var stream = ZstdReadStream.Open(new MemoryStream(stored), bufferSize: 1000);
        using var output = new MemoryStream();
        var buffer = new byte[7919];
        while (true)
        {
            var size = 1 + (int)(output.Length % buffer.Length);
            var read = await stream.ReadAsync(buffer.AsMemory(0, size));
            if (read == 0)
            {
                break;
            }

            output.Write(buffer, 0, read);
        }

        Assert.Equal(Text, output.ToArray());
    }

    [Fact]
    public void Read_WhenCopiedSynchronously_ShouldGiveBackTheTextExactly()
    {
        using var stream = ZstdReadStream.Open(new MemoryStream(Compress(Text)));
        using var output = new MemoryStream();
        stream.CopyTo(output);

        Assert.Equal(Text, output.ToArray());
    }

    [Fact]
    public void Read_WhenTheInputEndsInsideAFrame_ShouldSayItIsTruncated()
    {
        var stored = Compress(Text);
        using var stream = ZstdReadStream.Open(new MemoryStream(stored[..(stored.Length - 100)]));

        var error = Assert.Throws<InvalidDataException>(() => stream.CopyTo(Stream.Null));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Read_WhenAByteOfAFrameIsChanged_ShouldThrowInsteadOfReturningOtherText()
    {
        var stored = Compress(Text);
        stored[stored.Length / 2] ^= 0x40;
        using var stream = ZstdReadStream.Open(new MemoryStream(stored));

        Assert.Throws<InvalidDataException>(() => stream.CopyTo(Stream.Null));
    }

    [Fact]
    public void Read_WhenTheInputIsEmpty_ShouldReturnNothing()
    {
        using var stream = ZstdReadStream.Open(new MemoryStream([]));

        Assert.Equal(0, stream.Read(new byte[16], 0, 16));
    }

    [Fact]
    public void Open_WhenLibzstdCannotBeLoaded_ShouldFallBackToTheManagedDecoderAndGiveTheSameText()
    {
        var missing = NativeZstd.TryLoad("libzstd-not-installed.so.1");
        using var stream = ZstdReadStream.Open(new MemoryStream(Compress(Text)), missing);
        using var output = new MemoryStream();
        stream.CopyTo(output);

        Assert.Null(missing);
        Assert.IsType<ZstdSharp.DecompressionStream>(stream);
        Assert.Equal(Text, output.ToArray());
    }

    [Fact]
    public void FrameEncoder_WhenLibzstdCannotBeLoaded_ShouldWriteFramesLibzstdReadsBack()
    {
        using var encoder = new FrameEncoder(1, NativeZstd.TryLoad("libzstd-not-installed.so.1"));
        encoder.Write(Text);
        using var segment = encoder.TakeSegment(out var raw);
        var stored = segment.Blocks().SelectMany(b => b.ToArray()).ToArray();
        using var stream = ZstdReadStream.Open(new MemoryStream(stored), NativeZstd.Default);
        using var output = new MemoryStream();
        stream.CopyTo(output);

        Assert.Equal(Text.Length, raw);
        Assert.Equal(Text, output.ToArray());
    }

    [Fact]
    public void TryLoad_WhenAnExportIsMissing_ShouldGiveNullSoTheCallerFallsBack()
    {
        // libpq loads but has no ZSTD_* exports: the loader must say "cannot use", not throw.
        Assert.Null(NativeZstd.TryLoad("libpq.so.5"));
    }

    /// <summary>Several 4 MiB frames, as the dump writes them.</summary>
    private static byte[] Compress(byte[] text)
    {
        using var encoder = new FrameEncoder(1);
        encoder.Write(text);
        using var segment = encoder.TakeSegment(out _);
        var stored = segment.Blocks().SelectMany(b => b.ToArray()).ToArray();
        Assert.True(text.Length > 2 * FrameEncoder.BlockSize, "the sample must span several frames");
        return stored;
    }
}
