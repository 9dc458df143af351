using System.Collections.Concurrent;
using Pos.Grpc.LightspeedSimulator.Domain;

namespace Pos.Grpc.LightspeedSimulator.KSeries.Domain;

/// <summary>
/// One business location (a restaurant) with its business, devices, tax basis and where its sales come from (the
/// seeded generator and/or injected fixed sales, with admin edits), its fault switches and counters.
/// </summary>
public sealed class KLocation
{
    private readonly Lock _salesLock = new();
    private List<KSale> _fixed = [];
    private HashSet<string> _hidden = [];
    private int _nextFixed = 1;

    public required long BusinessLocationId { get; init; }
    public required string Name { get; init; }
    public long BusinessId { get; init; } = 1;
    public string BusinessName { get; init; } = "Sandbox Restaurants";
    public string CurrencyCode { get; init; } = "DKK";
    public string Country { get; init; } = "DK";
    public required string TimeZone { get; init; }
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
    /// <summary>Whether menu prices include tax (European restaurants: yes).</summary>
    public bool TaxIncluded { get; init; } = true;
    public decimal TaxRate { get; init; } = 0.25m;
    /// <summary>Local time a business day starts (for sales-daily and nextStartOfDayAsIso8601).</summary>
    public TimeOnly BusinessDayStart { get; init; } = new(5, 0);
    /// <summary>The first local day the location was operational: an earlier `from` is a 400 naming it.</summary>
    public required DateOnly OpenedOn { get; init; }
    public required IReadOnlyList<KDevice> Devices { get; init; }
    public bool Generate { get; init; } = true;
    public int SalesPerDay { get; init; } = 80;
    public int Seed { get; init; }

    public FaultState Faults { get; } = new();
    /// <summary>Retry-After of the rate-limit storm switch.</summary>
    public int StormRetryAfterSeconds { get; set; } = 1;
    public KLocationStats Stats { get; } = new();
    /// <summary>Tokens issued at or before this instant for a consent covering this location are dead.</summary>
    public DateTimeOffset TokensRevokedAt { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Generated days, cached (bounded) so paging through a day does not regenerate it per page.</summary>
    internal ConcurrentDictionary<DateOnly, List<KSale>> DayCache { get; } = new();

    /// <summary>Injected sales and edited copies of generated ones; a snapshot safe to enumerate.</summary>
    public IReadOnlyList<KSale> FixedSales
    {
        get { lock (_salesLock) return _fixed; }
    }

    /// <summary>Generated sales replaced by an edit (their edited copy is among the fixed sales).</summary>
    public bool IsHidden(string accountFiscId)
    {
        lock (_salesLock) return _hidden.Contains(accountFiscId);
    }

    public string NextFixedId()
    {
        lock (_salesLock) return $"A9{_nextFixed++:D5}.1";
    }

    public void AddFixed(IEnumerable<KSale> sales)
    {
        lock (_salesLock) _fixed = [.. _fixed, .. sales];
    }

    /// <summary>Puts an edited copy in place of a sale (fixed or generated).</summary>
    public void Replace(KSale edited)
    {
        lock (_salesLock)
        {
            _fixed = [.. _fixed.Where(s => s.AccountFiscId != edited.AccountFiscId), edited];
            _hidden = [.. _hidden, edited.AccountFiscId];
        }
    }

    public void ClearFixed()
    {
        lock (_salesLock)
        {
            _fixed = [];
            _hidden = [];
        }
    }
}

/// <summary>Counters an admin (or a test) reads from GET /__sim/kseries/locations/{blId}/stats.</summary>
public sealed class KLocationStats
{
    public long ApiRequests;
    public long SalesPages;
    public long RateLimited;
    public long ServerErrors;
    public long Unauthorized;
    public long Forbidden;
    public long BadRequests;
    /// <summary>The longest from..to range (in days) a sales request asked for.</summary>
    public double LongestRangeDays;

    public void SeeRange(double days)
    {
        lock (this) LongestRangeDays = Math.Max(LongestRangeDays, days);
    }
}
