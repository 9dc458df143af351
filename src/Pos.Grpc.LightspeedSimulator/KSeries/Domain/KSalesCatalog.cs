namespace Pos.Grpc.LightspeedSimulator.KSeries.Domain;

/// <summary>
/// Every sale of a location by timeClosed, produced lazily: generated days are walked one UTC day at a time (only
/// the days the range touches), injected and edited sales are merged in. Sales closed later than the simulator's
/// "now" do not exist yet. Order: timeClosed, then accountFiscId (that pair is also the paging position).
/// </summary>
public sealed class KSalesCatalog(KSeriesSimulatorOptions options, SimClock clock)
{
    private const int MaxCachedDays = 64;

    public static int Compare(KSale a, KSale b)
    {
        var byTime = a.TimeClosed.CompareTo(b.TimeClosed);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.AccountFiscId, b.AccountFiscId);
    }

    /// <summary>Sales closed in [from, to] (both inclusive), after <paramref name="after"/> when given, in order.</summary>
    public IEnumerable<KSale> Closed(KLocation location, DateTimeOffset from, DateTimeOffset to, KSale? after = null)
    {
        var now = clock.UtcNow;
        if (to > now) to = now;
        bool InRange(KSale s) => s.TimeClosed >= from && s.TimeClosed <= to && (after is null || Compare(s, after) > 0);
        var fixedSales = location.FixedSales.Where(InRange).ToList();
        fixedSales.Sort(Compare);
        var generated = location.Generate
            ? Generated(location, after is null || after.TimeClosed < from ? from : after.TimeClosed, to)
                .Where(s => InRange(s) && !location.IsHidden(s.AccountFiscId))
            : [];
        return Merge(generated, fixedSales);
    }

    /// <summary>A sale by id among the generated days of the last <paramref name="days"/> and the fixed sales.</summary>
    public KSale? Find(KLocation location, string accountFiscId, int days = 400)
    {
        if (location.FixedSales.FirstOrDefault(s => s.AccountFiscId == accountFiscId) is { } fixedSale) return fixedSale;
        if (!location.Generate || location.IsHidden(accountFiscId)) return null;
        // Generated ids are A{days since 2000-01-01}.{n}: the opening day is in the id.
        if (!int.TryParse(accountFiscId.AsSpan(1, Math.Max(0, accountFiscId.IndexOf('.') - 1)), out var dayNo)) return null;
        var day = new DateOnly(2000, 1, 1).AddDays(dayNo);
        return Day(location, day).FirstOrDefault(s => s.AccountFiscId == accountFiscId);
    }

    private IEnumerable<KSale> Generated(KLocation location, DateTimeOffset from, DateTimeOffset to)
    {
        for (var utcDay = DateOnly.FromDateTime(from.UtcDateTime); utcDay <= DateOnly.FromDateTime(to.UtcDateTime); utcDay = utcDay.AddDays(1))
        {
            // A local opening day's accounts close between its lunch and the small hours after it; with any UTC offset
            // those fall on the UTC days from the day before to two days after.
            var bucket = new List<KSale>();
            for (var d = -2; d <= 1; d++)
                bucket.AddRange(Day(location, utcDay.AddDays(d)).Where(s => DateOnly.FromDateTime(s.TimeClosed.UtcDateTime) == utcDay));
            bucket.Sort(Compare);
            foreach (var sale in bucket) yield return sale;
        }
    }

    private List<KSale> Day(KLocation location, DateOnly day)
    {
        if (location.DayCache.TryGetValue(day, out var cached)) return cached;
        if (location.DayCache.Count > MaxCachedDays) location.DayCache.Clear();
        var sales = KSalesGenerator.GenerateDay(location, day, options);
        location.DayCache[day] = sales;
        return sales;
    }

    private static IEnumerable<KSale> Merge(IEnumerable<KSale> a, IReadOnlyList<KSale> b)
    {
        var j = 0;
        foreach (var x in a)
        {
            while (j < b.Count && Compare(b[j], x) <= 0) yield return b[j++];
            yield return x;
        }
        while (j < b.Count) yield return b[j++];
    }
}
