namespace Pos.Grpc.Providers;

/// <summary>Which POS a connection, a department and a provider are.</summary>
public enum PosSystem
{
    LightspeedRSeries = 1,
    LightspeedKSeries = 2,
}

/// <summary>
/// One POS account as the import engine addresses it (R-Series: an account ID; K-Series: a business location id).
/// Every account with work is one lane, paced by the account's own limits, so <see cref="Key"/> is unique fleet-wide.
/// </summary>
public readonly record struct PosAccount(PosSystem System, string AccountId)
{
    public string Key => $"{(System == PosSystem.LightspeedRSeries ? "rseries" : "kseries")}:{AccountId}";

    public static PosAccount Parse(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        var system = colon > 0 ? key[..colon] : "";
        return system switch
        {
            "rseries" => new PosAccount(PosSystem.LightspeedRSeries, key[(colon + 1)..]),
            "kseries" => new PosAccount(PosSystem.LightspeedKSeries, key[(colon + 1)..]),
            _ => throw new FormatException($"'{key}' is not an account key."),
        };
    }

    public override string ToString() => Key;
}

/// <summary>An account read through a stored connection: <see cref="ConnectionKey"/> finds its tokens.</summary>
public sealed record PosConnection(string ConnectionKey, PosAccount Account);

/// <summary>
/// Which of an account's sales a read wants. The union of its departments' scopes: a provider uses what it can as
/// filters and may return more (the engine routes every sale to its department and drops the rest).
/// </summary>
/// <param name="ShopIds">Only these shops; empty = every shop.</param>
/// <param name="RegisterIds">Only these registers (devices); empty = every register.</param>
public sealed record SalesScope(IReadOnlyList<string> ShopIds, IReadOnlyList<string> RegisterIds)
{
    public static readonly SalesScope Everything = new([], []);
}

/// <summary>
/// The caller's say on when each request of a read may go out: entered once the account's own pacing lets the request
/// go, left once its answer is read (so never held over a pacing wait or a retry's backoff). The engine admits the
/// instance's pages a bounded number at a time, in its order of precedence.
/// </summary>
public delegate Task<IDisposable> RequestAdmission(CancellationToken cancellationToken);

/// <summary>Sales whose time is in [FromUtc, UntilUtc), ascending by time.</summary>
public sealed record SalesRead(PosConnection Connection, SalesScope Scope, DateTimeOffset FromUtc, DateTimeOffset UntilUtc, RequestPriority Priority)
{
    /// <summary>When each request may go out; null: as soon as the pacing allows.</summary>
    public RequestAdmission? Admission { get; init; }
}

/// <summary>What requests cost: how many were sent and how long they waited on the POS's rate limit.</summary>
public readonly record struct RequestCost(int Requests, TimeSpan RateLimitWait)
{
    public static RequestCost operator +(RequestCost a, RequestCost b) => new(a.Requests + b.Requests, a.RateLimitWait + b.RateLimitWait);
}

/// <summary>
/// One page of a <see cref="SalesRead"/>: the counted sales in time order, what it read in all and what it skipped
/// (by the POS's own type name, e.g. "SPLIT"), and what the page cost.
/// </summary>
/// <param name="ReadThrough">Every sale of the read with a time before this instant has been yielded by now (the
/// time of the page's last sale; the read's end on its last page). Days ending at or before it are complete.</param>
public sealed record SalesPage(
    IReadOnlyList<PosSale> Sales,
    int SalesRead,
    IReadOnlyDictionary<string, int> Skipped,
    DateTimeOffset ReadThrough,
    RequestCost Cost);

/// <summary>Sales that changed after <see cref="ChangedAfter"/> among those whose time is in [FromUtc, UntilUtc).</summary>
public sealed record ChangeProbe(PosConnection Connection, SalesScope Scope, DateTimeOffset FromUtc, DateTimeOffset UntilUtc,
    DateTimeOffset ChangedAfter, RequestPriority Priority)
{
    /// <summary>When each request may go out; null: as soon as the pacing allows.</summary>
    public RequestAdmission? Admission { get; init; }
}

/// <summary>Where a changed sale counts (its time, shop and register), so the engine knows which department-day to read again.</summary>
public readonly record struct ChangedSale(DateTimeOffset Time, string ShopId, string RegisterId);

public sealed record ChangedSales(IReadOnlyList<ChangedSale> Sales, RequestCost Cost);
