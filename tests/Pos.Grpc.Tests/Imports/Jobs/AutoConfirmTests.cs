using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Host.Features.WeeklyBalance.AutoConfirm;
using Microsoft.Extensions.Time.Testing;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>A host with lanes and a clock the tests set.</summary>
public sealed class AutoConfirmFixture() : ImportHostFixture(runsLanes: true, clock: TuesdayMorningClock());

/// <summary>Auto-confirm at the client's confirm_days_at: imported and complete days are confirmed, the others keep a reason.</summary>
public sealed class AutoConfirmTests(AutoConfirmFixture host) : IClassFixture<AutoConfirmFixture>
{
    private readonly ImportSeed _seed = new(host);

    private static DateTimeOffset Copenhagen(string date, int hour, int minute) =>
        new DateTimeOffset(ImportSeed.Day(date).ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(1)).ToUniversalTime();

    private async Task RunAutoConfirmAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AutoConfirmInvocable>().Invoke();
    }

    private async Task<Dictionary<(long, DateOnly), string>> ConfirmedByAsync(long departmentId)
    {
        await using var db = host.NewDbContext();
        return await db.ConfirmedDays.Where(c => c.DepartmentId == departmentId && c.RegisterNumber == 1)
            .ToDictionaryAsync(c => (c.DepartmentId, c.Date), c => c.ConfirmedBy);
    }

    private async Task<Dictionary<DateOnly, string>> OpenReasonsAsync(long departmentId)
    {
        await using var db = host.NewDbContext();
        return await db.OpenDayReasons.Where(o => o.DepartmentId == departmentId && o.RegisterNumber == 1).ToDictionaryAsync(o => o.Date, o => o.Reason);
    }

    private async Task ImportAsync(long clientId, long[] departmentIds, string from, string until)
    {
        var job = (await host.Imports(host.SupervisorOf(clientId)).StartImportAsync(new()
        {
            ClientId = clientId, DepartmentIds = { departmentIds }, FromDate = from, UntilDate = until, RequestId = Guid.NewGuid().ToString(),
        })).Job;
        await host.WaitForStateAsync(Guid.Parse(job.JobId), ImportJobState.Succeeded);
    }

    [Fact]
    public async Task AutoConfirm_BeforeTheClientsConfirmTime_DoesNothing()
    {
        await _seed.SettingsAsync(801, autoConfirm: true, confirmDaysAt: new TimeOnly(5, 0));
        await _seed.GrossSalesFieldAsync(801);
        await _seed.DepartmentAsync(801, 80101, "8011");
        host.Clock!.AdjustTime(Copenhagen("2026-11-03", 4, 59));

        await RunAutoConfirmAsync();

        Assert.Empty(await ConfirmedByAsync(80101));
        Assert.Empty(await OpenReasonsAsync(80101));
    }

    [Fact]
    public async Task AutoConfirm_BeforeAndAfterACompletedImport_ConfirmsOnlyImportedCompleteDays()
    {
        await _seed.SettingsAsync(802, autoConfirm: true, confirmDaysAt: new TimeOnly(5, 0));
        await _seed.GrossSalesFieldAsync(802, mandatory: true);
        foreach (var (department, account) in new[] { (80201L, "8021"), (80202L, "8022") })
        {
            await _seed.DepartmentAsync(802, department, account);
            await _seed.ConnectionAsync(802, account);
        }

        // Tuesday 3 Nov, 05:30: nothing has been imported yet.
        host.Clock!.AdjustTime(Copenhagen("2026-11-03", 5, 30));
        await RunAutoConfirmAsync();
        Assert.Empty(await ConfirmedByAsync(80201));
        var before = await OpenReasonsAsync(80201);
        // The window: yesterday (2 Nov) and the seven days before it.
        Assert.Equal(Enumerable.Range(0, 8).Select(i => ImportSeed.Day("2026-10-26").AddDays(i)), before.Keys.Order());
        Assert.Contains("has not completed", before[ImportSeed.Day("2026-11-02")]);
        var week = await host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(host.SupervisorOf(802))
            .GetWeeklyBalanceAsync(new() { DepartmentId = 80201, IsoYear = 2026, IsoWeek = 45 });
        Assert.Contains("has not completed", week.WeeklyBalance.Registers[0].Days[0].OpenReason);

        // The import of 30 Oct..2 Nov completes; the next day's run confirms what it can. Somebody clears department
        // 80202's gross sales in the weekly balance, so its mandatory field has no value.
        await ImportAsync(802, [80201, 80202], "2026-10-30", "2026-11-02");
        await using (var db = host.NewDbContext())
            await db.DayValues.Where(v => v.DepartmentId == 80202).ExecuteDeleteAsync();
        host.Clock.AdjustTime(Copenhagen("2026-11-04", 5, 1));
        await RunAutoConfirmAsync();

        var confirmed = await ConfirmedByAsync(80201);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => (80201L, ImportSeed.Day("2026-10-30").AddDays(i))), confirmed.Keys.Order());
        Assert.All(confirmed.Values, by => Assert.Equal("auto-confirm", by));
        var open = await OpenReasonsAsync(80201);
        Assert.DoesNotContain(ImportSeed.Day("2026-11-02"), open.Keys);
        Assert.Contains("has not completed", open[ImportSeed.Day("2026-11-03")]);
        Assert.Contains("has not completed", open[ImportSeed.Day("2026-10-29")]);

        Assert.Empty(await ConfirmedByAsync(80202));
        var missing = (await OpenReasonsAsync(80202))[ImportSeed.Day("2026-11-02")];
        Assert.Contains($"{ImportSeed.GrossSalesFieldOf(802)} \"Gross sales\"", missing);
        week = await host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(host.SupervisorOf(802))
            .GetWeeklyBalanceAsync(new() { DepartmentId = 80202, IsoYear = 2026, IsoWeek = 45 });
        Assert.Contains("mandatory field", week.WeeklyBalance.Registers[0].Days[0].OpenReason);
        Assert.False(week.WeeklyBalance.Registers[0].Days[0].Confirmed);
        week = await host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(host.SupervisorOf(802))
            .GetWeeklyBalanceAsync(new() { DepartmentId = 80201, IsoYear = 2026, IsoWeek = 45 });
        Assert.True(week.WeeklyBalance.Registers[0].Days[0].Confirmed);
        Assert.Equal("", week.WeeklyBalance.Registers[0].Days[0].OpenReason);
    }

    [Fact]
    public async Task AutoConfirm_RunsOncePerClientPerDay()
    {
        await _seed.SettingsAsync(803, autoConfirm: true, confirmDaysAt: new TimeOnly(6, 0));
        await _seed.GrossSalesFieldAsync(803);
        await _seed.DepartmentAsync(803, 80301, "8031");
        await _seed.ConnectionAsync(803, "8031");
        host.Clock!.AdjustTime(Copenhagen("2026-11-03", 1, 0));
        await ImportAsync(803, [80301], "2026-11-01", "2026-11-02");

        host.Clock.AdjustTime(Copenhagen("2026-11-03", 6, 0));
        await RunAutoConfirmAsync();
        Assert.Equal(2, (await ConfirmedByAsync(80301)).Count);

        // Somebody reopens a day to correct it: later runs the same day leave it open.
        await using (var db = host.NewDbContext())
            await db.ConfirmedDays.Where(c => c.DepartmentId == 80301 && c.Date == ImportSeed.Day("2026-11-02")).ExecuteDeleteAsync();
        host.Clock.AdjustTime(Copenhagen("2026-11-03", 6, 5));
        await RunAutoConfirmAsync();
        Assert.Single(await ConfirmedByAsync(80301));
    }

    [Fact]
    public async Task AutoConfirm_DayImportedBeforeItEnded_StaysOpen()
    {
        await _seed.SettingsAsync(804, autoConfirm: true);
        await _seed.GrossSalesFieldAsync(804);
        await _seed.DepartmentAsync(804, 80401, "8041");
        await _seed.ConnectionAsync(804, "8041");
        // A manual import at noon on 2 Nov includes that (unfinished) day.
        host.Clock!.AdjustTime(Copenhagen("2026-11-02", 12, 0));
        await ImportAsync(804, [80401], "2026-11-01", "2026-11-02");

        host.Clock.AdjustTime(Copenhagen("2026-11-03", 5, 30));
        await RunAutoConfirmAsync();

        Assert.Equal([(80401L, ImportSeed.Day("2026-11-01"))], (await ConfirmedByAsync(80401)).Keys);
        Assert.Contains("before the day ended", (await OpenReasonsAsync(80401))[ImportSeed.Day("2026-11-02")]);
    }
}
