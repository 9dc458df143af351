using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>Jobs run by the lanes: numbers, failures, retries, cancellation, and reading on while days wait to be written.</summary>
public sealed class ImportJobRunTests(RunningImportsFixture host) : IClassFixture<RunningImportsFixture>
{
    private readonly ImportSeed _seed = new(host);

    private async Task<Guid> StartAsync(long clientId, long[] departmentIds, string from, string until, bool overwrite = false)
    {
        var job = (await host.Imports(host.SupervisorOf(clientId)).StartImportAsync(new()
        {
            ClientId = clientId, DepartmentIds = { departmentIds }, FromDate = from, UntilDate = until,
            OverwriteApproved = overwrite, RequestId = Guid.NewGuid().ToString(),
        })).Job;
        return Guid.Parse(job.JobId);
    }

    private static IEnumerable<DateOnly> Days(string from, string until)
    {
        var first = ImportSeed.Day(from);
        return Enumerable.Range(0, ImportSeed.Day(until).DayNumber - first.DayNumber + 1).Select(first.AddDays);
    }

    private async Task<Dictionary<DateOnly, decimal>> ValuesAsync(long clientId, long departmentId)
    {
        await using var db = host.NewDbContext();
        var fieldId = ImportSeed.GrossSalesFieldOf(clientId);
        return await db.DayValues.Where(v => v.DepartmentId == departmentId && v.FieldId == fieldId).ToDictionaryAsync(v => v.Date, v => v.Value);
    }

    [Fact]
    public async Task Job_TwoAccounts_ImportsEveryDepartmentDayOnceWithExactNumbers()
    {
        await _seed.ReadyClientAsync(301, (30101, "3011"), (30102, "3012"));

        var jobId = await StartAsync(301, [30101, 30102], "2026-10-01", "2026-10-03");
        var job = await host.WaitForStateAsync(jobId, ImportJobState.Succeeded);

        Assert.Equal((6, 6), (job.DepartmentDaysTotal, job.DepartmentDaysDone));
        Assert.Equal(6 * ScriptedPosProvider.SalesPerDay, job.SalesRead);
        Assert.Equal(6, job.ValuesWritten);
        // One stream per account over its three days, one page a day.
        Assert.Equal(6 * ScriptedPosProvider.RequestsPerPage, job.RequestsMade);
        Assert.Equal(6 * 5, job.RateLimitWaitMs);
        Assert.Equal("[]", job.Errors.Replace(" ", ""));
        Assert.NotNull(job.StartedAt);
        Assert.NotNull(job.FinishedAt);
        foreach (var (department, account) in new[] { (30101L, "3011"), (30102L, "3012") })
        {
            var values = await ValuesAsync(301, department);
            foreach (var day in Days("2026-10-01", "2026-10-03"))
            {
                Assert.Equal(ScriptedPosProvider.ValueOf(account, day), values[day]);
                Assert.Equal(1, host.Pos.Reads(account, day));
            }
        }
        await using var db = host.NewDbContext();
        Assert.Equal(6, await db.ImportedDays.CountAsync(d => d.JobId == jobId));
        Assert.True(await db.ImportUnits.Where(u => u.JobId == jobId)
            .AllAsync(u => u.State == 1 && u.SalesRead == ScriptedPosProvider.SalesPerDay && u.FinishedAt != null));
        // Both lanes were given back once their work was done.
        Assert.True(await db.ImportLanes.Where(l => l.AccountKey == "rseries:3011" || l.AccountKey == "rseries:3012").AllAsync(l => l.LeaseOwner == null));

        var read = (await host.Imports(host.SupervisorOf(301)).GetImportJobAsync(new() { JobId = jobId.ToString() })).Job;
        Assert.All(read.Progress.Departments, d => Assert.Equal((DepartmentImportState.Done, 3, 3), (d.State, d.DaysDone, d.DaysTotal)));
    }

    [Fact]
    public async Task Job_OneAccountFailsPermanently_SucceedsWithThatDepartmentFailedAndListed()
    {
        await _seed.ReadyClientAsync(302, (30201, "3021"), (30202, "3022"));
        host.Pos.For("3022").PermanentFailure = "LIGHTSPEED_REAUTHORIZATION_REQUIRED";

        var jobId = await StartAsync(302, [30201, 30202], "2026-10-01", "2026-10-04");
        await host.WaitForStateAsync(jobId, ImportJobState.Succeeded);

        var read = (await host.Imports(host.SupervisorOf(302)).GetImportJobAsync(new() { JobId = jobId.ToString() })).Job;
        Assert.Equal(4, read.Progress.DepartmentDaysDone);
        var failed = read.Progress.Departments.Single(d => d.DepartmentId == 30202);
        Assert.Equal((DepartmentImportState.Failed, 0, 4), (failed.State, failed.DaysDone, failed.DaysTotal));
        var error = Assert.Single(read.Progress.Errors);
        Assert.Equal((30202L, "2026-10-01", "LIGHTSPEED_REAUTHORIZATION_REQUIRED"), (error.DepartmentId, error.Date, error.Reason));
        // The account's read stopped at its first page and was not tried again: a permanent failure is not retried.
        Assert.Equal(1, host.Pos.Reads("3022", ImportSeed.Day("2026-10-01")));
        Assert.Equal(0, host.Pos.Reads("3022", ImportSeed.Day("2026-10-02")));
        Assert.Empty(await ValuesAsync(302, 30202));
        Assert.Equal(4, (await ValuesAsync(302, 30201)).Count);
    }

    [Fact]
    public async Task Job_NothingCouldBeImported_Fails()
    {
        await _seed.ReadyClientAsync(303, (30301, "3031"));
        host.Pos.For("3031").PermanentFailure = "LIGHTSPEED_ACCOUNT_GONE";

        var jobId = await StartAsync(303, [30301], "2026-10-01", "2026-10-02");
        var job = await host.WaitForStateAsync(jobId, ImportJobState.Failed);

        Assert.Equal(0, job.DepartmentDaysDone);
        Assert.Contains("LIGHTSPEED_ACCOUNT_GONE", job.Errors);
        Assert.NotNull(job.FinishedAt);
    }

    [Fact]
    public async Task Job_TransientFailures_AreRetriedFromTheFirstUnfinishedDay()
    {
        await _seed.ReadyClientAsync(304, (30401, "3041"));
        // Two reads fail when they reach day 3. Day 1 is complete once day 2's page has come (a sale past its end), so the
        // first read writes it; days 2 and 3 are read again from day 2, and the third read writes them.
        host.Pos.For("3041").FailTransiently(2, from: ImportSeed.Day("2026-10-03"));

        var jobId = await StartAsync(304, [30401], "2026-10-01", "2026-10-03");
        var job = await host.WaitForStateAsync(jobId, ImportJobState.Succeeded);

        Assert.Equal(3, job.DepartmentDaysDone);
        Assert.Equal(1, host.Pos.Reads("3041", ImportSeed.Day("2026-10-01")));
        Assert.Equal(3, host.Pos.Reads("3041", ImportSeed.Day("2026-10-02")));
        Assert.Equal(3, host.Pos.Reads("3041", ImportSeed.Day("2026-10-03")));
        Assert.Equal("[]", job.Errors.Replace(" ", ""));
        Assert.Equal(Days("2026-10-01", "2026-10-03"), (await ValuesAsync(304, 30401)).Keys.Order());
    }

    [Fact]
    public async Task Job_TransientFailuresPastTheLimit_FailTheDaysStillUnreadAndKeepWhatWasWritten()
    {
        await _seed.ReadyClientAsync(305, (30501, "3051"));
        host.Pos.For("3051").FailTransiently(3, from: ImportSeed.Day("2026-10-03"));

        var jobId = await StartAsync(305, [30501], "2026-10-01", "2026-10-03");
        await host.WaitForStateAsync(jobId, ImportJobState.Succeeded);

        var read = (await host.Imports(host.SupervisorOf(305)).GetImportJobAsync(new() { JobId = jobId.ToString() })).Job;
        Assert.Equal(1, read.Progress.DepartmentDaysDone);
        var department = Assert.Single(read.Progress.Departments);
        Assert.Equal((DepartmentImportState.Failed, 1, 3), (department.State, department.DaysDone, department.DaysTotal));
        var error = Assert.Single(read.Progress.Errors);
        Assert.Equal(("2026-10-02", "TEST_TRANSIENT"), (error.Date, error.Reason));
        Assert.Contains("gave up after 3 attempts", error.Message);
        Assert.Equal(3, host.Pos.Reads("3051", ImportSeed.Day("2026-10-03")));
        Assert.Equal([ImportSeed.Day("2026-10-01")], (await ValuesAsync(305, 30501)).Keys.Order());
    }

    [Fact]
    public async Task Job_WhileADayWaitsToBeWritten_TheStreamReadsOn()
    {
        await _seed.ReadyClientAsync(312, (31201, "3121"));
        // Another transaction holds the department's lock: the checkpoints of its days wait for it.
        await using var holder = host.NewDbContext();
        await using var hold = await holder.Database.BeginTransactionAsync();
        await holder.Database.ExecuteSqlAsync($"SELECT id FROM departments WHERE id = {31201L} FOR NO KEY UPDATE");

        var jobId = await StartAsync(312, [31201], "2026-10-01", "2026-10-03");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (host.Pos.Reads("3121", ImportSeed.Day("2026-10-03")) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The stream did not read on while day 1 waited to be written.");
            await Task.Delay(20);
        }
        Assert.Empty(await ValuesAsync(312, 31201));
        await hold.RollbackAsync();

        var job = await host.WaitForStateAsync(jobId, ImportJobState.Succeeded);
        Assert.Equal(3, job.DepartmentDaysDone);
        foreach (var day in Days("2026-10-01", "2026-10-03")) Assert.Equal(1, host.Pos.Reads("3121", day));
        Assert.Equal(Days("2026-10-01", "2026-10-03"), (await ValuesAsync(312, 31201)).Keys.Order());
    }

    [Fact]
    public async Task CancelImportJob_RunningJob_IsCancelledAtOnceKeepingWhatWasWritten()
    {
        await _seed.ReadyClientAsync(306, (30601, "3061"));
        var gate = host.Pos.For("3061").BlockOn(ImportSeed.Day("2026-10-03"));
        var jobId = await StartAsync(306, [30601], "2026-10-01", "2026-10-05");
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Day 1 closed when day 2's page came; day 2 closes only with day 3's page, which waits at the gate.
        await host.WaitForJobAsync(jobId, j => j.DepartmentDaysDone == 1, "one day done");

        var response = (await host.Imports(host.SupervisorOf(306)).CancelImportJobAsync(new() { JobId = jobId.ToString() })).Job;
        Assert.Equal(ImportJobState.Cancelled, response.State);
        gate.Release();
        await Task.Delay(TimeSpan.FromSeconds(1));

        var job = await host.ReadJobAsync(jobId);
        Assert.Equal((int)ImportJobState.Cancelled, job.State);
        Assert.True(job.CancelRequested);
        Assert.Equal(1, job.DepartmentDaysDone);
        Assert.NotNull(job.FinishedAt);
        // The read went on once the gate opened, but the job had ended: its next write was refused, nothing more was written.
        Assert.Equal([ImportSeed.Day("2026-10-01")], (await ValuesAsync(306, 30601)).Keys.Order());
        await using var db = host.NewDbContext();
        Assert.Equal(4, await db.ImportUnits.CountAsync(u => u.JobId == jobId && u.State == 0));
    }

    [Fact]
    public async Task Job_ApprovedDays_AreSparedUnlessOverwriting()
    {
        await _seed.ReadyClientAsync(307, (30701, "3071"));
        await _seed.ConfirmedDayAsync(30701, 1, "2026-10-02");
        await _seed.DayValueAsync(30701, 1, "2026-10-02", ImportSeed.GrossSalesFieldOf(307), 1.50m);

        var spared = await host.WaitForStateAsync(await StartAsync(307, [30701], "2026-10-01", "2026-10-03"), ImportJobState.Succeeded);
        Assert.Equal((2L, 1L, 0L), (spared.ValuesWritten, spared.ValuesSkippedApproved, spared.ValuesOverwrittenApproved));
        Assert.Equal(1.50m, (await ValuesAsync(307, 30701))[ImportSeed.Day("2026-10-02")]);

        var overwritten = await host.WaitForStateAsync(await StartAsync(307, [30701], "2026-10-02", "2026-10-02", overwrite: true), ImportJobState.Succeeded);
        Assert.Equal((1L, 0L, 1L), (overwritten.ValuesWritten, overwritten.ValuesSkippedApproved, overwritten.ValuesOverwrittenApproved));
        Assert.Equal(ScriptedPosProvider.ValueOf("3071", ImportSeed.Day("2026-10-02")), (await ValuesAsync(307, 30701))[ImportSeed.Day("2026-10-02")]);
    }

    [Fact]
    public async Task Job_OfAnotherAccount_IsNotHeldUpByABlockedOne()
    {
        await _seed.ReadyClientAsync(308, (30801, "3081"), (30802, "3082"));
        var gate = host.Pos.For("3081").BlockOn(ImportSeed.Day("2026-10-01"));
        var blocked = await StartAsync(308, [30801], "2026-10-01", "2026-10-01");
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var other = await StartAsync(308, [30802], "2026-10-01", "2026-10-02");
        await host.WaitForStateAsync(other, ImportJobState.Succeeded);
        Assert.Equal((int)ImportJobState.Running, (await host.ReadJobAsync(blocked)).State);

        gate.Release();
        await host.WaitForStateAsync(blocked, ImportJobState.Succeeded);
    }

    [Fact]
    public async Task ManualJobs_OfOneAccount_RunFourAtATime_TheOldestFirst()
    {
        await _seed.ReadyClientAsync(311, (31101, "3111"));
        string[] days = ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05"];
        var gates = days.Select(d => host.Pos.For("3111").BlockOn(ImportSeed.Day(d))).ToList();
        var jobs = new List<Guid>();
        foreach (var day in days) jobs.Add(await StartAsync(311, [31101], day, day));

        // The four oldest read their day and wait at its gate; the fifth is not started while they run.
        foreach (var gate in gates.Take(4)) await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((int)ImportJobState.Queued, (await host.ReadJobAsync(jobs[4])).State);
        Assert.False(gates[4].Entered.Task.IsCompleted);

        gates[0].Release();
        await gates[4].Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var gate in gates) gate.Release();
        foreach (var job in jobs) await host.WaitForStateAsync(job, ImportJobState.Succeeded);
    }

    [Fact]
    public async Task Job_TwoJobsOnOneAccount_ShareItsLane()
    {
        await _seed.ReadyClientAsync(310, (31001, "3101"), (31002, "3102"));
        // Two departments on one account: different shops' registers.
        await _seed.DepartmentAsync(310, 31003, "3101", terminalNumbers: ["2"]);
        host.Pos.For("3101").Delay = TimeSpan.FromMilliseconds(100);
        var first = await StartAsync(310, [31001], "2026-10-01", "2026-10-04");
        var second = await StartAsync(310, [31003], "2026-10-01", "2026-10-04");

        await host.WaitForStateAsync(first, ImportJobState.Succeeded);
        await host.WaitForStateAsync(second, ImportJobState.Succeeded);
        await using var db = host.NewDbContext();
        Assert.Equal(1, await db.ImportLanes.CountAsync(l => l.AccountKey == "rseries:3101"));
        Assert.Equal(4, (await ValuesAsync(310, 31001)).Count);
    }
}
