using Pos.Grpc.Providers;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>
/// The gate the engine admits its requests through (and a pacer its request starts): at most its places inside, the
/// waiters let in by priority, then rank, then arrival; a cancelled waiter never takes a place.
/// </summary>
public sealed class PriorityGateTests
{
    [Fact]
    public async Task AFullGate_LetsWaitersInByPriorityThenRankThenArrival()
    {
        var gate = new PriorityGate(places: 2);
        var inside = new[] { await gate.EnterAsync(RequestPriority.Manual, default), await gate.EnterAsync(RequestPriority.Manual, default) };
        Assert.All(inside, r => Assert.False(r.Queued));

        var order = new List<string>();
        Task Wait(string name, RequestPriority priority, long rank) => Task.Run(async () =>
        {
            using var entered = await gate.EnterAsync(priority, rank, default);
            lock (order) order.Add(name);
        });
        var waiters = new List<Task>();
        foreach (var (name, priority, rank) in new[]
                 {
                     ("manual, 3 days left", RequestPriority.Manual, -3L), ("night, 1 day left", RequestPriority.Scheduled, -1L),
                     ("listing", RequestPriority.Interactive, 0L), ("night, 50 days left", RequestPriority.Scheduled, -50L),
                     ("night, 1 day left, later", RequestPriority.Scheduled, -1L),
                 })
        {
            waiters.Add(Wait(name, priority, rank));
            // Each is queued before the next arrives.
            while (gate.Waiting < waiters.Count) await Task.Delay(1);
        }

        // One place frees: the waiters go one after another as each leaves at once.
        inside[0].Dispose();
        await Task.WhenAll(waiters);
        Assert.Equal(["night, 50 days left", "night, 1 day left", "night, 1 day left, later", "manual, 3 days left", "listing"], order);
        inside[1].Dispose();
        using var again = await gate.EnterAsync(RequestPriority.Manual, default);
        Assert.False(again.Queued);
    }

    [Fact]
    public async Task ACancelledWaiter_TakesNoPlace()
    {
        var gate = new PriorityGate(places: 1);
        var inside = await gate.EnterAsync(RequestPriority.Scheduled, default);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(RequestPriority.Scheduled, -10, cancel.Token);
        var next = gate.EnterAsync(RequestPriority.Manual, default);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        inside.Dispose();
        using var entered = await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(entered.Queued);
    }
}
