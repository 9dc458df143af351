using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Features.Imports.Service;

namespace Pos.Grpc.Tests.Reliability;

/// <summary>
/// An instance dies with SIGKILL in the middle of a job: no shutdown, no lane given back, a stream half read. Its
/// lanes' leases run out (3 s here) and another instance resumes the job from the first unfinished department-day,
/// redoing only the days that were not checkpointed.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ProcessKillTests(ReliabilityFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Sigkill_InstanceRunningTheJob_AnotherInstanceTakesItOverAfterTheLease_WithTheUninterruptedNumbers()
    {
        await fixture.UninterruptedRunAsync();
        var client = await fixture.ConfigureClientAsync();
        try
        {
            // A slow Lightspeed (0.4 s per request) keeps the job surely mid-way when the instance is killed.
            await fixture.SetFaultsOnAllAccountsAsync(new { delayMs = 400 });
            await using var doomed = await fixture.StartHostProcessAsync("doomed");
            var jobId = await fixture.StartImportAsync(client);
            await fixture.WaitForJobAsync(client, jobId, j => j.Progress.DepartmentDaysDone >= 2, "two department-days done");
            // From now on each request takes 1.5 s (under the 2 s timeout): the days left surely outlast the next steps, however busy the machine.
            await fixture.SetFaultsOnAllAccountsAsync(new { delayMs = 1500 });
            Assert.Contains(await LaneOwnersAsync(client), owner => owner == doomed.Settings["Imports:Engine:InstanceId"]);

            doomed.Kill();
            var killedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            var left = await ReadJobRowAsync(jobId);
            output.WriteLine($"Killed {doomed.Name} (pid {doomed.ProcessId}) with {left.DepartmentDaysDone}/{left.DepartmentDaysTotal} department-days done; its last log lines:");
            output.WriteLine(string.Join('\n', doomed.Logs.Split('\n').TakeLast(8)));
            Assert.Equal((int)ImportJobState.Running, left.State);
            Assert.InRange(left.DepartmentDaysDone, 2, left.DepartmentDaysTotal - 1);

            await fixture.ClearFaultsAsync();
            await using var survivor = await fixture.StartWorkerHostAsync("survivor");
            var job = await fixture.WaitForEndAsync(client, jobId);
            clock.Stop();
            output.WriteLine($"{job.State} {clock.Elapsed.TotalSeconds:0.0} s after the kill (lease 3 s, then the rest of the days)");

            await fixture.AssertSameAsUninterruptedAsync(client, job);
            // Every day checkpointed exactly once: those done before the kill were not redone by the survivor.
            await using var db = fixture.NewDbContext();
            var units = await db.ImportUnits.AsNoTracking().Where(u => u.JobId == Guid.Parse(jobId)).ToListAsync();
            Assert.All(units, u => Assert.Equal(ImportStates.UnitDone, u.State));
            Assert.Equal(left.DepartmentDaysDone, units.Count(u => u.FinishedAt < killedAt));
            Assert.DoesNotContain(await LaneOwnersAsync(client), owner => owner == doomed.Settings["Imports:Engine:InstanceId"]);
        }
        finally
        {
            await fixture.ClearFaultsAsync();
        }
    }

    /// <summary>Who holds the lanes of the client's accounts (null: given back).</summary>
    private async Task<IReadOnlyList<string?>> LaneOwnersAsync(ClientSetup client)
    {
        await using var db = fixture.NewDbContext();
        var keys = client.Connections.Keys.Select(a => $"rseries:{a}").ToArray();
        return await db.ImportLanes.AsNoTracking().Where(l => keys.Contains(l.AccountKey)).Select(l => l.LeaseOwner).ToListAsync();
    }

    private async Task<Host.Infrastructure.Persistence.Entities.ImportJobEntity> ReadJobRowAsync(string jobId)
    {
        await using var db = fixture.NewDbContext();
        return await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == Guid.Parse(jobId));
    }
}
