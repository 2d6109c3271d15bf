using System.Security.Cryptography;

namespace DisasterRecovery.Postgres;

/// <summary>
/// The one writer of the dump object. Segments arrive whole (a worker's compressed chunk) and are
/// appended one at a time in arrival order; the appender records each one's offset and SHA-256 and
/// hashes the whole object as it goes. Table data waits until pre-data is in, so the object always
/// starts with the DDL its COPY statements need.
/// </summary>
internal sealed class DumpAppender(IDumpSink sink) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TaskCompletionSource _preDataWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IncrementalHash _objectHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<DumpSegment> _segments = [];

    public long StoredLength { get; private set; }

    public long RawLength { get; private set; }

    public IReadOnlyList<DumpSegment> Segments => _segments;

    /// <summary>Opens the gate for table data once pre-data is written (or fails it, so waiting workers stop).</summary>
    public void PreDataDone(Exception? failure = null)
    {
        if (failure is null)
        {
            _preDataWritten.TrySetResult();
        }
        else
        {
            _preDataWritten.TrySetException(failure);
        }
    }

    /// <summary>Appends one segment; the buffer is released afterwards.</summary>
    public async Task AppendAsync(DumpSegmentKind kind, string? table, long? rows, SegmentBuffer buffer, long rawLength, CancellationToken cancellationToken)
    {
        if (kind == DumpSegmentKind.TableData)
        {
            await _preDataWritten.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var block in buffer.Blocks())
            {
                sha.AppendData(block.Span);
                _objectHash.AppendData(block.Span);
                await sink.WriteAsync(block, cancellationToken).ConfigureAwait(false);
            }

            _segments.Add(new DumpSegment
            {
                Kind = kind,
                Table = table,
                Offset = StoredLength,
                StoredLength = buffer.Length,
                RawLength = rawLength,
                Sha256 = Convert.ToHexStringLower(sha.GetHashAndReset()),
                Rows = rows,
            });
            StoredLength += buffer.Length;
            RawLength += rawLength;
        }
        finally
        {
            _lock.Release();
            buffer.Dispose();
        }
    }

    /// <summary>
    /// Appends a segment produced as a stream (a pg_dump section): frames are written as they are made,
    /// holding the writer for the whole segment.
    /// </summary>
    public async Task AppendStreamAsync(DumpSegmentKind kind, Stream text, FrameEncoder encoder, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var offset = StoredLength;
            long stored = 0;
            long raw = 0;
            var buffer = new byte[1 << 16];
            int read;
            while (true)
            {
                read = await text.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read > 0)
                {
                    encoder.Write(buffer.AsSpan(0, read));
                }

                // Write out whole frames as they fill (and everything at the end), so a big section never piles up.
                if (read == 0 || encoder.StoredLength >= FrameEncoder.BlockSize)
                {
                    using var frames = encoder.TakeSegment(out var rawPart);
                    raw += rawPart;
                    foreach (var block in frames.Blocks())
                    {
                        sha.AppendData(block.Span);
                        _objectHash.AppendData(block.Span);
                        await sink.WriteAsync(block, cancellationToken).ConfigureAwait(false);
                    }

                    stored += frames.Length;
                }

                if (read == 0)
                {
                    break;
                }
            }

            _segments.Add(new DumpSegment
            {
                Kind = kind,
                Offset = offset,
                StoredLength = stored,
                RawLength = raw,
                Sha256 = Convert.ToHexStringLower(sha.GetHashAndReset()),
            });
            StoredLength += stored;
            RawLength += raw;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>SHA-256 of everything appended.</summary>
    public string ObjectSha256() => Convert.ToHexStringLower(_objectHash.GetHashAndReset());

    public void Dispose()
    {
        _lock.Dispose();
        _objectHash.Dispose();
    }
}
