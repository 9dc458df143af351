using Microsoft.Extensions.Time.Testing;

namespace Pos.Grpc.Providers.KSeries.Tests;

/// <summary>
/// The per-location pacer on a fake clock, so the order is deterministic and no test depends on timing: one start per
/// interval, the highest priority first (first come first served within one), a 429 holding back every caller.
/// </summary>
public sealed class PacerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500); // 2 requests a second
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));

    private KSeriesLocationPacer NewPacer() => new(2, _time);

    /// <summary>Waits (on the real clock) until the pacer holds <paramref name="count"/> waiters: they queued in that order.</summary>
    private static async Task WaitForWaitersAsync(KSeriesLocationPacer pacer, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (pacer.Waiting < count) await Task.Delay(5, timeout.Token);
    }

    /// <summary>Moves the fake clock one interval and returns the one request that got its turn.</summary>
    private async Task<T> NextGrantedAsync<T>(Dictionary<Task, T> waiting)
    {
        _time.Advance(Interval);
        var granted = await Task.WhenAny(waiting.Keys).WaitAsync(TimeSpan.FromSeconds(10));
        var name = waiting[granted];
        waiting.Remove(granted);
        return name;
    }

    [Fact]
    public async Task TheHighestPriorityWaiter_GoesFirst_FirstComeFirstServedWithinAPriority()
    {
        var pacer = NewPacer();
        await pacer.WaitTurnAsync(RequestPriority.Interactive, default); // takes the first slot at once
        var waiting = new Dictionary<Task, string>();
        foreach (var (name, priority) in new[]
        {
            ("interactive", RequestPriority.Interactive), ("manual-1", RequestPriority.Manual),
            ("scheduled", RequestPriority.Scheduled), ("manual-2", RequestPriority.Manual),
        })
        {
            waiting[pacer.WaitTurnAsync(priority, default)] = name;
            await WaitForWaitersAsync(pacer, waiting.Count);
        }

        var order = new List<string>();
        while (waiting.Count > 0) order.Add(await NextGrantedAsync(waiting));

        Assert.Equal(["scheduled", "manual-1", "manual-2", "interactive"], order);
    }

    [Fact]
    public async Task NoSecondStart_BeforeTheIntervalHasPassed()
    {
        var pacer = NewPacer();
        await pacer.WaitTurnAsync(RequestPriority.Manual, default);
        var second = pacer.WaitTurnAsync(RequestPriority.Manual, default);
        await WaitForWaitersAsync(pacer, 1);

        _time.Advance(Interval / 2);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);

        _time.Advance(Interval / 2);
        Assert.Equal(Interval, await second.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task TurnsHeldBackTogether_GoOutOneIntervalApart()
    {
        var pacer = NewPacer();
        await pacer.WaitTurnAsync(RequestPriority.Manual, default);
        var second = pacer.WaitTurnAsync(RequestPriority.Manual, default);
        await WaitForWaitersAsync(pacer, 1);
        _time.Advance(Interval);
        await second.WaitAsync(TimeSpan.FromSeconds(10));

        // Both turns were given an interval apart, then both waited for a place elsewhere and were let go together.
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(pacer.ConfirmSend(TimeSpan.FromSeconds(2)));
        Assert.False(pacer.ConfirmSend(TimeSpan.FromSeconds(2))); // gives its place back and takes a new turn
        Assert.True(pacer.ConfirmSend(TimeSpan.Zero)); // sent at its turn: what the turn counted

        _time.Advance(Interval);
        Assert.True(pacer.ConfirmSend(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task A429_HoldsBackEveryCallerOfTheLocation_UntilRetryAfter()
    {
        var pacer = NewPacer();
        await pacer.WaitTurnAsync(RequestPriority.Manual, default);
        _time.Advance(Interval);
        pacer.OnRateLimited(TimeSpan.FromSeconds(5));
        var other = pacer.WaitTurnAsync(RequestPriority.Scheduled, default);
        await WaitForWaitersAsync(pacer, 1);

        _time.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(50);
        Assert.False(other.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(5), await other.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ACancelledWaiter_GivesItsTurnToTheNext()
    {
        var pacer = NewPacer();
        await pacer.WaitTurnAsync(RequestPriority.Manual, default);
        using var cancel = new CancellationTokenSource();
        var cancelled = pacer.WaitTurnAsync(RequestPriority.Scheduled, cancel.Token);
        await WaitForWaitersAsync(pacer, 1);
        var next = pacer.WaitTurnAsync(RequestPriority.Interactive, default);
        await WaitForWaitersAsync(pacer, 2);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        _time.Advance(Interval);

        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
