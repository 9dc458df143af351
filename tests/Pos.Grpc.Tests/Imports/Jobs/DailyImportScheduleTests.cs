using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Engine.Nightly;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Microsoft.Extensions.Time.Testing;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>Two instances without workers on one database, sharing a clock the tests set; the schedule is fired by hand.</summary>
public sealed class ScheduleFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = ImportHostFixture.TuesdayMorningClock();
    public ImportHostFixture A { get; private set; } = null!;
    public ImportHostFixture B { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        A = new ImportHostFixture(runsLanes: false, clock: Clock);
        await A.InitializeAsync();
        B = new ImportHostFixture(runsLanes: false, sharedConnectionString: A.ConnectionString, clock: Clock);
        await B.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }

    /// <summary>Runs the daily-import invocable on a host the way Coravel does: resolved in a fresh scope.</summary>
    public static async Task FireAsync(ImportHostFixture host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<NightlyImportInvocable>().Invoke();
    }
}

public sealed class DailyImportScheduleTests(ScheduleFixture hosts) : IClassFixture<ScheduleFixture>
{
    private readonly ImportSeed _seed = new(hosts.A);

    private static DateTimeOffset Copenhagen(string date, int hour, int minute) =>
        new DateTimeOffset(ImportSeed.Day(date).ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(1)).ToUniversalTime();

    private async Task<List<ImportJobEntity>> ScheduledJobsAsync(long clientId)
    {
        await using var db = hosts.A.NewDbContext();
        return await db.ImportJobs.AsNoTracking().Where(j => j.ClientId == clientId && j.ScheduledFor != null).ToListAsync();
    }

    private async Task<List<(long DepartmentId, DateOnly Date)>> UnitsAsync(Guid jobId)
    {
        await using var db = hosts.A.NewDbContext();
        return (await db.ImportUnits.Where(u => u.JobId == jobId).OrderBy(u => u.DepartmentId).ThenBy(u => u.Date).ToListAsync())
            .Select(u => (u.DepartmentId, u.Date)).ToList();
    }

    [Fact]
    public async Task DailyImport_TwoInstancesFiringTogether_CreateOneJobPerEligibleClient()
    {
        // Tuesday 3 November, 02:00:30 in Copenhagen (CET): both instances fire, several times each.
        hosts.Clock.AdjustTime(Copenhagen("2026-11-03", 2, 0).AddSeconds(30));
        await _seed.ReadyClientAsync(701, (70101, "7011"));
        await _seed.ReadyClientAsync(702, (70201, "7021"));
        await _seed.DepartmentAsync(702, 70202, "7022", timeZone: "America/New_York");
        await _seed.ConnectionAsync(702, "7022");
        await _seed.DepartmentAsync(702, 70203, account: null);
        await _seed.DepartmentAsync(702, 70204, "7024");
        await _seed.ConnectionAsync(702, "7024", ConnectionState.Revoked);
        await _seed.ConfirmedDayAsync(70201, 1, "2026-10-28");
        await _seed.ConfirmedDayAsync(70201, 1, "2026-11-02");
        await _seed.SettingsAsync(703, importEnabled: false);
        await _seed.DepartmentAsync(703, 70301, "7031");
        await _seed.ConnectionAsync(703, "7031");
        await _seed.SettingsAsync(704);
        await _seed.DepartmentAsync(704, 70401, "7041");
        await _seed.ConnectionAsync(704, "7041", ConnectionState.Authorized);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => ScheduleFixture.FireAsync(i % 2 == 0 ? hosts.A : hosts.B)));

        var job = Assert.Single(await ScheduledJobsAsync(701));
        Assert.Equal(ImportSeed.Day("2026-11-03"), job.ScheduledFor);
        Assert.Equal(((int)ImportTrigger.Scheduled, "scheduler", false, (int)ImportJobState.Queued),
            (job.Trigger, job.CreatedBy, job.OverwriteApproved, job.State));
        // Yesterday plus the seven days before it, none of them confirmed.
        Assert.Equal((ImportSeed.Day("2026-10-26"), ImportSeed.Day("2026-11-02"), 8), (job.FromDate, job.UntilDate, job.DepartmentDaysTotal));

        var other = Assert.Single(await ScheduledJobsAsync(702));
        Assert.Equal([70201L, 70202L], other.DepartmentIds);
        var units = await UnitsAsync(other.Id);
        // Copenhagen department: 26 Oct..2 Nov without the confirmed 28 Oct; yesterday is imported even though confirmed.
        Assert.Equal(
            new[] { "2026-10-26", "2026-10-27", "2026-10-29", "2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02" }.Select(ImportSeed.Day),
            units.Where(u => u.DepartmentId == 70201).Select(u => u.Date));
        // New York is still on Monday evening: its yesterday is Sunday 1 November.
        Assert.Equal(ImportSeed.Day("2026-11-01"), units.Where(u => u.DepartmentId == 70202).Max(u => u.Date));
        Assert.Equal(8, units.Count(u => u.DepartmentId == 70202));
        Assert.Equal(other.DepartmentDaysTotal, units.Count);

        Assert.Empty(await ScheduledJobsAsync(703));
        Assert.Empty(await ScheduledJobsAsync(704));
    }

    [Fact]
    public async Task DailyImport_Before0200_CreatesNothingAndAfterAMissed0200_CatchesUpOnce()
    {
        await _seed.ReadyClientAsync(705, (70501, "7051"));

        hosts.Clock.AdjustTime(Copenhagen("2026-11-05", 1, 59));
        await ScheduleFixture.FireAsync(hosts.A);
        Assert.Empty(await ScheduledJobsAsync(705));

        // Nobody was up at 02:00; an instance starting at 09:15 creates the day's job, and only one.
        hosts.Clock.AdjustTime(Copenhagen("2026-11-05", 9, 15));
        await ScheduleFixture.FireAsync(hosts.B);
        await ScheduleFixture.FireAsync(hosts.A);
        var job = Assert.Single(await ScheduledJobsAsync(705));
        Assert.Equal((ImportSeed.Day("2026-11-05"), ImportSeed.Day("2026-11-04")), (job.ScheduledFor, job.UntilDate));

        // The next day gets its own job.
        hosts.Clock.AdjustTime(Copenhagen("2026-11-06", 2, 5));
        await ScheduleFixture.FireAsync(hosts.A);
        Assert.Equal(2, (await ScheduledJobsAsync(705)).Count);
    }

    [Fact]
    public async Task DailyImport_DaylightSavingTime_UsesCopenhagenLocalTime()
    {
        await _seed.ReadyClientAsync(706, (70601, "7061"));
        // 1 July is CEST (UTC+2): 00:30 UTC is 02:30 local, so the run is due.
        hosts.Clock.AdjustTime(new DateTimeOffset(2026, 7, 1, 0, 30, 0, TimeSpan.Zero));
        await ScheduleFixture.FireAsync(hosts.A);
        var job = Assert.Single(await ScheduledJobsAsync(706));
        Assert.Equal((ImportSeed.Day("2026-07-01"), ImportSeed.Day("2026-06-30")), (job.ScheduledFor, job.UntilDate));
    }
}
