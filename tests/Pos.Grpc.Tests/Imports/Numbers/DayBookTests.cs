using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Reading;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Providers;
using Pos.Grpc.Contracts.FieldMapping.V1;
using static Pos.Grpc.Tests.Imports.Numbers.TestSales;

namespace Pos.Grpc.Tests.Imports.Numbers;

/// <summary>
/// When a department-day is complete: as soon as every read overlapping it has passed its end. Days in two zones on
/// one account, a read split in two in the middle of a day, reads advancing out of step, and a read that fails.
/// </summary>
public sealed class DayBookTests
{
    private static ReadDepartment Department(long id, string zone, params string[] terminals) => new(new DepartmentEntity
    {
        Id = id, ClientId = 1, PosClientNumber = "1",
        Registers = terminals.Select((t, i) => new DepartmentRegisterEntity { DepartmentId = id, RegisterNumber = i + 1, PosRegisterId = t }).ToList(),
    }, TimeZones.Find(zone));

    private static SalesPage Page(DateTimeOffset readThrough, params PosSale[] sales) =>
        new(sales, sales.Length, new Dictionary<string, int>(), readThrough, default);

    private static PendingDay Pending(long department, string date) => new(department, Day(date), 0, null);

    [Fact]
    public void Days_CloseAsTheStreamPassesTheirEnd_InEachDepartmentsOwnZone()
    {
        // Copenhagen (UTC+2 in June) takes register 1, New York (UTC-4) register 2, on one account.
        var copenhagen = Department(1, "Europe/Copenhagen", "1");
        var newYork = Department(2, "America/New_York", "2");
        var book = new DayBook(new SaleRouter([copenhagen, newYork]),
            [Pending(1, "2026-06-10"), Pending(1, "2026-06-11"), Pending(2, "2026-06-10")], amountsIncludeTax: false);
        // The windows touch or overlap: one range, from Copenhagen's 10 June to the end of its 11 June.
        var range = Assert.Single(book.Ranges());
        Assert.Equal((Utc("2026-06-09T22:00:00Z"), Utc("2026-06-11T22:00:00Z")), range);
        var cover = book.Open(range.From, range.Until);

        Assert.Empty(book.Add(cover, Page(Utc("2026-06-10T12:00:00Z"), Sale("2026-06-10T12:00:00Z", "1", Line(1, 10m)))));
        // Copenhagen's 10 June ends at 22:00Z: a sale at 23:00Z closes it; New York's 10 June (until 04:00Z) stays open.
        var closed = book.Add(cover, Page(Utc("2026-06-10T23:00:00Z"), Sale("2026-06-10T23:00:00Z", "2", Line(1, 20m))));
        var day = Assert.Single(closed);
        Assert.Equal((1L, Day("2026-06-10")), (day.Day.DepartmentId, day.Day.Date));
        Assert.Equal(10m, day.Numbers.Day(1, PosFieldType.GrossSales));

        closed = book.Add(cover, Page(Utc("2026-06-11T05:00:00Z"), Sale("2026-06-11T05:00:00Z", "1", Line(1, 5m))));
        day = Assert.Single(closed);
        Assert.Equal((2L, Day("2026-06-10"), 20m), (day.Day.DepartmentId, day.Day.Date, day.Numbers.Day(1, PosFieldType.GrossSales)));
        // The end of the read completes the rest.
        day = Assert.Single(book.Finish(cover));
        Assert.Equal((1L, Day("2026-06-11"), 5m), (day.Day.DepartmentId, day.Day.Date, day.Numbers.Day(1, PosFieldType.GrossSales)));
        Assert.Equal(0, book.OpenDays);
    }

    [Fact]
    public void AWholeDayOfOneDepartment_IsARangeOfItsOwn_ReadForThatDepartmentAlone()
    {
        // The night: yesterday (11 June) for both departments, and 10 June again for department 2 alone (a sale changed).
        var first = Department(1, "Europe/Copenhagen", "1");
        var second = Department(2, "Europe/Copenhagen", "2");
        var book = new DayBook(new SaleRouter([first, second]),
            [Pending(1, "2026-06-11"), Pending(2, "2026-06-11"), Pending(2, "2026-06-10")], amountsIncludeTax: false);

        var ranges = book.Ranges();
        Assert.Equal([(Utc("2026-06-09T22:00:00Z"), Utc("2026-06-10T22:00:00Z")), (Utc("2026-06-10T22:00:00Z"), Utc("2026-06-11T22:00:00Z"))], ranges);
        var changedDay = book.Open(ranges[0].From, ranges[0].Until);
        var yesterday = book.Open(ranges[1].From, ranges[1].Until);
        Assert.Equal(["2"], SaleRouter.ScopeOf(book.DepartmentsOf(changedDay)).RegisterIds);
        Assert.Equal(["1", "2"], SaleRouter.ScopeOf(book.DepartmentsOf(yesterday)).RegisterIds);
    }

    [Fact]
    public void ASplitInsideADay_TheDayWaitsForBothReads_AndCountsEachSaleOnce()
    {
        var department = Department(1, "UTC");
        var book = new DayBook(new SaleRouter([department]), [Pending(1, "2026-06-10"), Pending(1, "2026-06-11")], amountsIncludeTax: false);
        var first = book.Open(Utc("2026-06-10T00:00:00Z"), Utc("2026-06-12T00:00:00Z"));
        Assert.Empty(book.Add(first, Page(Utc("2026-06-10T06:00:00Z"), Sale("2026-06-10T06:00:00Z", "1", Line(1, 1m)))));

        // The rest is cut at noon of the 10th: the first read keeps the morning, the second takes from noon on.
        var second = book.Split(first, Utc("2026-06-10T12:00:00Z"));
        // The second read gets ahead: it passes the end of the 10th, but the 10th still waits for the first read.
        Assert.Empty(book.Add(second, Page(Utc("2026-06-11T01:00:00Z"),
            Sale("2026-06-10T13:00:00Z", "1", Line(1, 2m)), Sale("2026-06-11T01:00:00Z", "1", Line(1, 4m)))));
        // The first read's next page crosses the split: what lies past noon is the second read's, not counted twice.
        var closed = book.Add(first, Page(Utc("2026-06-10T14:00:00Z"),
            Sale("2026-06-10T11:00:00Z", "1", Line(1, 8m)), Sale("2026-06-10T13:00:00Z", "1", Line(1, 2m))));
        var day = Assert.Single(closed);
        Assert.Equal((Day("2026-06-10"), 11m), (day.Day.Date, day.Numbers.Day(1, PosFieldType.GrossSales)));

        day = Assert.Single(book.Finish(second));
        Assert.Equal((Day("2026-06-11"), 4m), (day.Day.Date, day.Numbers.Day(1, PosFieldType.GrossSales)));
    }

    [Fact]
    public void AFailedRead_GivesUpTheDaysItOwed_NotThoseAlreadyComplete()
    {
        var department = Department(1, "UTC");
        var book = new DayBook(new SaleRouter([department]),
            [Pending(1, "2026-06-10"), Pending(1, "2026-06-11"), Pending(1, "2026-06-12")], amountsIncludeTax: false);
        var cover = book.Open(Utc("2026-06-10T00:00:00Z"), Utc("2026-06-13T00:00:00Z"));
        Assert.Single(book.Add(cover, Page(Utc("2026-06-11T09:00:00Z"), Sale("2026-06-11T09:00:00Z", "1", Line(1, 1m)))));

        var owed = book.Abandon(cover);

        Assert.Equal([Day("2026-06-11"), Day("2026-06-12")], owed.Select(d => d.Date).Order());
        Assert.Equal(0, book.OpenDays);
        Assert.Empty(book.Finish(cover));
    }
}
