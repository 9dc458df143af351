namespace Pos.Grpc.Host.Features.Imports.Numbers;

/// <summary>
/// Reads a POS's sales of one time window. Implemented per POS (Lightspeed: the R-Series client with
/// its cursor paging and rate-limit bucket); the import engine only sees <see cref="PosSale"/>s.
/// </summary>
public interface ISalesSource
{
    /// <summary>
    /// Streams the sales completed in <paramref name="window"/>, page by page, so a caller can aggregate
    /// them without holding a day in memory. May also yield sales that do not count (open, voided,
    /// archived, other registers): the aggregation filters them, so a source may filter less than it could.
    /// </summary>
    /// <param name="stats">Receives the requests made and the time waited on the rate limit, as the fetch goes.</param>
    /// <exception cref="Engine.ImportUnitException">The window cannot be read (e.g. the connection needs reauthorisation).</exception>
    IAsyncEnumerable<PosSale> GetSalesAsync(SalesWindow window, SalesFetchStats stats, CancellationToken cancellationToken);
}

/// <summary>Which sales to read: one client's POS account (optionally one shop and some registers) over [FromUtc, UntilUtcExclusive).</summary>
/// <param name="AccountId">The POS account (Lightspeed account ID = the department's POS client number).</param>
/// <param name="ShopId">Only this shop's sales; null = every shop of the account.</param>
/// <param name="RegisterIds">Only these registers' sales; empty = every register (of the shop, or the account).</param>
public sealed record SalesWindow(
    long ClientId,
    string AccountId,
    string? ShopId,
    IReadOnlyList<string> RegisterIds,
    DateTimeOffset FromUtc,
    DateTimeOffset UntilUtcExclusive);

/// <summary>
/// What one fetch cost, filled in by the <see cref="ISalesSource"/> while it runs (thread-safe, so a
/// source may page concurrently) and read by the import's progress.
/// </summary>
public sealed class SalesFetchStats
{
    private int _requestsMade;
    private long _rateLimitWaitTicks;

    public int RequestsMade => Volatile.Read(ref _requestsMade);

    public TimeSpan RateLimitWait => TimeSpan.FromTicks(Interlocked.Read(ref _rateLimitWaitTicks));

    /// <summary>Counts one HTTP request sent to the POS (retries included).</summary>
    public void RecordRequest() => Interlocked.Increment(ref _requestsMade);

    /// <summary>Adds time spent waiting for the POS rate limit (bucket pacing, 429 Retry-After).</summary>
    public void RecordRateLimitWait(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero) Interlocked.Add(ref _rateLimitWaitTicks, wait.Ticks);
    }
}
