namespace Pos.Grpc.Providers.KSeries;

/// <summary>
/// Thread-safe counters of API work: what an import reports as "requests made" and "time waited on the rate limit".
/// One instance per location lives in its pacer (process totals); a caller may pass its own to count just its work.
/// </summary>
public sealed class KSeriesRequestStats
{
    private long _requests;
    private long _waitTicks;
    private long _rateLimited;
    private long _retries;
    private long _replays;

    /// <summary>HTTP requests sent to the API (retries and replays included).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Time spent waiting for the location's pacer, Retry-After waits included.</summary>
    public TimeSpan RateLimitWait => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks));

    /// <summary>429 answers received.</summary>
    public long RateLimitedResponses => Interlocked.Read(ref _rateLimited);

    /// <summary>Requests repeated after a transient failure (5xx, timeout, cut connection, malformed page).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Replays after a 401 that refreshed the token.</summary>
    public long UnauthorizedReplays => Interlocked.Read(ref _replays);

    internal void AddRequest() => Interlocked.Increment(ref _requests);
    internal void AddWait(TimeSpan waited) { if (waited > TimeSpan.Zero) Interlocked.Add(ref _waitTicks, waited.Ticks); }
    internal void AddRateLimited() => Interlocked.Increment(ref _rateLimited);
    internal void AddRetry() => Interlocked.Increment(ref _retries);
    internal void AddReplay() => Interlocked.Increment(ref _replays);
}

/// <summary>Records into the location totals and, when given, the caller's own counters.</summary>
internal readonly struct StatsPair(KSeriesRequestStats totals, KSeriesRequestStats? caller)
{
    public void AddRequest() { totals.AddRequest(); caller?.AddRequest(); }
    public void AddWait(TimeSpan waited) { totals.AddWait(waited); caller?.AddWait(waited); }
    public void AddRateLimited() { totals.AddRateLimited(); caller?.AddRateLimited(); }
    public void AddRetry() { totals.AddRetry(); caller?.AddRetry(); }
    public void AddReplay() { totals.AddReplay(); caller?.AddReplay(); }
}
