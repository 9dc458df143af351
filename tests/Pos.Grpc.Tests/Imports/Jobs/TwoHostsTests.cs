using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>Two instances on one database: progress crosses instances, and lane leases hand the work over.</summary>
public sealed class TwoHostsTests(TwoHostsFixture hosts) : IClassFixture<TwoHostsFixture>
{
    private readonly ImportSeed _seed = new(hosts.A);

    private static DateOnly Day(string date) => ImportSeed.Day(date);

    [Theory]
    [InlineData(Transport.Native, 501)]
    [InlineData(Transport.GrpcWebText, 502)]
    public async Task Watch_OnInstanceA_SeesTheJobThatInstanceBRuns(Transport transport, long clientId)
    {
        var departmentId = clientId * 100 + 1;
        await _seed.ReadyClientAsync(clientId, (departmentId, $"{clientId}1"));
        var account = $"{clientId}1";
        var gate = hosts.B.Pos.For(account).BlockOn(Day("2026-10-03"));
        var imports = hosts.A.Imports(hosts.A.SupervisorOf(clientId), transport);
        var jobId = (await imports.StartImportAsync(new()
        {
            ClientId = clientId, DepartmentIds = { departmentId }, FromDate = "2026-10-01", UntilDate = "2026-10-03", RequestId = Guid.NewGuid().ToString(),
        })).Job.JobId;

        using var call = imports.WatchImportJob(new() { JobId = jobId });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var messages = new List<WatchImportJobResponse>();
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            messages.Add(call.ResponseStream.Current);
            if (call.ResponseStream.Current.Job.Progress.DepartmentDaysDone == 1) gate.Release();
        }

        Assert.Equal(ImportJobState.Succeeded, messages[^1].Job.State);
        Assert.Contains(messages, m => m.Job.State == ImportJobState.Running && m.Job.Progress.DepartmentDaysDone == 1);
        Assert.Equal(0, hosts.A.Pos.Reads(account, Day("2026-10-01")));
        Assert.Equal(1, hosts.B.Pos.Reads(account, Day("2026-10-01")));
    }

    [Fact]
    public async Task LeaseTakeover_LaneOfAnInstanceThatDied_IsResumedByTheOtherWithEveryDayImportedOnce()
    {
        await _seed.ReadyClientAsync(503, (50301, "5031"));
        // The dead instance holds the account's lane (its last renewal runs out in two seconds) ...
        await using (var db = hosts.A.NewDbContext())
        {
            db.ImportLanes.Add(new() { AccountKey = "rseries:5031", LeaseOwner = "instance-that-died", LeaseExpiresAt = DateTimeOffset.UtcNow.AddSeconds(2) });
            await db.SaveChangesAsync();
        }
        // ... and had imported two of five days (values, checkpoints, counters) when it stopped renewing it.
        var job = await _seed.JobAsync(503, [50301], "2026-10-01", "2026-10-05", ImportJobState.Running, configure: j =>
        {
            j.DepartmentDaysDone = 2;
            j.SalesRead = 2 * ScriptedPosProvider.SalesPerDay;
            j.ValuesWritten = 2;
        });
        await using (var db = hosts.A.NewDbContext())
        {
            await db.ImportUnits.Where(u => u.JobId == job.Id && u.Date <= Day("2026-10-02")).ExecuteUpdateAsync(s => s.SetProperty(u => u.State, 1));
        }
        foreach (var date in new[] { "2026-10-01", "2026-10-02" })
            await _seed.DayValueAsync(50301, 1, date, ImportSeed.GrossSalesFieldOf(503), ScriptedPosProvider.ValueOf("5031", Day(date)));

        var finished = await hosts.A.WaitForStateAsync(job.Id, ImportJobState.Succeeded);

        Assert.Equal((5, 5 * ScriptedPosProvider.SalesPerDay, 5L), (finished.DepartmentDaysDone, (int)finished.SalesRead, finished.ValuesWritten));
        // The stream resumed at the first unfinished day.
        Assert.Equal(0, hosts.B.Pos.Reads("5031", Day("2026-10-02")));
        foreach (var date in new[] { "2026-10-03", "2026-10-04", "2026-10-05" })
            Assert.Equal(1, hosts.B.Pos.Reads("5031", Day(date)));
        await using var check = hosts.A.NewDbContext();
        var values = await check.DayValues.Where(v => v.DepartmentId == 50301).OrderBy(v => v.Date).Select(v => v.Value).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => ScriptedPosProvider.ValueOf("5031", Day("2026-10-01").AddDays(i))), values);
        Assert.Null((await check.ImportLanes.SingleAsync(l => l.AccountKey == "rseries:5031")).LeaseOwner);
    }

    [Fact]
    public async Task LeaseTakenAway_TheOldOwnerWritesNothingMoreAndTheJobEndsWithExactNumbers()
    {
        await _seed.ReadyClientAsync(504, (50401, "5041"));
        var gate = hosts.B.Pos.For("5041").BlockOn(Day("2026-10-03"));
        var jobId = Guid.Parse((await hosts.A.Imports(hosts.A.SupervisorOf(504)).StartImportAsync(new()
        {
            ClientId = 504, DepartmentIds = { 50401 }, FromDate = "2026-10-01", UntilDate = "2026-10-03", RequestId = Guid.NewGuid().ToString(),
        })).Job.JobId);
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await hosts.A.WaitForJobAsync(jobId, j => j.DepartmentDaysDone == 1, "day 1 done");

        // Another instance takes the lane over (as if B had been paused past its lease) while B holds day 2 in hand.
        await using (var db = hosts.A.NewDbContext())
        {
            await db.ImportLanes.Where(l => l.AccountKey == "rseries:5041").ExecuteUpdateAsync(s => s
                .SetProperty(l => l.LeaseOwner, "other-instance").SetProperty(l => l.LeaseExpiresAt, DateTimeOffset.UtcNow.AddMinutes(5)));
        }
        gate.Release();
        // B notices at its next renewal or write (at most a second or two); day 2 must stay unwritten.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using (var db = hosts.A.NewDbContext())
        {
            var unit = await db.ImportUnits.SingleAsync(u => u.JobId == jobId && u.Date == Day("2026-10-02"));
            Assert.Equal(0, unit.State);
            Assert.False(await db.DayValues.AnyAsync(v => v.DepartmentId == 50401 && v.Date == Day("2026-10-02")));
            Assert.Equal(1, (await db.ImportJobs.SingleAsync(j => j.Id == jobId)).DepartmentDaysDone);

            // The other instance dies in turn: B resumes the lane after its lease ends and finishes the job.
            await db.ImportLanes.Where(l => l.AccountKey == "rseries:5041").ExecuteUpdateAsync(s => s.SetProperty(l => l.LeaseExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }
        var finished = await hosts.A.WaitForStateAsync(jobId, ImportJobState.Succeeded);

        Assert.Equal((3, 3L), (finished.DepartmentDaysDone, finished.ValuesWritten));
        await using var check = hosts.A.NewDbContext();
        Assert.Equal(3, await check.DayValues.CountAsync(v => v.DepartmentId == 50401));
        Assert.Equal(1, await check.ImportUnits.CountAsync(u => u.JobId == jobId && u.Date == Day("2026-10-01") && u.State == 1));
    }
}
