namespace Pos.Grpc.LightspeedSimulator.Domain;

/// <summary>Sort orders the Sale endpoint supports.</summary>
public enum SaleSortField { SaleId, CompleteTime, TimeStamp }

/// <summary>
/// Every sale of an account in a requested order, produced lazily: generated days are walked one bucket at a
/// time (only the days the filter can touch), injected fixed sales are merged in. Sales later than the
/// simulator's "now" do not exist yet.
/// </summary>
public sealed class SalesCatalog(SimulatorOptions options, SimClock clock)
{
    private const int MaxCachedDays = 1024;

    private const int MaxCachedBuckets = 64;

    private DateOnly Today => DateOnly.FromDateTime(clock.UtcNow.UtcDateTime);

    private DateOnly HistoryStart => options.HistoryStart ?? Today.AddDays(-options.HistoryDays);

    public static DateTimeOffset? TimeKey(SimSale s, SaleSortField field) => field switch
    {
        SaleSortField.CompleteTime => s.CompleteSortKey,
        SaleSortField.TimeStamp => s.TimeStamp,
        _ => null,
    };

    /// <summary>Orders by the sort field, saleID breaking ties (that pair is also the paging cursor).</summary>
    public static int Compare(SimSale a, SimSale b, SaleSortField field)
    {
        var byTime = Nullable.Compare(TimeKey(a, field), TimeKey(b, field));
        return byTime != 0 ? byTime : a.SaleId.CompareTo(b.SaleId);
    }

    /// <summary>
    /// All sales in order. <paramref name="fromUtc"/>/<paramref name="toUtc"/> only narrow which generated days
    /// are walked (a day's margin is kept); the caller still applies its filters to each sale. An ascending time walk
    /// may start at <paramref name="startAt"/> (a paging cursor's time): generated sales sorting before it are skipped
    /// by a binary search instead of being walked page after page.
    /// </summary>
    public IEnumerable<SimSale> Ordered(
        SimAccount account, SaleSortField field, bool descending, DateTimeOffset? fromUtc, DateTimeOffset? toUtc,
        DateTimeOffset? startAt = null)
    {
        var now = clock.UtcNow;
        var changes = account.Changes;
        // A changed sale is no longer where it was: its new version (new timeStamp) comes with the fixed ones.
        var generated = account.Generate
            ? Generated(account, field, descending, fromUtc, toUtc, descending || field == SaleSortField.SaleId ? null : startAt).Where(s => s.TimeStamp <= now && !changes.ContainsKey(s.SaleId))
            : [];
        Comparison<SimSale> order = descending ? (a, b) => Compare(b, a, field) : (a, b) => Compare(a, b, field);
        var others = account.FixedSales.Where(s => !changes.ContainsKey(s.SaleId)).Concat(changes.Values).ToList();
        others.Sort(order);
        return Merge(generated, others, order);
    }

    public SimSale? Find(SimAccount account, long saleId)
    {
        if (account.Changes.TryGetValue(saleId, out var changed)) return changed;
        var fixedSale = account.FixedSales.FirstOrDefault(s => s.SaleId == saleId);
        if (fixedSale is not null || !account.Generate) return fixedSale;
        var (day, shopIndex, _) = SalesGenerator.DecodeId(saleId);
        if (shopIndex >= account.Shops.Count || day < HistoryStart || day > Today) return null;
        var sale = Day(account, shopIndex, day).FirstOrDefault(s => s.SaleId == saleId);
        return sale is not null && sale.TimeStamp <= clock.UtcNow ? sale : null;
    }

    private IEnumerable<SimSale> Generated(
        SimAccount account, SaleSortField field, bool descending, DateTimeOffset? fromUtc, DateTimeOffset? toUtc, DateTimeOffset? startAt)
    {
        // A local day of a shop spans at most a day either side of the UTC day: keep that margin.
        var first = HistoryStart;
        var last = Today.AddDays(1);
        if (fromUtc is { } from && DateOnly.FromDateTime(from.UtcDateTime).AddDays(-1) > first)
            first = DateOnly.FromDateTime(from.UtcDateTime).AddDays(-1);
        if (toUtc is { } to && DateOnly.FromDateTime(to.UtcDateTime).AddDays(1) < last)
            last = DateOnly.FromDateTime(to.UtcDateTime).AddDays(1);
        if (first > last) yield break;

        var days = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays);
        if (descending) days = days.Reverse();
        foreach (var day in days)
        {
            var bucket = field == SaleSortField.SaleId ? SaleIdBucket(account, day) : UtcDayBucket(account, day, field);
            if (descending)
            {
                for (var i = bucket.Count - 1; i >= 0; i--) yield return bucket[i];
                continue;
            }
            for (var i = startAt is { } start ? FirstAtOrAfter(bucket, field, start) : 0; i < bucket.Count; i++) yield return bucket[i];
        }
    }

    /// <summary>Ids of a local day, shop by shop, are already in saleID order (see the id encoding).</summary>
    private List<SimSale> SaleIdBucket(SimAccount account, DateOnly day) =>
        Enumerable.Range(0, account.Shops.Count).SelectMany(i => Day(account, i, day)).ToList();

    /// <summary>The first index whose sort time is at or after <paramref name="start"/> (the bucket is sorted by it).</summary>
    private static int FirstAtOrAfter(List<SimSale> bucket, SaleSortField field, DateTimeOffset start)
    {
        var (low, high) = (0, bucket.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (TimeKey(bucket[middle], field) < start) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    /// <summary>Sales whose sort time falls on the UTC day, gathered from the shops' neighbouring local days (cached: read-only once made).</summary>
    private List<SimSale> UtcDayBucket(SimAccount account, DateOnly utcDay, SaleSortField field)
    {
        if (account.BucketCache.TryGetValue((utcDay, field), out var cached)) return cached;
        if (account.BucketCache.Count > MaxCachedBuckets) account.BucketCache.Clear();
        var bucket = new List<SimSale>();
        for (var i = 0; i < account.Shops.Count; i++)
            for (var d = -1; d <= 1; d++)
                bucket.AddRange(Day(account, i, utcDay.AddDays(d))
                    .Where(s => DateOnly.FromDateTime(TimeKey(s, field)!.Value.UtcDateTime) == utcDay));
        bucket.Sort((a, b) => Compare(a, b, field));
        account.BucketCache[(utcDay, field)] = bucket;
        return bucket;
    }

    private List<SimSale> Day(SimAccount account, int shopIndex, DateOnly day)
    {
        if (day < HistoryStart || day > Today.AddDays(1)) return [];
        var key = (account.Shops[shopIndex].ShopId, day);
        if (account.DayCache.TryGetValue(key, out var cached)) return cached;
        if (account.DayCache.Count > MaxCachedDays) account.DayCache.Clear();
        var sales = SalesGenerator.GenerateDay(account, shopIndex, day, options.Seed);
        account.DayCache[key] = sales;
        return sales;
    }

    private static IEnumerable<SimSale> Merge(IEnumerable<SimSale> a, IReadOnlyList<SimSale> b, Comparison<SimSale> order)
    {
        var j = 0;
        foreach (var x in a)
        {
            while (j < b.Count && order(b[j], x) <= 0) yield return b[j++];
            yield return x;
        }
        while (j < b.Count) yield return b[j++];
    }
}
