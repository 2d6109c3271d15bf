namespace DisasterRecovery.Core;

/// <summary>Turns the cancellation that fires before an invocation's deadline into a named error.</summary>
public static class DeadlineExceeded
{
    /// <summary>
    /// Runs <paramref name="operation"/>; an <see cref="OperationCanceledException"/> caused by
    /// <paramref name="cancellationToken"/> becomes <see cref="DeadlineExceededException"/>.
    /// </summary>
    public static async Task<T> MapAsync<T>(Func<Task<T>> operation, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new DeadlineExceededException($"{what} was stopped before the invocation's deadline; nothing was committed", e);
        }
    }
}
