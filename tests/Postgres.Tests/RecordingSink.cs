namespace DisasterRecovery.Postgres.Tests;

/// <summary>A sink in memory that records how it ended; optionally holds a write until released.</summary>
internal sealed class RecordingSink(int holdWriteNumber = 0) : IDumpSink
{
    private readonly MemoryStream _data = new();
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _writes;

    public bool Completed { get; private set; }

    public bool Aborted { get; private set; }

    public Exception? AbortReason { get; private set; }

    public byte[] Data => _data.ToArray();

    /// <summary>Completes when the held write is reached.</summary>
    public Task Held => _held.Task;

    public void Release() => _release.TrySetResult();

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _writes) == holdWriteNumber)
        {
            _held.TrySetResult();
            await _release.Task.WaitAsync(TimeSpan.FromMinutes(2), CancellationToken.None);
        }

        lock (_data)
        {
            _data.Write(data.Span);
        }
    }

    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        Completed = true;
        return Task.CompletedTask;
    }

    public Task AbortAsync(Exception reason)
    {
        Aborted = true;
        AbortReason = reason;
        return Task.CompletedTask;
    }
}
