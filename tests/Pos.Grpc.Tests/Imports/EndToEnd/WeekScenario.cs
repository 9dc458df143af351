using Pos.Grpc.Contracts.FieldMapping.V1;

namespace Pos.Grpc.Tests.Imports.EndToEnd;

/// <summary>An injected sale line (the simulator's FixedLineInput): the simulator derives every calc field from these.</summary>
/// <param name="DiscountPercent">A fraction: 0.25 = 25 %.</param>
public sealed record FixedLine(int UnitQuantity, decimal UnitPrice, decimal DiscountAmount = 0, decimal DiscountPercent = 0, bool Tax = true,
    long ParentSaleLineId = 0);

/// <summary>An injected sale (the simulator's FixedSaleInput). Line ids are SaleId × 100 + n.</summary>
/// <param name="DiscountPercent">The whole-sale ("transaction") discount, a fraction.</param>
public sealed record FixedSale(long SaleId, long RegisterId, DateTimeOffset? CompleteTime, FixedLine[] Lines, decimal DiscountPercent = 0,
    bool Completed = true, bool Voided = false, long ShopId = 1, DateTimeOffset? CreateTime = null);

/// <summary>
/// One week of hand-picked Lightspeed sales, ISO week 2026-W45 (Monday 2026-11-02 to Sunday 2026-11-08, CET = UTC+1
/// in Copenhagen), on one shop with 25 % tax1 and registers 11 and 12 (the department's terminal numbers, weekly-balance
/// registers 1 and 2) plus 13 (not the department's). Every expected number in the tests is worked out by hand from
/// this list; the arithmetic is written next to each sale.
/// </summary>
public static class WeekScenario
{
    public const int IsoYear = 2026, IsoWeek = 45;
    public const string Monday = "2026-11-02", Tuesday = "2026-11-03", Wednesday = "2026-11-04", Thursday = "2026-11-05",
        Friday = "2026-11-06", Saturday = "2026-11-07", Sunday = "2026-11-08";
    public static readonly string[] Days = [Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday];

    public static readonly PlannedShop Shop = new(1, "Europe/Copenhagen", 0.25m, [11, 12, 13]);
    public static readonly string[] TerminalNumbers = ["11", "12"];

    private static DateTimeOffset Utc(string time) => DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture);

    public static readonly FixedSale[] Sales =
    [
        // Tuesday 10:15 local, register 11 (weekly register 1).
        //   line 1: 2 × 100, tax 50            → excl. tax: amount 200, discount 0
        //   line 2: 1 × 50 − 10 line discount  → excl. tax: amount 40, discount 10 (tax 10, total 50)
        new(1001, 11, Utc("2026-11-03T09:15:00Z"), [new(2, 100m), new(1, 50m, DiscountAmount: 10m)]),
        // Tuesday 10:40 local, register 11: 1 × 80, 25 % line discount (20), then 10 % off the sale (6 of the 60 left)
        //   → excl. tax: amount 54, discount 26 (tax 13.50, total 67.50)
        new(1002, 11, Utc("2026-11-03T09:40:00Z"), [new(1, 80m, DiscountPercent: 0.25m)], DiscountPercent: 0.10m),
        // Tuesday 14:05 local, register 12 (weekly register 2): an exchange, 1 × 30 back and 1 × 45 out
        //   → returns 30 (incl. tax 37.50), gross 45 (incl. tax 56.25); it counts as a transaction (it sold something)
        new(1003, 12, Utc("2026-11-03T13:05:00Z"), [new(-1, 30m), new(1, 45m)]),
        // Voided (1000) and open (2000): never counted.
        new(1004, 11, Utc("2026-11-03T11:00:00Z"), [new(1, 1000m)], Voided: true),
        new(1005, 11, null, [new(1, 2000m)], Completed: false, CreateTime: Utc("2026-11-03T12:00:00Z")),
        // Register 13 is not one of the department's terminal numbers: skipped.
        new(1006, 13, Utc("2026-11-03T10:00:00Z"), [new(1, 500m)]),
        // Tuesday 17:30 local, register 12: 3 × 20 without tax → 60 whether or not amounts include tax.
        new(1007, 12, Utc("2026-11-03T16:30:00Z"), [new(3, 20m, Tax: false)]),
        // Thursday 11:20 local, register 11: refund of one of Tuesday's 2 × 100 (line 100101). It lands on Thursday:
        //   returns 100 (incl. tax 125), no transaction, Tuesday untouched.
        new(1008, 11, Utc("2026-11-05T10:20:00Z"), [new(-1, 100m, ParentSaleLineId: 100101)]),
        // 23:30 UTC on Tuesday is 00:30 on Wednesday in Copenhagen: register 12, 1 × 10 (incl. tax 12.50).
        new(1009, 12, Utc("2026-11-03T23:30:00Z"), [new(1, 10m)]),
        // Friday 13:05 and 13:35 local, register 11: each 1 × 10.01 with 50 % off, so amount 5.005 and discount 5.005
        // (incl. tax: amount 6.25625). Rounded only when stored, per hour: discounts 10.01 (not 2 × 5.01), gross 20.02.
        new(1012, 11, Utc("2026-11-06T12:05:00Z"), [new(1, 10.01m, DiscountPercent: 0.5m)]),
        new(1013, 11, Utc("2026-11-06T12:35:00Z"), [new(1, 10.01m, DiscountPercent: 0.5m)]),
    ];

    /// <summary>
    /// Every POS field type mapped once: gross and net sales split into hours, the others not, and visitors
    /// (which no Lightspeed API provides). Field ids are the client id × 100 + n.
    /// </summary>
    public static PlannedField[] Fields(long clientId)
    {
        var ids = new ScenarioFields(clientId);
        return
        [
            new(ids.Gross, "Gross sales", PosFieldType.GrossSales, Split: true, Mandatory: true),
            new(ids.Net, "Net sales", PosFieldType.NetSales, Split: true),
            new(ids.Discounts, "Discounts", PosFieldType.Discounts, Split: false),
            new(ids.Returns, "Returns", PosFieldType.Returns, Split: false),
            new(ids.Transactions, "Transactions", PosFieldType.Transactions, Split: false),
            new(ids.GoodsSold, "Goods sold", PosFieldType.GoodsSold, Split: false),
            new(ids.ReturnedGoods, "Returned goods", PosFieldType.ReturnedGoods, Split: false),
            new(ids.Visitors, "Visitors", PosFieldType.Visitors, Split: false),
        ];
    }

    /// <summary>Defines the account (only injected sales) with <see cref="Shop"/> and injects <see cref="Sales"/>.</summary>
    public static async Task DefineAccountAsync(EndToEndImportFixture host, long accountId)
    {
        await EndToEndClient.DefineAccountAsync(host, accountId, Shop);
        await EndToEndClient.InjectSalesAsync(host, accountId, Sales);
    }
}

/// <summary>The field ids of <see cref="WeekScenario.Fields"/> for one client.</summary>
public sealed record ScenarioFields(long ClientId)
{
    public long Gross => ClientId * 100 + 1;
    public long Net => ClientId * 100 + 2;
    public long Discounts => ClientId * 100 + 3;
    public long Returns => ClientId * 100 + 4;
    public long Transactions => ClientId * 100 + 5;
    public long GoodsSold => ClientId * 100 + 6;
    public long ReturnedGoods => ClientId * 100 + 7;
    public long Visitors => ClientId * 100 + 8;

    /// <summary>The fields Lightspeed provides (all but visitors).</summary>
    public long[] Provided => [Gross, Net, Discounts, Returns, Transactions, GoodsSold, ReturnedGoods];
}
