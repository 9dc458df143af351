using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>A host that stops gives its lanes back at once, so another instance resumes the job without waiting for a lease.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stop_HostInTheMiddleOfAJob_ReleasesTheLaneAndAnotherInstanceFinishesIt()
    {
        var first = new ImportHostFixture(runsLanes: true);
        await first.InitializeAsync();
        var seed = new ImportSeed(first);
        await seed.ReadyClientAsync(601, (60101, "6011"));
        var gate = first.Pos.For("6011").BlockOn(ImportSeed.Day("2026-10-03"));
        var jobId = Guid.Parse((await first.Imports(first.SupervisorOf(601)).StartImportAsync(new()
        {
            ClientId = 601, DepartmentIds = { 60101 }, FromDate = "2026-10-01", UntilDate = "2026-10-03", RequestId = Guid.NewGuid().ToString(),
        })).Job.JobId);
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await first.WaitForJobAsync(jobId, j => j.DepartmentDaysDone == 1, "day 1 done");

        // Day 2 is never read to its end on this host: the stream stops, and the lane is given back.
        await first.DisposeAsync();

        var second = new ImportHostFixture(runsLanes: true, sharedConnectionString: first.ConnectionString);
        await using (var db = first.NewDbContext())
        {
            var released = await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            Assert.Equal((int)ImportJobState.Running, released.State);
            Assert.Equal(1, released.DepartmentDaysDone);
            var lane = await db.ImportLanes.AsNoTracking().SingleAsync(l => l.AccountKey == "rseries:6011");
            Assert.Null(lane.LeaseOwner);
            Assert.True(lane.LeaseExpiresAt <= DateTimeOffset.UtcNow);
        }

        await second.InitializeAsync();
        try
        {
            var finished = await second.WaitForStateAsync(jobId, ImportJobState.Succeeded);
            Assert.Equal(3, finished.DepartmentDaysDone);
            // The second instance's stream began at the first unfinished day.
            Assert.Equal(0, second.Pos.Reads("6011", ImportSeed.Day("2026-10-01")));
            Assert.Equal(1, second.Pos.Reads("6011", ImportSeed.Day("2026-10-02")));
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
