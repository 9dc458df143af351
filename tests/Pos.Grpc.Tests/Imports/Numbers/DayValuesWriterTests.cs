using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host;
using Pos.Grpc.Host.Engine.Days;
using Pos.Grpc.Host.Engine.Reading;
using Pos.Grpc.Host.Infrastructure.Caching;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Providers;
using Pos.Grpc.Tests.Infrastructure;
using Pos.Grpc.Tests.WeeklyBalance;
using static Pos.Grpc.Tests.Imports.Numbers.TestSales;
using Microsoft.Extensions.Time.Testing;

namespace Pos.Grpc.Tests.Imports.Numbers;

/// <summary>
/// A department-day from sales to rows against the real PostgreSQL: read through a day book (routing, aggregation),
/// written in a transaction the test opens with the department's lock (as the job's checkpoint does). Each test has its own client and department ids.
/// Wednesday 2026-06-10 in Copenhagen is UTC+02:00: local 10:xx is the interval starting 08:00Z.
/// </summary>
public sealed class DayValuesWriterTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    private const string Date = "2026-06-10";
    private readonly ImportNumbersSeed _seed = new(host);
    private readonly WeeklyBalanceSeed _balance = new(host);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 11, 2, 0, 0, TimeSpan.Zero));

    private sealed record DayRow(int Register, long FieldId, decimal Value);
    private sealed record IntervalRow(int Register, long FieldId, DateTimeOffset StartUtc, decimal Value);
    private sealed record Snapshot(List<DayValueRow> Days, List<IntervalValueRow> Intervals);
    private sealed record DayValueRow(int Register, DateOnly Date, long FieldId, decimal Value, DateTimeOffset UpdatedAt);
    private sealed record IntervalValueRow(int Register, long FieldId, DateTimeOffset StartUtc, DateOnly Date, decimal Value, DateTimeOffset UpdatedAt);

    /// <summary>Register 101: 10:15 gross 90 (discount 10), 14:30 gross 10. Register 102 sells nothing.</summary>
    private static List<PosSale> TwoSalesOnRegister101() =>
    [
        Sale("2026-06-10T10:15:00+02:00", "101", Line(2, 100.00m, tax1: 15.00m, tax2: 5.00m, lineDiscount: 10.00m)),
        Sale("2026-06-10T14:30:00+02:00", "101", Line(1, 12.50m, tax1: 2.50m)),
    ];

    /// <summary>Gross (split), net (not split), transactions (split), visitors (split, not provided), and an unmapped field.</summary>
    private async Task SeedClientAsync(long clientId, long departmentId, string[] terminalNumbers)
    {
        await _seed.SettingsAsync(clientId);
        await _seed.DepartmentAsync(clientId, departmentId, terminalNumbers);
        await _seed.FieldAsync(clientId, clientId * 100 + 1, PosFieldType.GrossSales, split: true);
        await _seed.FieldAsync(clientId, clientId * 100 + 2, PosFieldType.NetSales);
        await _seed.FieldAsync(clientId, clientId * 100 + 3, PosFieldType.Transactions, split: true, mandatory: true);
        await _seed.FieldAsync(clientId, clientId * 100 + 4, PosFieldType.Visitors, split: true);
        await _seed.FieldAsync(clientId, clientId * 100 + 5, null);
    }

    /// <summary>A department-day read from <paramref name="sales"/> as a job's read does it: routed, aggregated, classified.</summary>
    private sealed record PreparedDay(DayWrite Write, IReadOnlyList<string> NotProvided, (DateTimeOffset From, DateTimeOffset Until) Window, SalesScope Scope);

    private async Task<PreparedDay> PrepareAsync(IEnumerable<PosSale> sales, long clientId, long departmentId, bool overwriteApproved = false,
        Guid? jobId = null, string date = Date)
    {
        var configuration = await host.Services.GetRequiredService<ClientConfigurationCache>().GetAsync(clientId, CancellationToken.None);
        var entity = configuration.Departments.Single(d => d.Id == departmentId);
        var department = new ReadDepartment(entity, configuration.ZoneOf(entity));
        var router = new SaleRouter([department]);
        var book = new DayBook(router, [new PendingDay(departmentId, Day(date), 0, null)], configuration.Settings.AmountsIncludeTax);
        var window = department.WindowOf(Day(date));
        var cover = book.Open(window.Start, window.End);
        var inWindow = sales.Where(s => s.Time >= window.Start && s.Time < window.End).OrderBy(s => s.Time).ToList();
        var closed = book.Add(cover, new SalesPage(inWindow, inWindow.Count, new Dictionary<string, int>(), window.Start, default))
            .Concat(book.Finish(cover)).Single();
        var providers = host.Services.GetRequiredService<PosProviders>();
        var (fields, notProvided) = MappedFields.Classify(configuration.Fields, t => providers.Provides(configuration.Settings.PosIntegrationService, t));
        return new PreparedDay(new DayWrite(clientId, departmentId, jobId ?? Guid.NewGuid(), "supervisor-x", overwriteApproved, fields, closed.Numbers),
            notProvided, window, router.Scope());
    }

    /// <summary>Writes a prepared day in a transaction holding the department's lock, as the job's checkpoint does.</summary>
    private async Task<DayWriteResult> WriteAsync(PreparedDay prepared, PosDbContext? into = null)
    {
        await using var owned = into is null ? host.NewDbContext() : null;
        var db = into ?? owned!;
        await using var transaction = await db.Database.BeginTransactionAsync();
        await DepartmentLock.AcquireAsync(db, prepared.Write.DepartmentId, CancellationToken.None);
        var result = await new DayValuesWriter(_clock).WriteAsync(db, prepared.Write, CancellationToken.None);
        await transaction.CommitAsync();
        return result;
    }

    private async Task<(PreparedDay Prepared, DayWriteResult Result)> ImportAsync(IEnumerable<PosSale> sales, long clientId, long departmentId,
        bool overwriteApproved = false, Guid? jobId = null, string date = Date)
    {
        var prepared = await PrepareAsync(sales, clientId, departmentId, overwriteApproved, jobId, date);
        return (prepared, await WriteAsync(prepared));
    }

    private async Task<List<DayRow>> DayValuesAsync(long departmentId)
    {
        await using var db = host.NewDbContext();
        return (await db.DayValues.AsNoTracking().Where(v => v.DepartmentId == departmentId)
                .OrderBy(v => v.RegisterNumber).ThenBy(v => v.FieldId).ToListAsync())
            .Select(v => new DayRow(v.RegisterNumber, v.FieldId, v.Value)).ToList();
    }

    private async Task<List<IntervalRow>> IntervalsAsync(long departmentId)
    {
        await using var db = host.NewDbContext();
        return (await db.IntervalValues.AsNoTracking().Where(v => v.DepartmentId == departmentId)
                .OrderBy(v => v.RegisterNumber).ThenBy(v => v.FieldId).ThenBy(v => v.StartUtc).ToListAsync())
            .Select(v => new IntervalRow(v.RegisterNumber, v.FieldId, v.StartUtc, v.Value)).ToList();
    }

    private async Task<Snapshot> SnapshotAsync(long departmentId)
    {
        await using var db = host.NewDbContext();
        var days = (await db.DayValues.AsNoTracking().Where(v => v.DepartmentId == departmentId).ToListAsync())
            .Select(v => new DayValueRow(v.RegisterNumber, v.Date, v.FieldId, v.Value, v.UpdatedAt))
            .OrderBy(v => v.Register).ThenBy(v => v.FieldId).ToList();
        var intervals = (await db.IntervalValues.AsNoTracking().Where(v => v.DepartmentId == departmentId).ToListAsync())
            .Select(v => new IntervalValueRow(v.RegisterNumber, v.FieldId, v.StartUtc, v.Date, v.Value, v.UpdatedAt))
            .OrderBy(v => v.Register).ThenBy(v => v.FieldId).ThenBy(v => v.StartUtc).ToList();
        return new Snapshot(days, intervals);
    }

    [Fact]
    public async Task Import_MappedFieldsOnly_SplitAndUnsplit_ZerosForARegisterWithoutSales_VisitorsLeftAloneAndReported()
    {
        await SeedClientAsync(501, 5011, ["101", "102"]);
        await _balance.IntervalsAsync(5011, 1, Date, 50104, Utc("2026-06-10T08:00:00Z"), [42m]);   // visitors, typed in by hand
        await _balance.DayValueAsync(5011, 1, Date, 50105, 7m);                                        // the unmapped field
        var jobId = Guid.NewGuid();

        var (prepared, result) = await ImportAsync(TwoSalesOnRegister101(), 501, 5011, jobId: jobId);

        Assert.Equal(["POS_FIELD_TYPE_VISITORS"], prepared.NotProvided);
        Assert.Equal(2, prepared.Write.Numbers.SalesRead);
        Assert.Equal(new DayWriteResult(ValuesWritten: 6, ValuesSkippedApproved: 0, ValuesOverwrittenApproved: 0), result);
        Assert.Equal((Utc("2026-06-09T22:00:00Z"), Utc("2026-06-10T22:00:00Z")), prepared.Window);
        Assert.Equal((string[])[], prepared.Scope.ShopIds);
        Assert.Equal(["101", "102"], prepared.Scope.RegisterIds);

        Assert.Equal(
        [
            new DayRow(1, 50101, 100.00m), new DayRow(1, 50102, 90.00m), new DayRow(1, 50103, 2m), new DayRow(1, 50104, 42m), new DayRow(1, 50105, 7m),
            new DayRow(2, 50101, 0m), new DayRow(2, 50102, 0m), new DayRow(2, 50103, 0m),
        ], await DayValuesAsync(5011));
        Assert.Equal(
        [
            new IntervalRow(1, 50101, Utc("2026-06-10T08:00:00Z"), 90.00m),
            new IntervalRow(1, 50101, Utc("2026-06-10T12:00:00Z"), 10.00m),
            new IntervalRow(1, 50103, Utc("2026-06-10T08:00:00Z"), 1m),
            new IntervalRow(1, 50103, Utc("2026-06-10T12:00:00Z"), 1m),
            new IntervalRow(1, 50104, Utc("2026-06-10T08:00:00Z"), 42m),
        ], await IntervalsAsync(5011));

        await using var db = host.NewDbContext();
        // Recording the day as imported belongs to the job's checkpoint (ImportJobRunTests), not to the writer.
        Assert.False(await db.ImportedDays.AnyAsync(d => d.DepartmentId == 5011));
        Assert.Empty(await db.AuditEntries.Where(a => a.DepartmentId == 5011).ToListAsync());
    }

    [Fact]
    public async Task Import_SameDayTwice_SecondChangesNoRowNotEvenUpdatedAt()
    {
        await SeedClientAsync(502, 5021, ["101", "102"]);
        await ImportAsync(TwoSalesOnRegister101(), 502, 5021);
        var first = await SnapshotAsync(5021);

        _clock.Advance(TimeSpan.FromHours(1));
        var secondJob = Guid.NewGuid();
        var (_, result) = await ImportAsync(TwoSalesOnRegister101(), 502, 5021, jobId: secondJob);

        var second = await SnapshotAsync(5021);
        Assert.Equal(6, result.ValuesWritten);
        Assert.Equal(6, second.Days.Count);
        Assert.Equal(4, second.Intervals.Count);
        Assert.Equal(first.Days, second.Days);
        Assert.Equal(first.Intervals, second.Intervals);
    }

    [Fact]
    public async Task Import_ChangedSales_UpdatesChangedValuesOnlyAndRemovesStaleIntervals()
    {
        await SeedClientAsync(503, 5031, ["101", "102"]);
        await ImportAsync(TwoSalesOnRegister101(), 503, 5031);
        var firstWrite = _clock.GetUtcNow();
        // A stray interval in an hour without sales (e.g. from an earlier import of other numbers).
        await using (var db = host.NewDbContext())
        {
            db.IntervalValues.Add(new()
            {
                DepartmentId = 5031, RegisterNumber = 1, FieldId = 50301, StartUtc = Utc("2026-06-10T03:00:00Z"), Date = Day(Date),
                Value = 5m, UpdatedAt = firstWrite,
            });
            // Transactions is no longer split: its intervals must go.
            var transactions = await db.WeeklyBalanceFields.SingleAsync(f => f.Id == 50303);
            transactions.SplitIntoIntervals = false;
            await db.SaveChangesAsync();
            // Written behind the API's back: tell the configuration cache, as the API's own writes do.
            host.Services.GetRequiredService<ClientConfigurationCache>().Invalidate(503);
        }

        // Now the 14:30 sale is gone (say it was voided) and a refund of 20 arrived at 10:50.
        List<PosSale> changed =
        [
            TwoSalesOnRegister101()[0],
            Sale("2026-06-10T10:50:00+02:00", "101", Line(-1, -25.00m, tax1: -5.00m)),
        ];
        _clock.Advance(TimeSpan.FromHours(1));
        await ImportAsync(changed, 503, 5031);

        Assert.Equal(
        [
            new DayRow(1, 50301, 90.00m), new DayRow(1, 50302, 60.00m), new DayRow(1, 50303, 1m),
            new DayRow(2, 50301, 0m), new DayRow(2, 50302, 0m), new DayRow(2, 50303, 0m),
        ], await DayValuesAsync(5031));
        Assert.Equal([new IntervalRow(1, 50301, Utc("2026-06-10T08:00:00Z"), 90.00m)], await IntervalsAsync(5031));

        var snapshot = await SnapshotAsync(5031);
        var secondWrite = _clock.GetUtcNow();
        Assert.Equal(
            [secondWrite, secondWrite, secondWrite, firstWrite, firstWrite, firstWrite],
            snapshot.Days.Select(d => d.UpdatedAt));
        // 08:00Z gross is 90 both times, so the row was not touched.
        Assert.Equal(firstWrite, snapshot.Intervals.Single().UpdatedAt);
    }

    /// <summary>Register 1 confirmed (with a value typed in), register 2 in an approved week (no values), register 3 open.</summary>
    private async Task SeedApprovedAsync(long clientId, long departmentId)
    {
        await SeedClientAsync(clientId, departmentId, ["101", "102", "103"]);
        await _balance.IntervalsAsync(departmentId, 1, Date, clientId * 100 + 1, Utc("2026-06-10T05:00:00Z"), [999m]);
        await _balance.ConfirmedDaysAsync(departmentId, 1, Date);
        await _balance.ApprovedWeekAsync(departmentId, 2, "2026-06-08");
    }

    private static List<PosSale> OneSalePerRegister() =>
    [
        Sale("2026-06-10T09:10:00+02:00", "101", Line(1, 10m)),
        Sale("2026-06-10T09:20:00+02:00", "102", Line(1, 20m)),
        Sale("2026-06-10T09:30:00+02:00", "103", Line(1, 30m)),
    ];

    [Fact]
    public async Task Import_WithoutOverwrite_ApprovedRegisterDaysUntouchedCountedAndAudited()
    {
        await SeedApprovedAsync(504, 5041);
        var jobId = Guid.NewGuid();

        var (_, result) = await ImportAsync(OneSalePerRegister(), 504, 5041, overwriteApproved: false, jobId: jobId);

        Assert.Equal(new DayWriteResult(ValuesWritten: 3, ValuesSkippedApproved: 6, ValuesOverwrittenApproved: 0), result);
        Assert.Equal(
        [
            new DayRow(1, 50401, 999m),
            new DayRow(3, 50401, 30m), new DayRow(3, 50402, 30m), new DayRow(3, 50403, 1m),
        ], await DayValuesAsync(5041));
        Assert.Equal(
        [
            new IntervalRow(1, 50401, Utc("2026-06-10T05:00:00Z"), 999m),
            new IntervalRow(3, 50401, Utc("2026-06-10T07:00:00Z"), 30m),
            new IntervalRow(3, 50403, Utc("2026-06-10T07:00:00Z"), 1m),
        ], await IntervalsAsync(5041));
        await AssertApprovedAuditAsync(5041, "import.skip_approved", jobId);
    }

    [Fact]
    public async Task Import_WithOverwrite_ApprovedRegisterDaysReplacedCountedAndAudited()
    {
        await SeedApprovedAsync(505, 5051);
        var jobId = Guid.NewGuid();

        var (_, result) = await ImportAsync(OneSalePerRegister(), 505, 5051, overwriteApproved: true, jobId: jobId);

        Assert.Equal(new DayWriteResult(ValuesWritten: 9, ValuesSkippedApproved: 0, ValuesOverwrittenApproved: 6), result);
        Assert.Equal(
        [
            new DayRow(1, 50501, 10m), new DayRow(1, 50502, 10m), new DayRow(1, 50503, 1m),
            new DayRow(2, 50501, 20m), new DayRow(2, 50502, 20m), new DayRow(2, 50503, 1m),
            new DayRow(3, 50501, 30m), new DayRow(3, 50502, 30m), new DayRow(3, 50503, 1m),
        ], await DayValuesAsync(5051));
        Assert.Equal(
        [
            new IntervalRow(1, 50501, Utc("2026-06-10T07:00:00Z"), 10m),
            new IntervalRow(1, 50503, Utc("2026-06-10T07:00:00Z"), 1m),
            new IntervalRow(2, 50501, Utc("2026-06-10T07:00:00Z"), 20m),
            new IntervalRow(2, 50503, Utc("2026-06-10T07:00:00Z"), 1m),
            new IntervalRow(3, 50501, Utc("2026-06-10T07:00:00Z"), 30m),
            new IntervalRow(3, 50503, Utc("2026-06-10T07:00:00Z"), 1m),
        ], await IntervalsAsync(5051));
        await AssertApprovedAuditAsync(5051, "import.overwrite_approved", jobId);
    }

    private async Task AssertApprovedAuditAsync(long departmentId, string action, Guid jobId)
    {
        await using var db = host.NewDbContext();
        var entries = await db.AuditEntries.AsNoTracking().Where(a => a.DepartmentId == departmentId).OrderBy(a => a.ResourceId).ToListAsync();
        Assert.Equal(
            [$"departments/{departmentId}/registers/1/days/2026-06-10", $"departments/{departmentId}/registers/2/days/2026-06-10"],
            entries.Select(e => e.ResourceId));
        var clientId = departmentId / 10;
        Assert.All(entries, e =>
        {
            Assert.Equal((action, "supervisor-x", "register_day", clientId), (e.Action, e.Actor, e.ResourceType, e.ClientId));
            using var details = JsonDocument.Parse(e.Details);
            Assert.Equal(jobId, details.RootElement.GetProperty("job_id").GetGuid());
            Assert.Equal("2026-06-10", details.RootElement.GetProperty("date").GetString());
            Assert.Equal(3, details.RootElement.GetProperty("values").GetInt32());
            Assert.Equal([clientId * 100 + 1, clientId * 100 + 2, clientId * 100 + 3],
                details.RootElement.GetProperty("field_ids").EnumerateArray().Select(f => f.GetInt64()));
        });
        Assert.Equal([1, 2], entries.Select(e => JsonDocument.Parse(e.Details).RootElement.GetProperty("register_number").GetInt32()));
    }

    [Fact]
    public async Task Import_DepartmentTimeZoneOverrideShopAndTaxInclusiveClient_WindowAndValuesFollowThem()
    {
        await _seed.SettingsAsync(506, amountsIncludeTax: true);
        await _seed.DepartmentAsync(506, 5061, [], shopId: "7", timeZone: "America/New_York");
        await _seed.FieldAsync(506, 50601, PosFieldType.GrossSales, split: true);
        List<PosSale> sales =
        [
            // Wednesday 09:15 in New York (EDT, UTC-04:00); any register goes to register 1.
            Sale("2026-06-10T13:15:00Z", "555", Line(1, 12.50m, tax1: 2.50m)) with { ShopId = "7" },
            // Copenhagen's Wednesday, but New York's Tuesday: outside the window.
            Sale("2026-06-10T03:00:00Z", "555", Line(1, 100m)) with { ShopId = "7" },
        ];

        var (prepared, _) = await ImportAsync(sales, 506, 5061);

        Assert.Equal((Utc("2026-06-10T04:00:00Z"), Utc("2026-06-11T04:00:00Z")), prepared.Window);
        Assert.Equal(["7"], prepared.Scope.ShopIds);
        Assert.Empty(prepared.Scope.RegisterIds);
        Assert.Equal([new DayRow(1, 50601, 12.50m)], await DayValuesAsync(5061));
        Assert.Equal([new IntervalRow(1, 50601, Utc("2026-06-10T13:00:00Z"), 12.50m)], await IntervalsAsync(5061));
    }

    [Fact]
    public async Task Write_WithoutTheCallersTransaction_RefusesAndWritesNothing()
    {
        await SeedClientAsync(508, 5081, ["101"]);
        var prepared = await PrepareAsync(TwoSalesOnRegister101(), 508, 5081);

        await using var db = host.NewDbContext();
        await Assert.ThrowsAsync<InvalidOperationException>(() => new DayValuesWriter(_clock).WriteAsync(db, prepared.Write, CancellationToken.None));

        Assert.Empty(await DayValuesAsync(5081));
    }

    [Fact]
    public async Task Write_RolledBackByTheCaller_LeavesNothing()
    {
        await SeedClientAsync(509, 5091, ["101"]);
        var prepared = await PrepareAsync(TwoSalesOnRegister101(), 509, 5091);

        await using (var db = host.NewDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await new DayValuesWriter(_clock).WriteAsync(db, prepared.Write, CancellationToken.None);
            await transaction.RollbackAsync();
        }

        Assert.Empty(await DayValuesAsync(5091));
        Assert.Empty(await IntervalsAsync(5091));
    }

    [Fact]
    public async Task Write_ManyRegistersFieldsAndSales_ThreeCommandsWhateverTheSize()
    {
        await _seed.SettingsAsync(510);
        await _seed.DepartmentAsync(510, 5101, ["101", "102", "103"]);
        var fieldId = 51000L;
        // Every type the aggregation computes; visitors is not R-Series's, so 7 of the 8 are written.
        foreach (var type in DayNumbers.ProvidedTypes) await _seed.FieldAsync(510, ++fieldId, type, split: true);
        var sales = Enumerable.Range(0, 300)
            .Select(i => Sale($"2026-06-10T{i / 3 % 24:00}:{i % 60:00}:00+02:00", $"10{1 + i % 3}", Line(1 + i % 2, 10m + i)))
            .ToList();
        var prepared = await PrepareAsync(sales, 510, 5101);
        var commands = new SqlCommandCounter();
        var options = new DbContextOptionsBuilder<PosDbContext>();
        PersistenceExtensions.ConfigureNpgsql(options, host.ConnectionString);
        options.AddInterceptors(commands);

        await using (var db = new PosDbContext(options.Options))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            commands.Reset();
            var result = await new DayValuesWriter(_clock).WriteAsync(db, prepared.Write, CancellationToken.None);
            await transaction.CommitAsync();
            Assert.Equal(21, result.ValuesWritten);
        }

        // The two approved-numbers queries, one batch for all rows (the department's lock is the checkpoint's).
        Assert.Equal(3, commands.Count);
        Assert.Equal(21, (await DayValuesAsync(5101)).Count);
        Assert.Equal(3 * 24 * 7, (await IntervalsAsync(5101)).Count);
    }
}
