namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// Thread-safe counters of API work: what the import reports as "requests made" and "time waited on the rate
/// limit". One instance per account lives in the pacer (process totals); a caller may pass its own instance
/// to a read to count just that work.
/// </summary>
public sealed class RSeriesRequestStats
{
    private long _requests;
    private long _rateLimitWaitTicks;
    private long _rateLimitedResponses;
    private long _retries;
    private long _refreshes;

    /// <summary>HTTP requests sent to the API (retries and replays included).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Time spent waiting for the bucket to drain, Retry-After waits included.</summary>
    public TimeSpan RateLimitWait => TimeSpan.FromTicks(Interlocked.Read(ref _rateLimitWaitTicks));

    /// <summary>429 answers received (ideally zero: the pacer exists to avoid them).</summary>
    public long RateLimitedResponses => Interlocked.Read(ref _rateLimitedResponses);

    /// <summary>Requests repeated after a transient failure (5xx, timeout, cut connection, malformed page).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Replays after a 401 that refreshed the token.</summary>
    public long UnauthorizedReplays => Interlocked.Read(ref _refreshes);

    internal void AddRequest() => Interlocked.Increment(ref _requests);
    internal void AddWait(TimeSpan waited) { if (waited > TimeSpan.Zero) Interlocked.Add(ref _rateLimitWaitTicks, waited.Ticks); }
    internal void AddRateLimited() => Interlocked.Increment(ref _rateLimitedResponses);
    internal void AddRetry() => Interlocked.Increment(ref _retries);
    internal void AddReplay() => Interlocked.Increment(ref _refreshes);
}

/// <summary>Records into the account totals and, when given, the caller's own counters.</summary>
internal readonly struct StatsPair(RSeriesRequestStats totals, RSeriesRequestStats? caller)
{
    public void AddRequest() { totals.AddRequest(); caller?.AddRequest(); }
    public void AddWait(TimeSpan waited) { totals.AddWait(waited); caller?.AddWait(waited); }
    public void AddRateLimited() { totals.AddRateLimited(); caller?.AddRateLimited(); }
    public void AddRetry() { totals.AddRetry(); caller?.AddRetry(); }
    public void AddReplay() { totals.AddReplay(); caller?.AddReplay(); }
}
