using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Progress;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Engine.Lanes;

/// <summary>
/// Runs this instance's lanes: claims POS accounts with due work (as many as there are, a batch at a time, so several
/// instances share them), runs each as an <see cref="AccountLane"/> on asynchronous I/O, renews all their leases in one
/// statement, and gives a lane back when its work is done. An idle instance wakes on a "work queued" notification
/// from any instance, or after the poll interval (which also finds lanes whose owner died, once their lease ran out,
/// and retries that became due).
/// <para>On shutdown the lanes stop reading at once, write what they already read within
/// <see cref="EngineOptions.ShutdownGrace"/>, and their leases are released so another instance resumes them at once.</para>
/// </summary>
public sealed class LaneScheduler(
    ImportJobStore store,
    EngineServices services,
    ImportProgressHub hub,
    DatabaseState database,
    IOptions<EngineOptions> options,
    ILogger<LaneScheduler> logger) : BackgroundService
{
    /// <summary>Lanes claimed per round: small enough that instances starting together share the accounts.</summary>
    internal const int ClaimBatch = 64;

    /// <summary>
    /// Where the lanes' own code runs: every continuation of a lane (an await captures this scheduler) takes one of at
    /// most cores - 1 threads of the pool at a time, so the engine's CPU work (parsing pages, aggregating, building
    /// checkpoints) never fills the whole pool and the service's RPCs always find a thread. The I/O underneath (HttpClient,
    /// Npgsql) completes on the pool as before.
    /// </summary>
    internal static readonly TaskScheduler LaneThreads =
        new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, Math.Max(1, Environment.ProcessorCount - 1)).ConcurrentScheduler;

    private readonly ConcurrentDictionary<string, RunningLane> _lanes = new();
    private readonly CancellationTokenSource _writing = new();

    /// <summary>How many accounts' lanes run here now (the lanes gauge reads it at every collection).</summary>
    public int RunningLaneCount => _lanes.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        try
        {
            while (!database.IsMigrated) await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        logger.LogInformation("Import lanes run here as {InstanceId}", options.Value.InstanceId);
        var renewing = RenewLeasesAsync(stoppingToken);
        using var queued = hub.SubscribeToQueued();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimed = await ClaimAsync(stoppingToken);
                if (claimed == ClaimBatch) continue;
                await queued.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        await StopLanesAsync();
        await renewing;
    }

    private async Task<int> ClaimAsync(CancellationToken stoppingToken)
    {
        try
        {
            var claimed = await store.ClaimLanesAsync(ClaimBatch, stoppingToken);
            foreach (var key in claimed) Start(key, stoppingToken);
            return claimed.Count;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not look for import work ({Message})", ex.Message);
            return 0;
        }
    }

    private void Start(string accountKey, CancellationToken stoppingToken)
    {
        var reading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var writing = CancellationTokenSource.CreateLinkedTokenSource(_writing.Token);
        var lane = new RunningLane(reading, writing);
        if (!_lanes.TryAdd(accountKey, lane))
        {
            // Claimed again while its run is winding down here: the running lane keeps it.
            lane.Dispose();
            return;
        }
        lane.Task = Task.Factory.StartNew(() => RunLaneAsync(accountKey, lane), CancellationToken.None,
            TaskCreationOptions.DenyChildAttach, LaneThreads).Unwrap();
    }

    private async Task RunLaneAsync(string accountKey, RunningLane lane)
    {
        try
        {
            await new AccountLane(accountKey, services, hub, new LaneTokens(lane.Reading.Token, lane.Writing.Token)).RunAsync();
        }
        catch (OperationCanceledException) when (lane.Reading.IsCancellationRequested)
        {
            // Stopped.
        }
        catch (Exception ex)
        {
            logger.LogWarning("Lane {Account} stopped ({Message}); it is claimed again when due", accountKey, ex.Message);
        }
        finally
        {
            _lanes.TryRemove(accountKey, out _);
            if (!lane.Lost)
            {
                try
                {
                    // At shutdown another instance takes over at once; otherwise the account has no due work left here.
                    var stopping = lane.Reading.IsCancellationRequested;
                    await store.ReleaseLanesAsync([accountKey], announce: stopping, CancellationToken.None);
                    if (stopping) logger.LogInformation("Lane {Account} released at shutdown; another instance resumes it", accountKey);
                }
                catch (Exception ex)
                {
                    logger.LogWarning("Could not give lane {Account} back ({Message}); its lease runs out instead", accountKey, ex.Message);
                }
            }
            lane.Dispose();
        }
    }

    /// <summary>Renews every lane's lease each interval; a lane whose lease was taken over stops at once.</summary>
    private async Task RenewLeasesAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseRenewInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var held = _lanes.Keys.ToList();
                if (held.Count == 0) continue;
                IReadOnlySet<string> still;
                try
                {
                    still = await store.RenewLanesAsync(held, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Keep trying: a short database outage must not end the lanes, and every write checks the lease anyway.
                    logger.LogWarning("Lane leases could not be renewed ({Message})", ex.Message);
                    continue;
                }
                foreach (var key in held.Where(k => !still.Contains(k)))
                {
                    if (!_lanes.TryGetValue(key, out var lane)) continue;
                    logger.LogWarning("Lane {Account}: lease lost; another instance has it now", key);
                    lane.Lose();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <summary>Reading has stopped (the stopping token); writing gets its grace, then stops too; then every lease is released.</summary>
    private async Task StopLanesAsync()
    {
        var lanes = _lanes.Values.Select(l => l.Task).Where(t => t is not null).Cast<Task>().ToList();
        if (lanes.Count == 0) return;
        _writing.CancelAfter(options.Value.ShutdownGrace);
        await Task.WhenAll(lanes);
    }

    public override void Dispose()
    {
        _writing.Dispose();
        base.Dispose();
    }

    private sealed class RunningLane(CancellationTokenSource reading, CancellationTokenSource writing) : IDisposable
    {
        public CancellationTokenSource Reading { get; } = reading;
        public CancellationTokenSource Writing { get; } = writing;
        public Task? Task { get; set; }
        public bool Lost { get; private set; }

        public void Lose()
        {
            Lost = true;
            Writing.Cancel();
            Reading.Cancel();
        }

        public void Dispose()
        {
            Reading.Dispose();
            Writing.Dispose();
        }
    }
}
