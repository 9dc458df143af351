using System.Globalization;
using System.Runtime.CompilerServices;
using Pos.Grpc.Host.Features.Imports.Numbers;

namespace Pos.Grpc.Tests.Imports.Numbers;

/// <summary>Short ways to write sales in tests: completed, not voided, not archived, shop "1" unless said otherwise.</summary>
internal static class TestSales
{
    public static DateTimeOffset Utc(string instant) =>
        DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateOnly Day(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <param name="completeTime">An ISO instant with its offset, e.g. "2026-06-10T10:15:00+02:00".</param>
    public static PosSale Sale(long saleId, string completeTime, string registerId, params PosSaleLine[] lines) =>
        new(saleId, DateTimeOffset.Parse(completeTime, CultureInfo.InvariantCulture), Completed: true, Voided: false, Archived: false,
            registerId, ShopId: "1", lines);

    public static PosSaleLine Line(decimal quantity, decimal calcTotal, decimal tax1 = 0m, decimal tax2 = 0m,
        decimal lineDiscount = 0m, decimal transactionDiscount = 0m, long parentSaleLineId = 0, long saleLineId = 0) =>
        new(saleLineId, quantity, calcTotal, tax1, tax2, lineDiscount, transactionDiscount, parentSaleLineId);
}

/// <summary>
/// A sales source over a list, shaped like the real one: it returns what falls in the window, page by
/// page, one request per page, and remembers the windows it was asked for.
/// </summary>
internal sealed class InMemorySalesSource(IEnumerable<PosSale> sales, int pageSize = 2) : ISalesSource
{
    public List<PosSale> Sales { get; set; } = sales.ToList();

    public List<SalesWindow> Windows { get; } = [];

    public async IAsyncEnumerable<PosSale> GetSalesAsync(SalesWindow window, SalesFetchStats stats,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Windows.Add(window);
        var matching = Sales.Where(s => s.CompleteTime >= window.FromUtc && s.CompleteTime < window.UntilUtcExclusive).ToList();
        var offset = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            stats.RecordRequest();
            stats.RecordRateLimitWait(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
            foreach (var sale in matching.Skip(offset).Take(pageSize)) yield return sale;
            offset += pageSize;
        } while (offset < matching.Count);
    }
}
