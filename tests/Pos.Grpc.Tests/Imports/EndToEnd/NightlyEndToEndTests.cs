using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Nightly;
using Pos.Grpc.LightspeedSimulator;
using Pos.Grpc.Tests.Imports.Jobs;
using Pos.Grpc.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Pos.Grpc.Tests.Imports.EndToEnd;

/// <summary>
/// The host with a clock the test moves night by night, lanes on, and the simulator's generated sales (real time:
/// a day exists once it has passed). The scheduler is off: each night is started as Coravel would start it.
/// </summary>
public sealed class NightlyFixture : LightspeedSandboxFixture
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override SimulatorOptions SimulatorOptions() => new() { Seed = 99, RateLimit = new RateLimitOptions { Enabled = false } };

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Imports:Engine:Enabled"] = "true";
        settings["Imports:Engine:PollInterval"] = "00:00:00.200";
        return settings;
    }

    protected override void ConfigureHost(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>
/// The 02:00 night over real HTTP: the first night of an account reads its trailing unconfirmed days in full and sets
/// the account's watermark; the next nights read yesterday in full and ask Lightspeed once (timeStamp after the
/// watermark) which trailing days changed, reading again only those.
/// </summary>
public sealed class NightlyEndToEndTests(NightlyFixture host) : IClassFixture<NightlyFixture>
{
    private const long ClientId = 951;
    private const long DepartmentId = 95101;
    private const long Account = 930001;
    private const long GrossField = 95111;
    private static readonly TimeZoneInfo Copenhagen = TimeZones.Find("Europe/Copenhagen");

    [Fact]
    public async Task Nights_ReadYesterdayInFull_AndOfTheTrailingDaysOnlyThoseThatChanged()
    {
        var response = await host.SimulatorAdmin.PutAsJsonAsync($"/__sim/accounts/{Account}", new
        {
            name = "Nightly account", generate = true, salesPerShopPerDay = 150, seed = 7,
            shops = new[] { new { shopId = 1, name = "Copenhagen", timeZone = "Europe/Copenhagen", tax1Rate = 0.25m, tax2Rate = 0m,
                registers = new[] { new { registerId = 1, name = "Kasse 1" }, new { registerId = 2, name = "Kasse 2" } } } },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var client = await EndToEndClient.SetUpAsync(host, ClientId, Account,
            [new PlannedDepartment(DepartmentId, Account, ["1", "2"])],
            [new PlannedField(GrossField, "Gross sales", PosFieldType.GrossSales, Split: true)]);

        // Three nights on the three days before today (so every "yesterday" is a complete day at the simulator).
        var today = TimeZones.LocalDateOf(DateTimeOffset.UtcNow, Copenhagen);
        DateTimeOffset NightOf(DateOnly day) => new DateTimeOffset(day.ToDateTime(new TimeOnly(2, 30)),
            Copenhagen.GetUtcOffset(day.ToDateTime(new TimeOnly(2, 30)))).ToUniversalTime();

        // Night 1: no watermark yet, so the trailing days are read in full with yesterday, in one stream.
        var night1 = await RunNightAsync(NightOf(today.AddDays(-3)));
        var yesterday1 = today.AddDays(-4);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => yesterday1.AddDays(i - 7)), await UnitDaysAsync(night1.Id));
        Assert.Equal(NightOf(today.AddDays(-3)) - NightlyWindow.WatermarkMargin, await WatermarkAsync());

        // Night 2: nothing changed. Yesterday in full plus ONE request that asks what changed.
        var before = await ApiRequestsAsync();
        var night2 = await RunNightAsync(NightOf(today.AddDays(-2)));
        Assert.Equal([today.AddDays(-3)], await UnitDaysAsync(night2.Id));
        await using (var db = host.NewDbContext())
            Assert.Equal(ProbeStates.Done, (await db.ImportJobAccounts.SingleAsync(a => a.JobId == night2.Id)).ProbeState);
        Assert.True(PagesOf(night2.SalesRead) + 1 == night2.RequestsMade,
            $"{night2.SalesRead} sales of yesterday took {night2.RequestsMade} requests; the floor is {PagesOf(night2.SalesRead)}, plus the probe");
        Assert.Equal(night2.RequestsMade, await ApiRequestsAsync() - before);
        Assert.Equal(NightOf(today.AddDays(-2)) - NightlyWindow.WatermarkMargin, await WatermarkAsync());

        // A sale of a trailing day is voided after the fact: its timeStamp moves to now.
        var changedDay = today.AddDays(-5);
        var valueBefore = await GrossAsync(changedDay);
        var voided = await host.SimulatorAdmin.PostAsJsonAsync($"/__sim/accounts/{Account}/changes/random",
            new { days = new[] { changedDay }, count = 1, seed = 3 });
        Assert.True(voided.IsSuccessStatusCode, await voided.Content.ReadAsStringAsync());

        // Night 3: yesterday, and the changed day found by the probe and read again; the other trailing days not.
        var night3 = await RunNightAsync(NightOf(today.AddDays(-1)));
        Assert.Equal([changedDay, today.AddDays(-2)], await UnitDaysAsync(night3.Id));
        var valueAfter = await GrossAsync(changedDay);
        Assert.NotEqual(valueBefore, valueAfter);

        // What the night wrote for the changed day is what a full read of that day gives now.
        await client.ImportAsync([DepartmentId], Dates.ToWire(changedDay), Dates.ToWire(changedDay), overwriteApproved: true);
        Assert.Equal(valueAfter, await GrossAsync(changedDay));
    }

    private async Task<Host.Infrastructure.Persistence.Entities.ImportJobEntity> RunNightAsync(DateTimeOffset at)
    {
        host.Clock.AdjustTime(at);
        await using (var scope = host.Services.CreateAsyncScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<NightlyPlanner>().CreateDueJobsAsync(CancellationToken.None));
        await using var db = host.NewDbContext();
        var scheduledFor = TimeZones.LocalDateOf(at, Copenhagen);
        var jobId = await db.ImportJobs.Where(j => j.ClientId == ClientId && j.ScheduledFor == scheduledFor).Select(j => j.Id).SingleAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var poll = host.NewDbContext();
            var job = await poll.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            if (job.State == (int)ImportJobState.Succeeded)
            {
                Assert.Equal("[]", job.Errors.Replace(" ", ""));
                return job;
            }
            Assert.True(job.State is (int)ImportJobState.Queued or (int)ImportJobState.Running, $"The night ended {job.State}: {job.Errors}");
            Assert.True(DateTime.UtcNow < deadline, $"The night of {at:o} did not end: {job.DepartmentDaysDone}/{job.DepartmentDaysTotal}");
            await Task.Delay(100);
        }
    }

    private async Task<IReadOnlyList<DateOnly>> UnitDaysAsync(Guid jobId)
    {
        await using var db = host.NewDbContext();
        return await db.ImportUnits.Where(u => u.JobId == jobId).OrderBy(u => u.Date).Select(u => u.Date).ToListAsync();
    }

    private async Task<DateTimeOffset?> WatermarkAsync()
    {
        await using var db = host.NewDbContext();
        return await db.ImportWatermarks.Where(w => w.ClientId == ClientId && w.AccountKey == $"rseries:{Account}")
            .Select(w => (DateTimeOffset?)w.ChangedAfter).SingleOrDefaultAsync();
    }

    private async Task<decimal> GrossAsync(DateOnly date)
    {
        await using var db = host.NewDbContext();
        return await db.DayValues.Where(v => v.DepartmentId == DepartmentId && v.Date == date && v.FieldId == GrossField).SumAsync(v => v.Value);
    }

    private async Task<long> ApiRequestsAsync()
    {
        using var stats = JsonDocument.Parse(await host.SimulatorAdmin.GetStringAsync($"/__sim/accounts/{Account}/stats"));
        return stats.RootElement.GetProperty("apiRequests").GetInt64();
    }

    /// <summary>Lightspeed's floor for a day of sales: pages of 100, at least one.</summary>
    private static long PagesOf(long sales) => Math.Max(1, (sales + 99) / 100);
}
