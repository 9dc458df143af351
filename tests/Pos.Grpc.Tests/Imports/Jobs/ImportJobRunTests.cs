using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>Jobs run by the workers: numbers, failures, retries and cancellation at a department-day boundary.</summary>
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
        Assert.Equal(6 * TestDepartmentDayImporter.SalesPerDay, job.SalesRead);
        Assert.Equal(6, job.ValuesWritten);
        Assert.Equal(6 * TestDepartmentDayImporter.RequestsPerDay, job.RequestsMade);
        Assert.Equal(6 * 5, job.RateLimitWaitMs);
        Assert.Equal("[]", job.Errors.Replace(" ", ""));
        Assert.Null(job.LeaseOwner);
        Assert.NotNull(job.StartedAt);
        Assert.NotNull(job.FinishedAt);
        foreach (var department in new long[] { 30101, 30102 })
        {
            var values = await ValuesAsync(301, department);
            foreach (var day in Days("2026-10-01", "2026-10-03"))
            {
                Assert.Equal(TestDepartmentDayImporter.ValueOf(department, day), values[day]);
                Assert.Equal(1, host.Importer.Writes(department, day));
            }
        }
        await using var db = host.NewDbContext();
        Assert.Equal(6, await db.ImportedDays.CountAsync(d => d.JobId == jobId));
        Assert.True(await db.ImportUnits.Where(u => u.JobId == jobId).AllAsync(u => u.State == 1 && u.SalesRead == TestDepartmentDayImporter.SalesPerDay && u.FinishedAt != null));

        var read = (await host.Imports(host.SupervisorOf(301)).GetImportJobAsync(new() { JobId = jobId.ToString() })).Job;
        Assert.All(read.Progress.Departments, d => Assert.Equal((DepartmentImportState.Done, 3, 3), (d.State, d.DaysDone, d.DaysTotal)));
    }

    [Fact]
    public async Task Job_OneDepartmentFailsPermanently_SucceedsWithThatDepartmentFailedAndListed()
    {
        await _seed.ReadyClientAsync(302, (30201, "3021"), (30202, "3022"));
        host.Importer.For(30202).PermanentFailure = "LIGHTSPEED_REAUTHORIZATION_REQUIRED";

        var jobId = await StartAsync(302, [30201, 30202], "2026-10-01", "2026-10-04");
        await host.WaitForStateAsync(jobId, ImportJobState.Succeeded);

        var read = (await host.Imports(host.SupervisorOf(302)).GetImportJobAsync(new() { JobId = jobId.ToString() })).Job;
        Assert.Equal(4, read.Progress.DepartmentDaysDone);
        var failed = read.Progress.Departments.Single(d => d.DepartmentId == 30202);
        Assert.Equal((DepartmentImportState.Failed, 0, 4), (failed.State, failed.DaysDone, failed.DaysTotal));
        Assert.Contains("30202", failed.Error);
        var error = Assert.Single(read.Progress.Errors);
        Assert.Equal((30202L, "2026-10-01", "LIGHTSPEED_REAUTHORIZATION_REQUIRED"), (error.DepartmentId, error.Date, error.Reason));
        // The department stopped at its first day: the remaining days were not even fetched.
        Assert.Equal(1, host.Importer.Prepares(30202, ImportSeed.Day("2026-10-01")));
        Assert.Equal(0, host.Importer.Prepares(30202, ImportSeed.Day("2026-10-02")));
        Assert.Empty(await ValuesAsync(302, 30202));
        Assert.Equal(4, (await ValuesAsync(302, 30201)).Count);
    }

    [Fact]
    public async Task Job_NothingCouldBeImported_Fails()
    {
        await _seed.ReadyClientAsync(303, (30301, "3031"));
        host.Importer.For(30301).PermanentFailure = "LIGHTSPEED_ACCOUNT_GONE";

        var jobId = await StartAsync(303, [30301], "2026-10-01", "2026-10-02");
        var job = await host.WaitForStateAsync(jobId, ImportJobState.Failed);

        Assert.Equal(0, job.DepartmentDaysDone);
        Assert.Contains("LIGHTSPEED_ACCOUNT_GONE", job.Errors);
        Assert.NotNull(job.FinishedAt);
    }

    [Fact]
    public async Task Job_TransientFailures_AreRetriedUntilTheDaySucceeds()
    {
        await _seed.ReadyClientAsync(304, (30401, "3041"));
        host.Importer.For(30401).FailTransiently(2);

        var jobId = await StartAsync(304, [30401], "2026-10-01", "2026-10-02");
        var job = await host.WaitForStateAsync(jobId, ImportJobState.Succeeded);

        Assert.Equal(2, job.DepartmentDaysDone);
        Assert.Equal(3, host.Importer.Prepares(30401, ImportSeed.Day("2026-10-01")));
        Assert.Equal(1, host.Importer.Prepares(30401, ImportSeed.Day("2026-10-02")));
        Assert.Equal("[]", job.Errors.Replace(" ", ""));
    }

    [Fact]
    public async Task Job_DatabaseUnreachableForMoreAttemptsThanADayHas_TheDayIsNotFailedButImported()
    {
        // PostgreSQL, not the day, is failing: giving up on the day (and recording that once the database is back)
        // would end the job SUCCEEDED without it. Waiting for the database uses none of the day's 3 attempts.
        await _seed.ReadyClientAsync(309, (30901, "3091"));
        host.Importer.For(30901).FailWithUnreachableDatabase(5);

        var jobId = await StartAsync(309, [30901], "2026-10-01", "2026-10-02");
        var job = await host.WaitForStateAsync(jobId, ImportJobState.Succeeded);

        Assert.Equal(2, job.DepartmentDaysDone);
        Assert.Equal("[]", job.Errors.Replace(" ", ""));
        Assert.Equal(6, host.Importer.Prepares(30901, ImportSeed.Day("2026-10-01")));
        Assert.Equal([ImportSeed.Day("2026-10-01"), ImportSeed.Day("2026-10-02")], (await ValuesAsync(309, 30901)).Keys.Order());
    }

    [Fact]
    public async Task Job_TransientFailuresPastTheLimit_FailThatDayAndTheRestIsImported()
    {
        await _seed.ReadyClientAsync(305, (30501, "3051"));
        host.Importer.For(30501).FailTransiently(3);

        var jobId = await StartAsync(305, [30501], "2026-10-01", "2026-10-03");
        await host.WaitForStateAsync(jobId, ImportJobState.Succeeded);

        var read = (await host.Imports(host.SupervisorOf(305)).GetImportJobAsync(new() { JobId = jobId.ToString() })).Job;
        Assert.Equal(2, read.Progress.DepartmentDaysDone);
        var department = Assert.Single(read.Progress.Departments);
        Assert.Equal((DepartmentImportState.Failed, 2, 3), (department.State, department.DaysDone, department.DaysTotal));
        var error = Assert.Single(read.Progress.Errors);
        Assert.Equal(("2026-10-01", "TEST_TRANSIENT"), (error.Date, error.Reason));
        Assert.Equal(3, host.Importer.Prepares(30501, ImportSeed.Day("2026-10-01")));
        Assert.Equal([ImportSeed.Day("2026-10-02"), ImportSeed.Day("2026-10-03")], (await ValuesAsync(305, 30501)).Keys.Order());
    }

    [Fact]
    public async Task Job_WhileADayIsWritten_TheNextDayIsFetched_OneDayAheadAtMost()
    {
        await _seed.ReadyClientAsync(312, (31201, "3121"));
        var writing = host.Importer.For(31201).BlockWriteOn(ImportSeed.Day("2026-10-01"));
        var jobId = await StartAsync(312, [31201], "2026-10-01", "2026-10-03");
        await writing.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Day 1's write holds its checkpoint transaction open: day 2 is already being fetched, day 3 is not.
        Assert.Equal(1, host.Importer.Prepares(31201, ImportSeed.Day("2026-10-02")));
        Assert.Equal(0, host.Importer.Prepares(31201, ImportSeed.Day("2026-10-03")));
        Assert.Equal(0, host.Importer.Writes(31201, ImportSeed.Day("2026-10-02")));
        writing.Release();

        var job = await host.WaitForStateAsync(jobId, ImportJobState.Succeeded);
        Assert.Equal(3, job.DepartmentDaysDone);
        foreach (var day in Days("2026-10-01", "2026-10-03"))
            Assert.Equal((1, 1), (host.Importer.Prepares(31201, day), host.Importer.Writes(31201, day)));
        Assert.Equal(Days("2026-10-01", "2026-10-03"), (await ValuesAsync(312, 31201)).Keys.Order());
    }

    [Fact]
    public async Task CancelImportJob_RunningJob_StopsAtTheDayBoundaryKeepingWhatWasWritten()
    {
        await _seed.ReadyClientAsync(306, (30601, "3061"));
        var gate = host.Importer.For(30601).BlockOn(ImportSeed.Day("2026-10-03"));
        var jobId = await StartAsync(306, [30601], "2026-10-01", "2026-10-05");
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var response = (await host.Imports(host.SupervisorOf(306)).CancelImportJobAsync(new() { JobId = jobId.ToString() })).Job;
        // The day in progress finishes first.
        Assert.Equal(ImportJobState.Running, response.State);
        Assert.True((await host.ReadJobAsync(jobId)).CancelRequested);
        gate.Release();
        var job = await host.WaitForStateAsync(jobId, ImportJobState.Cancelled);

        Assert.Equal(3, job.DepartmentDaysDone);
        Assert.NotNull(job.FinishedAt);
        Assert.Null(job.LeaseOwner);
        Assert.Equal(Days("2026-10-01", "2026-10-03"), (await ValuesAsync(306, 30601)).Keys.Order());
        // Day 4 may have been read ahead while day 3 was written (fetched at most once, never written); day 5 is never touched.
        Assert.InRange(host.Importer.Prepares(30601, ImportSeed.Day("2026-10-04")), 0, 1);
        Assert.Equal(0, host.Importer.Writes(30601, ImportSeed.Day("2026-10-04")));
        Assert.Equal(0, host.Importer.Prepares(30601, ImportSeed.Day("2026-10-05")));
        await using var db = host.NewDbContext();
        Assert.Equal(2, await db.ImportUnits.CountAsync(u => u.JobId == jobId && u.State == 0));
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
        Assert.Equal(TestDepartmentDayImporter.ValueOf(30701, ImportSeed.Day("2026-10-02")), (await ValuesAsync(307, 30701))[ImportSeed.Day("2026-10-02")]);
    }

    [Fact]
    public async Task Job_QueuedBehindARunningOne_RunsInTheSecondSlot()
    {
        await _seed.ReadyClientAsync(308, (30801, "3081"), (30802, "3082"));
        var gate = host.Importer.For(30801).BlockOn(ImportSeed.Day("2026-10-01"));
        var blocked = await StartAsync(308, [30801], "2026-10-01", "2026-10-01");
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var other = await StartAsync(308, [30802], "2026-10-01", "2026-10-02");
        await host.WaitForStateAsync(other, ImportJobState.Succeeded);
        Assert.Equal((int)ImportJobState.Running, (await host.ReadJobAsync(blocked)).State);

        gate.Release();
        await host.WaitForStateAsync(blocked, ImportJobState.Succeeded);
    }
}
