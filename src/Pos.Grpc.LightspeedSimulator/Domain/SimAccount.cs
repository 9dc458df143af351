using System.Collections.Concurrent;

namespace Pos.Grpc.LightspeedSimulator.Domain;

public sealed record SimRegister(long RegisterId, string Name, bool Archived = false);

public sealed record SimShop(
    long ShopId, string Name, string TimeZone, decimal Tax1Rate, decimal Tax2Rate, IReadOnlyList<SimRegister> Registers,
    bool Archived = false)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>
/// One Lightspeed account: its shops and registers, where its sales come from (the seeded generator and/or
/// injected fixed sales), its fault switches and counters.
/// </summary>
public sealed class SimAccount
{
    private readonly Lock _fixedLock = new();
    private List<SimSale> _fixed = [];
    private long _nextFixedId = 1;

    public required long AccountId { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<SimShop> Shops { get; init; }
    /// <summary>Whether the seeded generator produces sales for this account.</summary>
    public bool Generate { get; init; } = true;
    public int SalesPerShopPerDay { get; init; } = 40;
    public int Seed { get; init; }

    public FaultState Faults { get; } = new();
    public AccountStats Stats { get; } = new();

    /// <summary>Generated days, cached (bounded) so paging through one day does not regenerate it per page.</summary>
    internal ConcurrentDictionary<(long ShopId, DateOnly Day), List<SimSale>> DayCache { get; } = new();

    /// <summary>Generated sales of a UTC day in one sort order (every shop's), cached (bounded) like the days they come from.</summary>
    internal ConcurrentDictionary<(DateOnly UtcDay, SaleSortField Field), List<SimSale>> BucketCache { get; } = new();

    public IEnumerable<SimRegister> ActiveRegisters => Shops.SelectMany(s => s.Registers).Where(r => !r.Archived);

    /// <summary>Fixed (injected) sales, sorted by id; a snapshot safe to enumerate.</summary>
    public IReadOnlyList<SimSale> FixedSales
    {
        get { lock (_fixedLock) return _fixed; }
    }

    public long NextFixedSaleId()
    {
        lock (_fixedLock) return _nextFixedId++;
    }

    public void AddFixed(IEnumerable<SimSale> sales)
    {
        lock (_fixedLock)
        {
            var all = _fixed.Concat(sales).OrderBy(s => s.SaleId).ToList();
            _nextFixedId = Math.Max(_nextFixedId, all.Count == 0 ? 1 : all[^1].SaleId + 1);
            _fixed = all;
        }
    }

    public void ClearFixed()
    {
        lock (_fixedLock) _fixed = [];
    }

    private readonly Lock _changesLock = new();
    private Dictionary<long, SimSale> _changes = [];

    /// <summary>
    /// Sales changed after the fact (voided, a line's quantity edited), by id: they replace the generated or fixed
    /// sale they were made from, with a timeStamp of when they changed, as Lightspeed's do. A snapshot.
    /// </summary>
    public IReadOnlyDictionary<long, SimSale> Changes
    {
        get { lock (_changesLock) return _changes; }
    }

    public void Change(SimSale changed)
    {
        lock (_changesLock) _changes = new Dictionary<long, SimSale>(_changes) { [changed.SaleId] = changed };
    }

    public void ClearChanges()
    {
        lock (_changesLock) _changes = [];
    }
}

/// <summary>Counters an admin (or a test) reads from GET /__sim/accounts/{id}/stats.</summary>
public sealed class AccountStats
{
    public long ApiRequests;
    /// <summary>429s of either limit; <see cref="BurstLimited"/> counts those of the burst limiter alone.</summary>
    public long RateLimited;
    public long BurstLimited;
    public long Refreshes;
    public long CodeExchanges;
    public long InvalidGrants;
    public long Unauthorized;
}

/// <summary>
/// Fault switches of one account, set at run time by PUT /__sim/accounts/{id}/faults. Counted switches are
/// consumed one per API request; DelayMs stays until changed.
/// </summary>
public sealed class FaultState
{
    private readonly Lock _lock = new();
    private int _rateLimitStorm, _serverErrors, _cutConnections, _malformedPages;

    public int DelayMs { get; set; }

    public void Set(int rateLimitStorm, int serverErrors, int cutConnections, int malformedPages, int delayMs)
    {
        lock (_lock)
        {
            (_rateLimitStorm, _serverErrors, _cutConnections, _malformedPages) = (rateLimitStorm, serverErrors, cutConnections, malformedPages);
            DelayMs = delayMs;
        }
    }

    public object Snapshot()
    {
        lock (_lock)
            return new
            {
                rateLimitStorm = _rateLimitStorm, serverErrors = _serverErrors, cutConnections = _cutConnections,
                malformedPages = _malformedPages, delayMs = DelayMs,
            };
    }

    public bool TakeRateLimit() => Take(ref _rateLimitStorm);
    public bool TakeServerError() => Take(ref _serverErrors);
    public bool TakeCut() => Take(ref _cutConnections);
    public bool TakeMalformed() => Take(ref _malformedPages);

    private bool Take(ref int counter)
    {
        lock (_lock)
        {
            if (counter <= 0) return false;
            counter--;
            return true;
        }
    }
}
