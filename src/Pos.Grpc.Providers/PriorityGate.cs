namespace Pos.Grpc.Providers;

/// <summary>
/// A one-at-a-time gate whose waiters enter in <see cref="RequestPriority"/> order (first come first within a
/// priority). A provider's pacer puts its request starts through it, so when the account's budget is scarce the
/// night's requests go before a historical import's, and both before a supervisor's listing.
/// </summary>
public sealed class PriorityGate
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<TaskCompletionSource, (RequestPriority Priority, long Order)> _waiting = new();
    private long _order;
    private bool _held;

    /// <summary>Waiters right now, for tests and diagnostics.</summary>
    public int Waiting
    {
        get { lock (_lock) return _waiting.Count; }
    }

    /// <summary>Enters the gate; dispose the result to leave it.</summary>
    public async Task<Releaser> EnterAsync(RequestPriority priority, CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return new Releaser(this, Queued: false);
            }
            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(turn, (priority, _order++));
        }
        // A cancelled waiter stays queued until Release skips it: cheaper than removing it from the heap.
        await using (cancellationToken.Register(() => turn.TrySetCanceled(cancellationToken)))
            await turn.Task;
        return new Releaser(this, Queued: true);
    }

    private void Release()
    {
        lock (_lock)
        {
            while (_waiting.TryDequeue(out var next, out _))
                if (next.TrySetResult()) return;
            _held = false;
        }
    }

    /// <param name="Queued">Whether the caller had to wait for others before entering.</param>
    public readonly record struct Releaser(PriorityGate Gate, bool Queued) : IDisposable
    {
        public void Dispose() => Gate.Release();
    }
}
