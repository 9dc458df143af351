namespace Pos.Grpc.Host.Engine.Reading;

/// <summary>
/// Runs a run's reads, at most as many at once as <paramref name="allowed"/> says (asked again whenever one ends or
/// another is queued, since an account's allowance is learnt from its answers). Reads may queue more reads while
/// they run (a split); once the first reads are all queued (<see cref="Seal"/>), <see cref="Completion"/> ends when
/// every queued read has ended.
/// </summary>
internal sealed class ParallelReads(Func<int> allowed)
{
    private readonly Lock _lock = new();
    private readonly Queue<(DayBook.Cover Cover, Func<DayBook.Cover, Task> Read)> _queue = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private bool _sealed;

    public Task Completion => _completion.Task;

    /// <summary>Reads queued or running now.</summary>
    public int Pending
    {
        get { lock (_lock) return _queue.Count + _running; }
    }

    public void Enqueue(DayBook.Cover cover, Func<DayBook.Cover, Task> read)
    {
        lock (_lock) _queue.Enqueue((cover, read));
        Pump();
    }

    /// <summary>Every read not started by another read is queued.</summary>
    public void Seal()
    {
        lock (_lock) _sealed = true;
        Pump();
    }

    private void Pump()
    {
        var start = new List<(DayBook.Cover Cover, Func<DayBook.Cover, Task> Read)>();
        lock (_lock)
        {
            var limit = allowed();
            while (_queue.Count > 0 && _running < limit)
            {
                start.Add(_queue.Dequeue());
                _running++;
            }
            if (_sealed && _queue.Count == 0 && _running == 0) _completion.TrySetResult();
        }
        foreach (var (cover, read) in start) _ = RunAsync(cover, read);
    }

    private async Task RunAsync(DayBook.Cover cover, Func<DayBook.Cover, Task> read)
    {
        try
        {
            await Task.Yield();
            await read(cover);
        }
        catch (Exception ex)
        {
            // A read handles its own failures; anything else ends the run with it.
            _completion.TrySetException(ex);
        }
        finally
        {
            lock (_lock) _running--;
            Pump();
        }
    }
}
