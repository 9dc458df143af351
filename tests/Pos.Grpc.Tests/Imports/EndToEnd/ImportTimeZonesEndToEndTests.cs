using Pos.Grpc.Contracts.FieldMapping.V1;
using System.Globalization;

namespace Pos.Grpc.Tests.Imports.EndToEnd;

/// <summary>
/// Local days and hours through the whole pipeline: both DST days of Europe/Copenhagen in 2026 (23 and 25 hour
/// intervals) and a department whose time-zone override puts its sales on other days than the client's zone would.
/// Every sale is without tax, so its amount is its price.
/// </summary>
[Collection(EndToEndImportCollection.Name)]
public sealed class ImportTimeZonesEndToEndTests(EndToEndImportFixture host)
{
    private static DateTimeOffset Utc(string time) => DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture);

    private static FixedSale Sale(long saleId, long registerId, string completeTimeUtc, decimal price) =>
        new(saleId, registerId, Utc(completeTimeUtc), [new FixedLine(1, price, Tax: false)]);

    private static PlannedField[] GrossAndTransactions(long clientId) =>
    [
        new(clientId * 100 + 1, "Gross sales", PosFieldType.GrossSales, Split: true),
        new(clientId * 100 + 5, "Transactions", PosFieldType.Transactions, Split: false),
    ];

    [Fact]
    public async Task DstDays_OfCopenhagen_Have23And25IntervalsAndBothTwoOClockHours()
    {
        const long clientId = 5105, accountId = 951005, departmentId = 510501;
        long gross = clientId * 100 + 1, transactions = clientId * 100 + 5;
        await EndToEndClient.DefineAccountAsync(host, accountId, new PlannedShop(1, "Europe/Copenhagen", 0.25m, [21, 22]));
        await EndToEndClient.InjectSalesAsync(host, accountId,
        [
            // Spring forward, Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST; the day runs 2026-03-28T23:00Z to 2026-03-29T22:00Z.
            Sale(2001, 21, "2026-03-28T22:59:59Z", 100m), // Saturday 23:59:59+01:00
            Sale(2002, 21, "2026-03-29T00:30:00Z", 10m),  // 01:30+01:00
            Sale(2003, 22, "2026-03-29T01:30:00Z", 20m),  // 03:30+02:00, the next UTC hour
            Sale(2004, 21, "2026-03-29T21:30:00Z", 30m),  // 23:30+02:00
            Sale(2005, 22, "2026-03-29T22:00:00Z", 100m), // Monday 00:00+02:00
            // Fall back, Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET; the day runs 2026-10-24T22:00Z to 2026-10-25T23:00Z.
            Sale(3001, 21, "2026-10-24T21:59:59Z", 100m), // Saturday 23:59:59+02:00
            Sale(3002, 21, "2026-10-25T00:10:00Z", 11m),  // 02:10+02:00, the first 02:00 hour
            Sale(3003, 22, "2026-10-25T01:10:00Z", 13m),  // 02:10+01:00, the second 02:00 hour
            Sale(3004, 21, "2026-10-25T01:50:00Z", 2m),   // 02:50+01:00, the second 02:00 hour
            Sale(3005, 22, "2026-10-25T22:59:59Z", 7m),   // 23:59:59+01:00
            Sale(3006, 21, "2026-10-25T23:00:00Z", 100m), // Monday 00:00+01:00
        ]);
        // No terminal numbers: both Lightspeed registers feed weekly-balance register 1.
        var client = await EndToEndClient.SetUpAsync(host, clientId, accountId,
            [new PlannedDepartment(departmentId, accountId, [])], GrossAndTransactions(clientId));

        await client.ImportAsync([departmentId], "2026-03-28", "2026-03-30");
        var spring = await client.WeekAsync(departmentId, 2026, 13);
        Assert.Equal(23, spring.Day(1, "2026-03-29").IntervalCount);
        Assert.Equal(23, spring.Field(1, "2026-03-29", gross).Intervals.Count); // every hour, zeros included
        Assert.Equal(24, spring.Day(1, "2026-03-28").IntervalCount);
        Assert.Equal("60.00", spring.Field(1, "2026-03-29", gross).Value);
        Assert.Equal([("2026-03-29T01:00:00+01:00", "10.00"), ("2026-03-29T03:00:00+02:00", "20.00"), ("2026-03-29T23:00:00+02:00", "30.00")],
            spring.Field(1, "2026-03-29", gross).NonZeroIntervals());
        Assert.Equal(["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T21:00:00Z"],
            spring.Field(1, "2026-03-29", gross).Intervals.Where(i => i.Value != "0.00").Select(i => i.StartTime.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        Assert.Equal("3.00", spring.Field(1, "2026-03-29", transactions).Value);
        // The sales a second either side of the day landed on their own days.
        Assert.Equal([("2026-03-28T23:00:00+01:00", "100.00")], spring.Field(1, "2026-03-28", gross).NonZeroIntervals());
        var springMonday = await client.WeekAsync(departmentId, 2026, 14);
        Assert.Equal([("2026-03-30T00:00:00+02:00", "100.00")], springMonday.Field(1, "2026-03-30", gross).NonZeroIntervals());

        await client.ImportAsync([departmentId], "2026-10-24", "2026-10-26");
        var autumn = await client.WeekAsync(departmentId, 2026, 43);
        Assert.Equal(25, autumn.Day(1, "2026-10-25").IntervalCount);
        Assert.Equal(25, autumn.Field(1, "2026-10-25", gross).Intervals.Count);
        // 11 + 13 + 2 + 7: sales 3003 and 3004 share the second 02:00 hour; register 21's and 22's sales both count in register 1.
        Assert.Equal("33.00", autumn.Field(1, "2026-10-25", gross).Value);
        Assert.Equal([("2026-10-25T02:00:00+02:00", "11.00"), ("2026-10-25T02:00:00+01:00", "15.00"), ("2026-10-25T23:00:00+01:00", "7.00")],
            autumn.Field(1, "2026-10-25", gross).NonZeroIntervals());
        Assert.Equal(["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T22:00:00Z"],
            autumn.Field(1, "2026-10-25", gross).Intervals.Where(i => i.Value != "0.00").Select(i => i.StartTime.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        Assert.Equal("4.00", autumn.Field(1, "2026-10-25", transactions).Value);
        Assert.Equal([("2026-10-24T23:00:00+02:00", "100.00")], autumn.Field(1, "2026-10-24", gross).NonZeroIntervals());
        var autumnMonday = await client.WeekAsync(departmentId, 2026, 44);
        Assert.Equal([("2026-10-26T00:00:00+01:00", "100.00")], autumnMonday.Field(1, "2026-10-26", gross).NonZeroIntervals());
    }

    [Fact]
    public async Task DepartmentTimeZoneOverride_BucketsItsSalesInItsOwnZone()
    {
        const long clientId = 5106, accountId = 951006, newYork = 510601, copenhagen = 510602;
        long gross = clientId * 100 + 1;
        await EndToEndClient.DefineAccountAsync(host, accountId, new PlannedShop(1, "America/New_York", 0m, [31, 32]));
        await EndToEndClient.InjectSalesAsync(host, accountId,
        [
            Sale(4001, 31, "2026-11-03T03:30:00Z", 25m), // New York: Monday 22:30-05:00 (Copenhagen: Tuesday 04:30)
            Sale(4002, 31, "2026-11-03T05:30:00Z", 4m),  // New York: Tuesday 00:30-05:00
            Sale(4003, 32, "2026-11-02T23:30:00Z", 9m),  // Copenhagen: Tuesday 00:30+01:00 (New York: Monday 18:30)
        ]);
        // One client in Copenhagen (the default zone); one department overrides it with New York.
        var client = await EndToEndClient.SetUpAsync(host, clientId, accountId,
        [
            new PlannedDepartment(newYork, accountId, ["31"], TimeZone: "America/New_York"),
            new PlannedDepartment(copenhagen, accountId, ["32"]),
        ], GrossAndTransactions(clientId));

        await client.ImportAsync([newYork, copenhagen], "2026-11-02", "2026-11-03");

        var inNewYork = await client.WeekAsync(newYork, 2026, 45);
        Assert.Equal("America/New_York", inNewYork.TimeZone);
        Assert.Equal("25.00", inNewYork.Field(1, "2026-11-02", gross).Value);
        Assert.Equal([("2026-11-02T22:00:00-05:00", "25.00")], inNewYork.Field(1, "2026-11-02", gross).NonZeroIntervals());
        Assert.Equal([("2026-11-03T00:00:00-05:00", "4.00")], inNewYork.Field(1, "2026-11-03", gross).NonZeroIntervals());

        var inCopenhagen = await client.WeekAsync(copenhagen, 2026, 45);
        Assert.Equal("Europe/Copenhagen", inCopenhagen.TimeZone);
        Assert.Equal("0.00", inCopenhagen.Field(1, "2026-11-02", gross).Value);
        Assert.Equal([("2026-11-03T00:00:00+01:00", "9.00")], inCopenhagen.Field(1, "2026-11-03", gross).NonZeroIntervals());
    }
}
