using Pos.Grpc.Host.Features.Imports.Engine;

namespace Pos.Grpc.Host.Features.Imports.Workers;

/// <summary>
/// The next department-day of a lane, fetched while the current one is being written, so the POS and the
/// database work side by side instead of taking turns. It holds at most one day: a lane still fetches one day
/// at a time (the read-ahead starts only once the current day's fetch has succeeded), and memory stays flat.
/// A read-ahead the lane does not use (its department gave up, the run stopped) is cancelled and awaited,
/// never left running; its day was only fetched, not written, so nothing is lost.
/// </summary>
internal sealed class DayReadAhead(IDepartmentDayImporter importer, CancellationToken work) : IAsyncDisposable
{
    private DepartmentDayWork? _day;
    private Task<PreparedDay>? _preparing;
    private CancellationTokenSource? _cancel;

    /// <summary>Starts fetching <paramref name="day"/>, unless it is already being fetched.</summary>
    public void Start(DepartmentDayWork day)
    {
        if (_day == day) return;
        if (_preparing is not null) throw new InvalidOperationException("The lane's read-ahead is still in use.");
        _cancel?.Dispose(); // the previous read-ahead's, taken and awaited by now
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(work);
        _day = day;
        _preparing = importer.PrepareAsync(day, _cancel.Token);
    }

    /// <summary>The fetch of <paramref name="day"/> if it was read ahead (its failure surfaces when awaited); otherwise null, and any other read-ahead is discarded.</summary>
    public async Task<Task<PreparedDay>?> TakeAsync(DepartmentDayWork day)
    {
        if (_preparing is null) return null;
        if (_day != day)
        {
            await DiscardAsync();
            return null;
        }
        var preparing = _preparing;
        _preparing = null;
        _day = null;
        // The token source outlives this call: the caller awaits the fetch, and the next Start or Discard disposes it.
        return preparing;
    }

    public ValueTask DisposeAsync() => new(DiscardAsync());

    private async Task DiscardAsync()
    {
        var preparing = _preparing;
        _preparing = null;
        _day = null;
        try
        {
            if (preparing is null) return;
            await _cancel!.CancelAsync();
            await preparing;
        }
        catch (Exception)
        {
            // Cancelled or failed: the day was never written, and its own turn fetches it again.
        }
        finally
        {
            _cancel?.Dispose();
            _cancel = null;
        }
    }
}
