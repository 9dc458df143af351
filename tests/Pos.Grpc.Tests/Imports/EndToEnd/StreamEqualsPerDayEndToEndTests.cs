using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Reading;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Tests.Imports.EndToEnd;

/// <summary>
/// The engine reads a year of an account as one stream (or a few parts read side by side) and closes each day as the
/// stream passes its end. The old way read every department-day on its own. Both must give every value to the cent:
/// a year of generated sales (both DST days, refunds, exchanges, voided, open and archived sales, sub-cent line
/// amounts) plus sales voided and edited after the fact, imported by the engine, is compared value by value with
/// each day read on its own through the same provider.
/// </summary>
[Collection(EndToEndImportCollection.Name)]
public sealed class StreamEqualsPerDayEndToEndTests(EndToEndImportFixture host)
{
    private const long ClientId = 5201, AccountId = 952001, DepartmentId = 520101;

    private static readonly PlannedField[] Fields =
    [
        new(ClientId * 100 + 1, "Gross sales", PosFieldType.GrossSales, Split: true),
        new(ClientId * 100 + 2, "Net sales", PosFieldType.NetSales, Split: true),
        new(ClientId * 100 + 3, "Discounts", PosFieldType.Discounts, Split: false),
        new(ClientId * 100 + 4, "Returns", PosFieldType.Returns, Split: true),
        new(ClientId * 100 + 5, "Transactions", PosFieldType.Transactions, Split: true),
        new(ClientId * 100 + 6, "Goods sold", PosFieldType.GoodsSold, Split: false),
        new(ClientId * 100 + 7, "Returned goods", PosFieldType.ReturnedGoods, Split: false),
    ];

    [Fact]
    public async Task AYear_ReadAsOneStream_GivesEveryValueOfEachDayReadOnItsOwn()
    {
        var put = await host.SimulatorAdmin.PutAsJsonAsync($"/__sim/accounts/{AccountId}", new
        {
            name = "A year", generate = true, salesPerShopPerDay = 25, seed = 11,
            shops = new[] { new { shopId = 1, name = "Strøget", timeZone = "Europe/Copenhagen", tax1Rate = 0.25m, tax2Rate = 0m,
                registers = new[] { new { registerId = 1, name = "Kasse 1" }, new { registerId = 2, name = "Kasse 2" } } } },
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var copenhagen = TimeZones.Find("Europe/Copenhagen");
        var until = TimeZones.LocalDateOf(DateTimeOffset.UtcNow, copenhagen).AddDays(-1);
        var from = until.AddDays(-364);
        // Late changes: sales voided, and one edited, after the day they were made.
        foreach (var (day, count, seed) in new[] { (from.AddDays(40), 2, 1), (from.AddDays(200), 1, 2), (until.AddDays(-3), 3, 3) })
        {
            var changed = await host.SimulatorAdmin.PostAsJsonAsync($"/__sim/accounts/{AccountId}/changes/random", new { days = new[] { day }, count, seed });
            Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());
        }
        var client = await EndToEndClient.SetUpAsync(host, ClientId, AccountId, [new PlannedDepartment(DepartmentId, AccountId, ["1", "2"])], Fields);

        var job = await client.ImportAsync([DepartmentId], Dates.ToWire(from), Dates.ToWire(until));
        Assert.Equal(365, job.Progress.DepartmentDaysDone);

        var expected = await ReadEachDayOnItsOwnAsync(from, until);
        var (days, intervals) = await StoredAsync();
        Assert.Equal(expected.Days.Count, days.Count);
        foreach (var (key, value) in expected.Days)
            Assert.True(days.TryGetValue(key, out var stored) && stored == value, $"Day value {key}: per day {value}, stream {(days.TryGetValue(key, out var s) ? s : "none")}");
        Assert.Equal(expected.Intervals.Count, intervals.Count);
        foreach (var (key, value) in expected.Intervals)
            Assert.True(intervals.TryGetValue(key, out var stored) && stored == value, $"Interval {key}: per day {value}, stream {(intervals.TryGetValue(key, out var s) ? s : "none")}");
        // Both DST days are in the year, with their 23 and 25 hours, and had sales.
        Assert.Equal([23, 24, 25], expected.HoursPerDay.Order());
    }

    private sealed record Expected(Dictionary<(int Register, DateOnly Date, long Field), decimal> Days,
        Dictionary<(int Register, DateOnly Date, long Field, DateTimeOffset StartUtc), decimal> Intervals, HashSet<int> HoursPerDay);

    /// <summary>Each department-day read on its own window through the host's provider and aggregated alone, as the old engine did.</summary>
    private async Task<Expected> ReadEachDayOnItsOwnAsync(DateOnly from, DateOnly until)
    {
        var providers = host.Services.GetRequiredService<PosProviders>();
        var configuration = await host.Services.GetRequiredService<Host.Infrastructure.Caching.ClientConfigurationCache>().GetAsync(ClientId, CancellationToken.None);
        var (connection, _) = await host.Services.GetRequiredService<ConnectionDirectory>()
            .FindActiveAsync(ClientId, new PosAccount(PosSystem.LightspeedRSeries, $"{AccountId}"), CancellationToken.None);
        var provider = providers.Find(PosSystem.LightspeedRSeries)!;
        var entity = configuration.Departments.Single(d => d.Id == DepartmentId);
        var department = new ReadDepartment(entity, configuration.ZoneOf(entity));
        var router = new SaleRouter([department]);
        var (fields, _) = Host.Engine.Days.MappedFields.Classify(configuration.Fields, t => providers.Provides(configuration.Settings.PosIntegrationService, t));
        var expected = new Expected([], [], []);
        for (var date = from; date <= until; date = date.AddDays(1))
        {
            var book = new DayBook(router, [new PendingDay(DepartmentId, date, 0, null)], configuration.Settings.AmountsIncludeTax);
            var (start, end) = department.WindowOf(date);
            var cover = book.Open(start, end);
            var closed = new List<ClosedDay>();
            await foreach (var page in provider.ReadSalesAsync(new SalesRead(connection!, router.Scope(), start, end, RequestPriority.Manual), CancellationToken.None))
                closed.AddRange(book.Add(cover, page));
            closed.AddRange(book.Finish(cover));
            var numbers = Assert.Single(closed).Numbers;
            if (numbers.SalesCounted > 0) expected.HoursPerDay.Add(numbers.IntervalStartsUtc.Count);
            for (var register = 1; register <= numbers.RegisterCount; register++)
                foreach (var field in fields)
                {
                    expected.Days[(register, date, field.FieldId)] = numbers.Day(register, field.Type);
                    if (!field.SplitIntoIntervals) continue;
                    foreach (var hour in numbers.Hours(register, field.Type))
                        expected.Intervals[(register, date, field.FieldId, hour.StartUtc)] = hour.Value;
                }
        }
        return expected;
    }

    private async Task<(Dictionary<(int, DateOnly, long), decimal> Days, Dictionary<(int, DateOnly, long, DateTimeOffset), decimal> Intervals)> StoredAsync()
    {
        await using var db = host.NewDbContext();
        var days = (await db.DayValues.AsNoTracking().Where(v => v.DepartmentId == DepartmentId).ToListAsync())
            .ToDictionary(v => (v.RegisterNumber, v.Date, v.FieldId), v => v.Value);
        var intervals = (await db.IntervalValues.AsNoTracking().Where(v => v.DepartmentId == DepartmentId).ToListAsync())
            .ToDictionary(v => (v.RegisterNumber, v.Date, v.FieldId, v.StartUtc), v => v.Value);
        return (days, intervals);
    }
}
