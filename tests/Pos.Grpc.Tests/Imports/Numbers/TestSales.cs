using System.Globalization;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Days;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Reading;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Tests.Imports.Numbers;

/// <summary>
/// Short ways to write counted sales in tests, in R-Series terms (calcTotal with its taxes and discounts, as the
/// R-Series provider reduces a Lightspeed sale line): shop "1" unless said otherwise.
/// </summary>
internal static class TestSales
{
    public static DateTimeOffset Utc(string instant) =>
        DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateOnly Day(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <param name="completeTime">An ISO instant with its offset, e.g. "2026-06-10T10:15:00+02:00".</param>
    public static PosSale Sale(string completeTime, string registerId, params PosSaleLine[] lines) =>
        new(DateTimeOffset.Parse(completeTime, CultureInfo.InvariantCulture), ShopId: "1", registerId, PosSaleKind.Sale, Covers: 0, lines);

    public static PosSale Sale(string completeTime, string registerId, string shopId, params PosSaleLine[] lines) =>
        new(DateTimeOffset.Parse(completeTime, CultureInfo.InvariantCulture), shopId, registerId, PosSaleKind.Sale, Covers: 0, lines);

    /// <summary>A line as Lightspeed calculates it: calcTotal includes tax and is after the discounts.</summary>
    public static PosSaleLine Line(decimal quantity, decimal calcTotal, decimal tax1 = 0m, decimal tax2 = 0m,
        decimal lineDiscount = 0m, decimal transactionDiscount = 0m) =>
        new(quantity, calcTotal - tax1 - tax2, calcTotal, lineDiscount + transactionDiscount);
}

/// <summary>One department-day aggregated the way a read does it: routed by the department's scope, through a day book.</summary>
internal static class TestDays
{
    /// <param name="terminalNumbers">The department's terminal numbers; empty = every register into register 1.</param>
    public static DayNumbers AggregateDay(string date, IEnumerable<PosSale> sales, string[] terminalNumbers, bool amountsIncludeTax = false,
        string zone = "Europe/Copenhagen", string? shopId = null)
    {
        var entity = new DepartmentEntity
        {
            Id = 1, ClientId = 1, PosClientNumber = "1", PosShopId = shopId,
            Registers = terminalNumbers.Select((t, i) => new DepartmentRegisterEntity { DepartmentId = 1, RegisterNumber = i + 1, PosRegisterId = t }).ToList(),
        };
        var department = new ReadDepartment(entity, TimeZones.Find(zone));
        var day = TestSales.Day(date);
        var book = new DayBook(new SaleRouter([department]), [new PendingDay(1, day, 0, null)], amountsIncludeTax);
        var (from, until) = department.WindowOf(day);
        // A read wider than the day, as a real range is: sales of other days go nowhere.
        var cover = book.Open(from.AddDays(-2), until.AddDays(2));
        var ordered = sales.OrderBy(s => s.Time).ToList();
        var page = new SalesPage(ordered, ordered.Count, new Dictionary<string, int>(), ordered.Count > 0 ? ordered[^1].Time : cover.From, default);
        return book.Add(cover, page).Concat(book.Finish(cover)).Single().Numbers;
    }
}
