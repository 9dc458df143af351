using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Microsoft.Extensions.Time.Testing;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>
/// The host with Coravel switched on (as in production) and a client ready for the daily import before the
/// host starts; the clock says 09:00 in Copenhagen, so the 02:00 run was missed and the run at start-up must
/// create the day's job.
/// </summary>
public sealed class SchedulerOnFixture() : ImportHostFixture(runsLanes: false, clock: TuesdayMorningClock())
{
    public const long ClientId = 901;

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Scheduler:Enabled"] = "true";
        return settings;
    }

    /// <summary>The database is a copy of the migrated template, so it can be seeded before the host starts.</summary>
    protected override async Task<string> CreateDatabaseAsync()
    {
        var connectionString = await base.CreateDatabaseAsync();
        await ImportSeed.For(connectionString).ReadyClientAsync(ClientId, (90101, "9011"));
        return connectionString;
    }
}

public sealed class SchedulerWiringTests(SchedulerOnFixture host) : IClassFixture<SchedulerOnFixture>
{
    [Fact]
    public async Task SchedulerEnabled_HostStartsAfterAMissed0200_CreatesTheDaysScheduledJob()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = host.NewDbContext();
            var job = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.ClientId == SchedulerOnFixture.ClientId);
            if (job is not null)
            {
                Assert.Equal(((int)ImportTrigger.Scheduled, ImportSeed.Day("2026-11-03")), (job.Trigger, job.ScheduledFor));
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, "The scheduler never created the missed daily import.");
            await Task.Delay(100);
        }
    }
}
