using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Progress;
using Pos.Grpc.Host.Engine.Reading;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Engine.Lanes;

/// <summary>
/// The lane of one POS account on this instance: every active job's work on the account, each as a
/// <see cref="JobAccountRun"/>. Runs of several jobs share the account's pacing, in priority order (the night before
/// manual imports), so a long historical import never holds the night back; a job queued while others run starts at
/// once (manual imports up to <see cref="ManualRunsAtOnce"/> of them). The lane ends when nothing of the account is
/// due; work waiting for a retry is claimed again when due.
/// </summary>
public sealed class AccountLane(string accountKey, EngineServices services, ImportProgressHub hub, LaneTokens tokens)
{
    /// <summary>A run that ends with its days still due is started again no sooner than this (no busy loop on a persistent fault).</summary>
    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(1);

    /// <summary>How often a busy lane looks for jobs queued on its account when no notification comes (one may be lost).</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Manual imports of one account run this many at a time, the oldest first (scheduled work always starts): a client
    /// that queues hundreds of imports of its own gets them done one after another at its account's pace, instead of
    /// hundreds of runs each holding the engine's database share for their steps while the night waits among them.
    /// </summary>
    internal const int ManualRunsAtOnce = 4;

    public async Task RunAsync()
    {
        var account = PosAccount.Parse(accountKey);
        var running = new Dictionary<Guid, Task>();
        var ended = new Dictionary<Guid, DateTimeOffset>();
        using var queued = hub.SubscribeToAccount(accountKey);
        while (!tokens.Reading.IsCancellationRequested)
        {
            var work = await services.Store.LoadLaneWorkAsync(accountKey, tokens.Reading);
            var now = services.Clock.GetUtcNow();
            var manualRunning = work.Jobs.Count(j => !j.Job.IsScheduled && running.ContainsKey(j.Job.Id));
            // The store gives the jobs night first, then oldest first: the order they start in.
            foreach (var job in work.Jobs)
            {
                if (running.ContainsKey(job.Job.Id) || !job.IsDue(now)) continue;
                if (ended.TryGetValue(job.Job.Id, out var at) && now - at < RestartPause) continue;
                if (!job.Job.IsScheduled && manualRunning++ >= ManualRunsAtOnce) continue;
                running[job.Job.Id] = new JobAccountRun(job, account, services, tokens).RunAsync();
            }
            if (running.Count == 0) return;

            // A run ends, or a job is queued on this account: look again.
            await Task.WhenAny([.. running.Values, queued.WaitAsync(Recheck, tokens.Reading)]);
            foreach (var (id, run) in running.Where(r => r.Value.IsCompleted).ToList())
            {
                await run;
                running.Remove(id);
                ended[id] = services.Clock.GetUtcNow();
            }
        }
        // Stopping: the runs finish what they read (within the shutdown's grace) on their own tokens.
        await Task.WhenAll(running.Values);
    }
}
