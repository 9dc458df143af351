namespace Pos.Grpc.Providers;

/// <summary>
/// A gate with a fixed number of places whose waiters enter in <see cref="RequestPriority"/> order, then by rank (the
/// lowest first), then first come first. A provider's pacer puts its request starts through a one-place gate, so when
/// the account's budget is scarce the night's requests go before a historical import's, and both before a
/// supervisor's listing; the engine puts every page it reads through one with many places (the instance's reads at
/// once), ranked by the work each read has left.
/// </summary>
public sealed class PriorityGate(int places = 1)
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<TaskCompletionSource, (RequestPriority Priority, long Rank, long Order)> _waiting = new();
    private long _order;
    private int _inside;

    /// <summary>The number of places.</summary>
    public int Places { get; } = places >= 1 ? places : throw new ArgumentOutOfRangeException(nameof(places), "A gate has at least one place.");

    /// <summary>Waiters right now, for tests and diagnostics.</summary>
    public int Waiting
    {
        get { lock (_lock) return _waiting.Count; }
    }

    /// <summary>Enters the gate; dispose the result to leave it.</summary>
    public Task<Releaser> EnterAsync(RequestPriority priority, CancellationToken cancellationToken) =>
        EnterAsync(priority, rank: 0, cancellationToken);

    /// <summary>Enters the gate, before the waiters of the same priority with a higher rank; dispose the result to leave it.</summary>
    public async Task<Releaser> EnterAsync(RequestPriority priority, long rank, CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        lock (_lock)
        {
            if (_inside < Places)
            {
                _inside++;
                return new Releaser(this, Queued: false);
            }
            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(turn, (priority, rank, _order++));
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
            // The place passes to the next live waiter; with none, it is free again.
            while (_waiting.TryDequeue(out var next, out _))
                if (next.TrySetResult()) return;
            _inside--;
        }
    }

    /// <param name="Queued">Whether the caller had to wait for others before entering.</param>
    public readonly record struct Releaser(PriorityGate Gate, bool Queued) : IDisposable
    {
        public void Dispose() => Gate?.Release();
    }
}
