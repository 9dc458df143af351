using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>A host that stops gives its job back at once, so another instance resumes it without waiting for the lease.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stop_HostInTheMiddleOfAJob_ReleasesTheLeaseAndAnotherInstanceFinishesIt()
    {
        var first = new ImportHostFixture(workerSlots: 1);
        await first.InitializeAsync();
        var seed = new ImportSeed(first);
        await seed.ReadyClientAsync(601, (60101, "6011"));
        var gate = first.Importer.For(60101).BlockOn(ImportSeed.Day("2026-10-02"));
        var jobId = Guid.Parse((await first.Imports(first.SupervisorOf(601)).StartImportAsync(new()
        {
            ClientId = 601, DepartmentIds = { 60101 }, FromDate = "2026-10-01", UntilDate = "2026-10-03", RequestId = Guid.NewGuid().ToString(),
        })).Job.JobId);
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Day 2 never finishes on this host: after the shutdown grace it is abandoned, and the job given back.
        await first.DisposeAsync();

        var second = new ImportHostFixture(workerSlots: 1, sharedConnectionString: first.ConnectionString);
        await using (var db = first.NewDbContext())
        {
            var released = await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            Assert.Equal((int)ImportJobState.Running, released.State);
            Assert.Null(released.LeaseOwner);
            Assert.True(released.LeaseExpiresAt <= DateTimeOffset.UtcNow);
            Assert.Equal(1, released.DepartmentDaysDone);
        }

        await second.InitializeAsync();
        try
        {
            var finished = await second.WaitForStateAsync(jobId, ImportJobState.Succeeded);
            Assert.Equal(3, finished.DepartmentDaysDone);
            Assert.Equal(0, second.Importer.Prepares(60101, ImportSeed.Day("2026-10-01")));
            Assert.Equal(1, second.Importer.Writes(60101, ImportSeed.Day("2026-10-02")));
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
