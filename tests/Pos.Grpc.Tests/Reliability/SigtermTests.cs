using System.Diagnostics;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Reliability;

/// <summary>
/// An instance is stopped gracefully (SIGTERM, as an orchestrator does) in the middle of a job, with a watcher
/// connected to it: the day in progress gets its grace, the job is given back (lease released, still RUNNING),
/// the watch stream ends UNAVAILABLE so the client reconnects, and another instance finishes the job.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SigtermTests(ReliabilityFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Sigterm_InstanceRunningAndStreamingTheJob_ReleasesItEndsTheStreamUnavailable_AnotherInstanceFinishesIt()
    {
        await fixture.UninterruptedRunAsync();
        var client = await fixture.ConfigureClientAsync();
        var supervisor = PosHostFixture.Supervisor(client.ClientId);
        try
        {
            await fixture.SetFaultsOnAllAccountsAsync(new { delayMs = 400 });
            await using var stopping = await fixture.StartHostProcessAsync("stopping");
            var jobId = await fixture.StartImportAsync(client);
            await fixture.WaitForJobAsync(client, jobId, j => j.Progress.DepartmentDaysDone >= 2, "two department-days done");
            // From now on each request takes 1.5 s (under the 2 s timeout): the days left surely outlast the next steps, however busy the machine.
            await fixture.SetFaultsOnAllAccountsAsync(new { delayMs = 1500 });

            // A watcher on the instance about to stop: its snapshot first.
            using var watch = stopping.Client<ImportService.ImportServiceClient>(supervisor).WatchImportJob(new() { JobId = jobId });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
            Assert.Equal(ImportJobState.Running, watch.ResponseStream.Current.Job.State);

            await stopping.SendSigtermAsync();
            var clock = Stopwatch.StartNew();
            var ended = await Record.ExceptionAsync(async () =>
            {
                while (await watch.ResponseStream.MoveNext(timeout.Token)) output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {watch.ResponseStream.Current.Job.State} heartbeat {watch.ResponseStream.Current.Heartbeat}");
            }) as RpcException ?? new RpcException(watch.GetStatus());
            var streamEndedAfter = clock.Elapsed;
            var exitCode = await stopping.WaitForExitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"SIGTERM: stream ended {ended.StatusCode} (\"{ended.Status.Detail}\") after {streamEndedAfter.TotalSeconds:0.0} s; "
                + $"process exited {exitCode} after {clock.Elapsed.TotalSeconds:0.0} s. Its last log lines:");
            output.WriteLine(string.Join('\n', stopping.Logs.Split('\n').TakeLast(10)));
            Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
            Assert.Equal(0, exitCode);
            Assert.Contains("released at shutdown", stopping.Logs);

            // Left resumable: still RUNNING, its lanes nobody's, free to claim now.
            await using (var db = fixture.NewDbContext())
            {
                var released = await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == Guid.Parse(jobId));
                Assert.Equal((int)ImportJobState.Running, released.State);
                Assert.InRange(released.DepartmentDaysDone, 2, released.DepartmentDaysTotal - 1);
                var keys = client.Connections.Keys.Select(a => $"rseries:{a}").ToArray();
                var lanes = await db.ImportLanes.AsNoTracking().Where(l => keys.Contains(l.AccountKey)).ToListAsync();
                Assert.NotEmpty(lanes);
                Assert.All(lanes, l => Assert.True(l.LeaseOwner is null && l.LeaseExpiresAt <= DateTimeOffset.UtcNow));
            }

            // The client reconnects (here to the API instance) and watches while another instance finishes the job.
            using var rewatch = fixture.Imports(client).WatchImportJob(new() { JobId = jobId });
            Assert.True(await rewatch.ResponseStream.MoveNext(timeout.Token));
            await fixture.ClearFaultsAsync();
            await using var successor = await fixture.StartWorkerHostAsync("successor");
            var last = rewatch.ResponseStream.Current;
            while (await rewatch.ResponseStream.MoveNext(timeout.Token)) last = rewatch.ResponseStream.Current;
            output.WriteLine($"Reconnected watcher saw {last.Job.State} {clock.Elapsed.TotalSeconds:0.0} s after the SIGTERM");

            await fixture.AssertSameAsUninterruptedAsync(client, last.Job);
        }
        finally
        {
            await fixture.ClearFaultsAsync();
        }
    }
}
