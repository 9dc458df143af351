using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Features.FieldMapping;
using Pos.Grpc.Host.Engine.Days;
using Pos.Grpc.Providers;
using static Pos.Grpc.Tests.Imports.Numbers.TestSales;

namespace Pos.Grpc.Tests.Imports.Numbers;

/// <summary>
/// docs/domain.md section 5 rule by rule, on a fixed set of sales whose numbers are worked out by hand below.
/// Wednesday 2026-06-10 in Copenhagen is CEST (UTC+02:00): local 10:xx is the interval starting 08:00Z.
/// Registers: "101" feeds register 1, "102" feeds register 2.
/// </summary>
public sealed class DayAggregatorTests
{
    private static readonly TimeZoneInfo Copenhagen = TimeZones.Find("Europe/Copenhagen");
    private static readonly string[] TwoRegisters = ["101", "102"];

    private static readonly PosSale[] Sales =
    [
        // Register 1, 10:15. Tax and both discounts. Line 1: amount 100 - 15 - 5 = 80, discount 10 (line).
        // Line 2: amount 36.25 - 6.25 = 30, discount 2.50 (transaction). Gross 90 + 32.50 = 122.50.
        Sale("2026-06-10T10:15:00+02:00", "101",
            Line(2, 100.00m, tax1: 15.00m, tax2: 5.00m, lineDiscount: 10.00m),
            Line(1, 36.25m, tax1: 6.25m, transactionDiscount: 2.50m)),
        // Register 1, 10:40. Exchange: one sold (amount 40), one returned (amount -20 -> returns 20).
        Sale("2026-06-10T10:40:00+02:00", "101",
            Line(1, 50.00m, tax1: 10.00m),
            Line(-1, -25.00m, tax1: -5.00m)),
        // Register 2, 00:00:00 exactly: the first instant of the day belongs to it (hour 00 = 22:00Z the day before).
        Sale("2026-06-10T00:00:00+02:00", "102", Line(1, 1.20m, tax1: 0.20m)),
        // Register 2, 14:05. Sub-cent amounts as Lightspeed sends them: amount 51.73875 - 2.25 - 4.48875 = 45, discount 45.
        Sale("2026-06-10T14:05:00+02:00", "102",
            Line(3, 51.73875m, tax1: 2.25m, tax2: 4.48875m, lineDiscount: 45m)),
        // Register 2, 14:50: a second sale in the same hour. Amount 10.
        Sale("2026-06-10T14:50:00+02:00", "102", Line(1, 12.50m, tax1: 2.50m)),
        // Register 2, 20:10. Amount 5.
        Sale("2026-06-10T20:10:00+02:00", "102", Line(1, 6.00m, tax1: 1.00m)),
        // Register 999 is not one of the department's: another department's sale (counted only without terminal numbers).
        Sale("2026-06-10T12:00:00+02:00", "999", Line(1, 77.00m)),
        // One second before the day: the day before's.
        Sale("2026-06-09T23:59:59+02:00", "101", Line(1, 8000m)),
        // The refund of sale 1's first line, a day later (Thursday 09:20): it counts on Thursday, not on Wednesday.
        Sale("2026-06-11T09:20:00+02:00", "101",
            Line(-2, -23.00m, tax1: -3.00m)),
    ];

    private static DayNumbers Aggregate(string date, IEnumerable<PosSale> sales, string[]? terminalNumbers = null, bool amountsIncludeTax = false,
        string zone = "Europe/Copenhagen", string? shopId = null) =>
        TestDays.AggregateDay(date, sales, terminalNumbers ?? TwoRegisters, amountsIncludeTax, zone, shopId);

    private static Dictionary<DateTimeOffset, decimal> HoursOf(DayNumbers numbers, int register, PosFieldType type) =>
        numbers.Hours(register, type).ToDictionary(h => h.StartUtc, h => h.Value);

    [Fact]
    public void Aggregate_AmountsExcludingTax_EveryRulePerRegisterAndHour()
    {
        var numbers = Aggregate("2026-06-10", Sales);

        // The day gets its own department's sales of the day (not register 999's, not the days before and after).
        Assert.Equal(6, numbers.SalesRead);
        Assert.Equal(6, numbers.SalesCounted);
        Assert.Equal(2, numbers.RegisterCount);
        Assert.Equal(24, numbers.IntervalStartsUtc.Count);

        // Register 1: sales 1 and 2, both in local hour 10 (08:00Z).
        Assert.Equal(162.50m, numbers.Day(1, PosFieldType.GrossSales));   // 122.50 + 40
        Assert.Equal(12.50m, numbers.Day(1, PosFieldType.Discounts));     // 10 + 2.50
        Assert.Equal(20.00m, numbers.Day(1, PosFieldType.Returns));       // |-20|
        Assert.Equal(130.00m, numbers.Day(1, PosFieldType.NetSales));     // 162.50 - 12.50 - 20
        Assert.Equal(2m, numbers.Day(1, PosFieldType.Transactions));      // the exchange has a sold line
        Assert.Equal(4m, numbers.Day(1, PosFieldType.GoodsSold));         // 2 + 1 + 1
        Assert.Equal(1m, numbers.Day(1, PosFieldType.ReturnedGoods));
        Assert.Equal(new Dictionary<DateTimeOffset, decimal> { [Utc("2026-06-10T08:00:00Z")] = 162.50m },
            HoursOf(numbers, 1, PosFieldType.GrossSales));
        // An hour with sales has a value for every field, 0 included.
        Assert.Equal(new Dictionary<DateTimeOffset, decimal> { [Utc("2026-06-10T08:00:00Z")] = 20.00m },
            HoursOf(numbers, 1, PosFieldType.Returns));

        // Register 2: hour 00 (sale 3), hour 14 (sales 4 and 5), hour 20 (sale 6).
        Assert.Equal(106.00m, numbers.Day(2, PosFieldType.GrossSales));   // 1 + (90 + 10) + 5
        Assert.Equal(45.00m, numbers.Day(2, PosFieldType.Discounts));
        Assert.Equal(0m, numbers.Day(2, PosFieldType.Returns));
        Assert.Equal(61.00m, numbers.Day(2, PosFieldType.NetSales));      // 106 - 45
        Assert.Equal(4m, numbers.Day(2, PosFieldType.Transactions));
        Assert.Equal(6m, numbers.Day(2, PosFieldType.GoodsSold));         // 1 + 3 + 1 + 1
        Assert.Equal(0m, numbers.Day(2, PosFieldType.ReturnedGoods));
        Assert.Equal(new Dictionary<DateTimeOffset, decimal>
        {
            [Utc("2026-06-09T22:00:00Z")] = 1.00m,
            [Utc("2026-06-10T12:00:00Z")] = 100.00m,
            [Utc("2026-06-10T18:00:00Z")] = 5.00m,
        }, HoursOf(numbers, 2, PosFieldType.GrossSales));
        Assert.Equal(new Dictionary<DateTimeOffset, decimal>
        {
            [Utc("2026-06-09T22:00:00Z")] = 1m,
            [Utc("2026-06-10T12:00:00Z")] = 2m,
            [Utc("2026-06-10T18:00:00Z")] = 1m,
        }, HoursOf(numbers, 2, PosFieldType.Transactions));
        Assert.Equal(55.00m, numbers.Hour(2, PosFieldType.NetSales, Utc("2026-06-10T12:00:00Z")));
        Assert.Equal(0m, numbers.Hour(2, PosFieldType.GrossSales, Utc("2026-06-10T09:00:00Z")));
        Assert.False(numbers.HadSales(2, Utc("2026-06-10T09:00:00Z")));
    }

    [Fact]
    public void Aggregate_AmountsIncludeTax_LineAmountIsCalcTotalRoundedOnlyPerStoredHour()
    {
        var numbers = Aggregate("2026-06-10", Sales, amountsIncludeTax: true);

        // Register 1: (100 + 10) + (36.25 + 2.50) + 50 = 198.75; returns |-25| = 25.
        Assert.Equal(198.75m, numbers.Day(1, PosFieldType.GrossSales));
        Assert.Equal(12.50m, numbers.Day(1, PosFieldType.Discounts));
        Assert.Equal(25.00m, numbers.Day(1, PosFieldType.Returns));
        Assert.Equal(161.25m, numbers.Day(1, PosFieldType.NetSales));
        Assert.Equal(2m, numbers.Day(1, PosFieldType.Transactions));

        // Register 2, hour 14: 51.73875 + 45 + 12.50 = 109.23875 -> 109.24 stored.
        Assert.Equal(109.24m, numbers.Hour(2, PosFieldType.GrossSales, Utc("2026-06-10T12:00:00Z")));
        Assert.Equal(64.24m, numbers.Hour(2, PosFieldType.NetSales, Utc("2026-06-10T12:00:00Z")));
        Assert.Equal(116.44m, numbers.Day(2, PosFieldType.GrossSales));   // 1.20 + 109.24 + 6.00
        Assert.Equal(71.44m, numbers.Day(2, PosFieldType.NetSales));      // 116.44 - 45
        Assert.Equal(6m, numbers.Day(2, PosFieldType.GoodsSold));
    }

    [Fact]
    public void Aggregate_RefundOnALaterDay_CountsOnTheDayItHappened()
    {
        var thursday = Aggregate("2026-06-11", Sales);

        Assert.Equal(1, thursday.SalesCounted);
        Assert.Equal(0m, thursday.Day(1, PosFieldType.GrossSales));
        Assert.Equal(20.00m, thursday.Day(1, PosFieldType.Returns));      // |-23 - (-3)|
        Assert.Equal(-20.00m, thursday.Day(1, PosFieldType.NetSales));
        Assert.Equal(0m, thursday.Day(1, PosFieldType.Transactions));     // a pure refund is no transaction
        Assert.Equal(0m, thursday.Day(1, PosFieldType.GoodsSold));
        Assert.Equal(2m, thursday.Day(1, PosFieldType.ReturnedGoods));
        Assert.Equal(new Dictionary<DateTimeOffset, decimal> { [Utc("2026-06-11T07:00:00Z")] = 0m },
            HoursOf(thursday, 1, PosFieldType.Transactions));

        var refundWithTax = Aggregate("2026-06-11", Sales, amountsIncludeTax: true);
        Assert.Equal(23.00m, refundWithTax.Day(1, PosFieldType.Returns));

        // And the day before does not see the refund: Wednesday's returns are the exchange's alone.
        Assert.Equal(20.00m, Aggregate("2026-06-10", Sales).Day(1, PosFieldType.Returns));
    }

    [Fact]
    public void Aggregate_NoTerminalNumbers_EveryRegisterIntoRegister1()
    {
        var numbers = Aggregate("2026-06-10", Sales, terminalNumbers: []);

        Assert.Equal(1, numbers.RegisterCount);
        Assert.Equal(7, numbers.SalesCounted);                              // the six, plus register 999's
        Assert.Equal(345.50m, numbers.Day(1, PosFieldType.GrossSales));   // 162.50 + 106 + 77
        Assert.Equal(57.50m, numbers.Day(1, PosFieldType.Discounts));     // 12.50 + 45
        Assert.Equal(268.00m, numbers.Day(1, PosFieldType.NetSales));     // 345.50 - 57.50 - 20
        Assert.Equal(7m, numbers.Day(1, PosFieldType.Transactions));
    }

    [Fact]
    public void Aggregate_SaleOfAnotherShop_Skipped()
    {
        var sales = new[]
        {
            Sale("2026-06-10T10:00:00+02:00", "101", Line(1, 10m)),
            Sale("2026-06-10T10:00:00+02:00", "101", Line(1, 20m)) with { ShopId = "2" },
            Sale("2026-06-10T10:00:00+02:00", "101", Line(1, 40m)) with { ShopId = "" },
        };

        var numbers = Aggregate("2026-06-10", sales, terminalNumbers: [], shopId: "1");

        // The sale without a shop is taken: the POS did not say it belongs elsewhere.
        Assert.Equal(50m, numbers.Day(1, PosFieldType.GrossSales));
    }

    [Fact]
    public void Aggregate_NoSales_ZeroEverywhereAndNoHours()
    {
        var numbers = Aggregate("2026-06-10", []);

        foreach (var type in DayNumbers.ProvidedTypes)
        {
            Assert.Equal(0m, numbers.Day(1, type));
            Assert.Equal(0m, numbers.Day(2, type));
            Assert.Empty(numbers.Hours(2, type));
        }
    }

    [Fact]
    public void Aggregate_SpringForward2026_03_29_23IntervalsAndEverySaleInItsHour()
    {
        var sales = new[]
        {
            Sale("2026-03-29T00:30:00+01:00", "101", Line(1, 1m)),
            Sale("2026-03-29T01:59:59+01:00", "101", Line(1, 2m)),
            // 02:00 CET does not exist: the next instant is 03:00 CEST (01:00Z).
            Sale("2026-03-29T03:00:00+02:00", "101", Line(1, 4m)),
            Sale("2026-03-29T23:59:00+02:00", "101", Line(1, 8m)),
        };

        var numbers = Aggregate("2026-03-29", sales);

        Assert.Equal(23, numbers.IntervalStartsUtc.Count);
        Assert.Equal(Utc("2026-03-28T23:00:00Z"), numbers.StartUtc);
        Assert.Equal(Utc("2026-03-29T22:00:00Z"), numbers.EndUtc);
        Assert.Equal(new Dictionary<DateTimeOffset, decimal>
        {
            [Utc("2026-03-28T23:00:00Z")] = 1m,
            [Utc("2026-03-29T00:00:00Z")] = 2m,
            [Utc("2026-03-29T01:00:00Z")] = 4m,
            [Utc("2026-03-29T21:00:00Z")] = 8m,
        }, HoursOf(numbers, 1, PosFieldType.GrossSales));
        Assert.Equal(15m, numbers.Day(1, PosFieldType.GrossSales));
    }

    [Fact]
    public void Aggregate_FallBack2026_10_25_25IntervalsAndTheTwo0200HoursAreDifferentIntervals()
    {
        var sales = new[]
        {
            Sale("2026-10-25T02:30:00+02:00", "101", Line(1, 1m)),  // first 02:00 hour (CEST) = 00:00Z
            Sale("2026-10-25T02:10:00+01:00", "101", Line(1, 2m)),  // second 02:00 hour (CET) = 01:00Z
            Sale("2026-10-25T02:50:00+01:00", "101", Line(1, 4m)),
            Sale("2026-10-25T23:30:00+01:00", "102", Line(1, 8m)),  // last interval of the day
        };

        var numbers = Aggregate("2026-10-25", sales);

        Assert.Equal(25, numbers.IntervalStartsUtc.Count);
        Assert.Equal(new Dictionary<DateTimeOffset, decimal>
        {
            [Utc("2026-10-25T00:00:00Z")] = 1m,
            [Utc("2026-10-25T01:00:00Z")] = 6m,
        }, HoursOf(numbers, 1, PosFieldType.GrossSales));
        Assert.Equal(new Dictionary<DateTimeOffset, decimal>
        {
            [Utc("2026-10-25T00:00:00Z")] = 1m,
            [Utc("2026-10-25T01:00:00Z")] = 2m,
        }, HoursOf(numbers, 1, PosFieldType.Transactions));
        Assert.Equal(new Dictionary<DateTimeOffset, decimal> { [Utc("2026-10-25T22:00:00Z")] = 8m },
            HoursOf(numbers, 2, PosFieldType.GrossSales));
    }

    [Fact]
    public void Aggregate_DepartmentTimeZoneOverride_DayAndHoursInTheDepartmentsZone()
    {
        var zone = TimeZones.ForDepartment("America/New_York", null, "Europe/Copenhagen");
        var sales = new[]
        {
            // Copenhagen's Wednesday morning, but still Tuesday evening in New York (EDT, UTC-04:00).
            Sale("2026-06-10T03:30:00Z", "101", Line(1, 1m)),
            // Wednesday 09:15 in New York = 13:15Z.
            Sale("2026-06-10T13:15:00Z", "101", Line(1, 2m)),
            // Wednesday 23:30 in New York = Thursday 03:30Z: still New York's Wednesday.
            Sale("2026-06-11T03:30:00Z", "101", Line(1, 4m)),
        };

        var numbers = Aggregate("2026-06-10", sales, zone: zone.Id);

        Assert.Equal(Utc("2026-06-10T04:00:00Z"), numbers.StartUtc);
        Assert.Equal(new Dictionary<DateTimeOffset, decimal>
        {
            [Utc("2026-06-10T13:00:00Z")] = 2m,
            [Utc("2026-06-11T03:00:00Z")] = 4m,
        }, HoursOf(numbers, 1, PosFieldType.GrossSales));
    }

    [Fact]
    public void Aggregate_ZeroQuantityLine_NeitherSoldNorReturned()
    {
        var numbers = Aggregate("2026-06-10", [Sale("2026-06-10T10:00:00+02:00", "101", Line(0, 5m, lineDiscount: 1m))]);

        foreach (var type in DayNumbers.ProvidedTypes) Assert.Equal(0m, numbers.Day(1, type));
        Assert.True(numbers.HadSales(1, Utc("2026-06-10T08:00:00Z")));
    }

    [Fact]
    public void ProvidedTypes_EveryPosFieldType_VisitorsFromCoversOfSalesOnly()
    {
        Assert.Equal(PosFieldTypes.All, DayNumbers.ProvidedTypes);
        var numbers = Aggregate("2026-06-10",
        [
            Sale("2026-06-10T12:00:00+02:00", "101", Line(1, 10m)) with { Covers = 4 },
            // A refund account's covers are no visitors (K-Series counts covers on SALE accounts only).
            Sale("2026-06-10T13:00:00+02:00", "101", Line(-1, -10m)) with { Covers = 2, Kind = PosSaleKind.Refund },
        ]);
        Assert.Equal(4m, numbers.Day(1, PosFieldType.Visitors));
        Assert.Equal(1m, numbers.Day(1, PosFieldType.Transactions));
    }
}
