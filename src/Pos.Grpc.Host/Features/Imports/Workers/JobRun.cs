namespace Pos.Grpc.Host.Features.Imports.Workers;

/// <summary>
/// One instance's run of one job: why it should stop, and the tokens that stop it.
/// Cancellation and shutdown stop the run between department-days; only a lost lease (or a shutdown whose
/// grace ran out) interrupts the department-day in progress, which then stays pending for whoever resumes.
/// </summary>
internal sealed class JobRun : IDisposable
{
    private readonly CancellationTokenSource _work = new();
    private readonly CancellationTokenSource _betweenUnits;
    private readonly CancellationTokenSource _keeper = new();
    private readonly CancellationTokenRegistration _grace;
    private volatile bool _leaseLost;
    private volatile bool _cancelSeen;

    public JobRun(Guid jobId, CancellationToken stopping, TimeSpan shutdownGrace)
    {
        JobId = jobId;
        Stopping = stopping;
        _betweenUnits = CancellationTokenSource.CreateLinkedTokenSource(stopping, _work.Token);
        _grace = stopping.Register(() => _work.CancelAfter(shutdownGrace));
    }

    public Guid JobId { get; }

    /// <summary>The host is shutting down: no further department-day starts.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Interrupts the department-day in progress.</summary>
    public CancellationToken Work => _work.Token;

    /// <summary>For waits between attempts and department-days, which shutdown ends at once.</summary>
    public CancellationToken BetweenUnits => _betweenUnits.Token;

    public CancellationToken Keeper => _keeper.Token;

    public bool LeaseLost => _leaseLost;

    public bool ShouldStop => _leaseLost || _cancelSeen || Stopping.IsCancellationRequested;

    public void MarkLeaseLost()
    {
        _leaseLost = true;
        _work.Cancel();
    }

    public void MarkCancelSeen() => _cancelSeen = true;

    public void StopKeeper() => _keeper.Cancel();

    public void Dispose()
    {
        _grace.Dispose();
        _betweenUnits.Dispose();
        _work.Dispose();
        _keeper.Dispose();
    }
}
