using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>GetImportJob, ListImportJobs and CancelImportJob of queued and finished jobs, on a host without workers.</summary>
public sealed class ImportJobQueryTests(QueuedImportsFixture host) : IClassFixture<QueuedImportsFixture>
{
    private readonly ImportSeed _seed = new(host);

    [Fact]
    public async Task GetImportJob_SeededJob_ShowsItsProgressPerDepartmentAndErrors()
    {
        await _seed.DepartmentAsync(201, 20101, "2011");
        await _seed.DepartmentAsync(201, 20102, "2012");
        await _seed.FieldAsync(201, 201_001, "Visitors", mandatory: false, PosFieldType.Visitors);
        var job = await _seed.JobAsync(201, [20101, 20102], "2026-10-01", "2026-10-03", ImportJobState.Succeeded, configure: j =>
        {
            j.DepartmentDaysDone = 3;
            j.SalesRead = 30;
            j.ValuesWritten = 3;
            j.Errors = """[{"department_id": 20102, "date": "2026-10-01", "reason": "LIGHTSPEED_REAUTHORIZATION_REQUIRED", "message": "Authorise again."}]""";
        });
        await using (var db = host.NewDbContext())
        {
            await db.ImportUnits.Where(u => u.JobId == job.Id && u.DepartmentId == 20101).ExecuteUpdateAsync(s => s.SetProperty(u => u.State, 1));
            await db.ImportUnits.Where(u => u.JobId == job.Id && u.DepartmentId == 20102)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.State, 2).SetProperty(u => u.Error, "Authorise again."));
        }

        var read = (await host.Imports(host.SupervisorOf(201)).GetImportJobAsync(new() { JobId = job.Id.ToString() })).Job;

        Assert.Equal(ImportJobState.Succeeded, read.State);
        Assert.Equal((6, 3, 30L, 3L), (read.Progress.DepartmentDaysTotal, read.Progress.DepartmentDaysDone, read.Progress.SalesRead, read.Progress.ValuesWritten));
        Assert.Null(read.Progress.EstimatedEndTime);
        Assert.NotNull(read.EndTime);
        var departments = read.Progress.Departments.ToDictionary(d => d.DepartmentId);
        Assert.Equal((DepartmentImportState.Done, 3, 3, ""), (departments[20101].State, departments[20101].DaysDone, departments[20101].DaysTotal, departments[20101].Error));
        Assert.Equal((DepartmentImportState.Failed, 0, "Authorise again."), (departments[20102].State, departments[20102].DaysDone, departments[20102].Error));
        var error = Assert.Single(read.Progress.Errors);
        Assert.Equal((20102L, "2026-10-01", "LIGHTSPEED_REAUTHORIZATION_REQUIRED"), (error.DepartmentId, error.Date, error.Reason));
        Assert.Equal(["POS_FIELD_TYPE_VISITORS"], read.Progress.NotProvidedFieldTypes);
    }

    [Fact]
    public async Task GetImportJob_BadOrUnknownId_IsInvalidArgumentOrNotFound()
    {
        var imports = host.Imports(host.SupervisorOf(202));
        await RpcAssert.InvalidArgumentAsync(() => imports.GetImportJobAsync(new() { JobId = "job-1" }), "job_id");
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => imports.GetImportJobAsync(new() { JobId = Guid.NewGuid().ToString() }));
    }

    [Fact]
    public async Task GetImportJob_ByRole_SupportSeesAnyRegionalOnlyJobsOfTheirDepartments()
    {
        await _seed.DepartmentAsync(203, 20301, "2031");
        await _seed.DepartmentAsync(203, 20302, "2032");
        var job = await _seed.JobAsync(203, [20301, 20302], "2026-10-01", "2026-10-01");
        var request = new GetImportJobRequest { JobId = job.Id.ToString() };

        await host.Imports(host.TokenFor(PosRoles.Support)).GetImportJobAsync(request);
        await host.Imports(host.TokenFor(PosRoles.RegionalSupervisor, 203, [20301, 20302])).GetImportJobAsync(request);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => host.Imports(host.TokenFor(PosRoles.RegionalSupervisor, 203, [20301])).GetImportJobAsync(request));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => host.Imports(host.SupervisorOf(204)).GetImportJobAsync(request));
    }

    [Fact]
    public async Task ListImportJobs_PagesNewestFirstWithOpaqueTokens()
    {
        await _seed.DepartmentAsync(205, 20501, "2051");
        var at = new DateTimeOffset(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);
        var seeded = new List<Guid>();
        // Two jobs share a creation instant: the id breaks the tie, so paging neither skips nor repeats one.
        foreach (var minutes in new[] { 0, 10, 10, 20, 30 })
            seeded.Add((await _seed.JobAsync(205, [20501], "2026-09-01", "2026-09-01", createdAt: at.AddMinutes(minutes))).Id);
        var imports = host.Imports(host.SupervisorOf(205));

        var seen = new List<ImportJob>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await imports.ListImportJobsAsync(new() { ClientId = 205, PageSize = 2, PageToken = token });
            seen.AddRange(page.Jobs);
            token = page.NextPageToken;
            pages++;
        } while (token != "" && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(seeded.Count, seen.Select(j => j.JobId).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(j => j.CreateTime).Select(j => j.CreateTime), seen.Select(j => j.CreateTime));
        Assert.Equal(seeded[4].ToString(), seen[0].JobId);
        Assert.Equal(seeded[0].ToString(), seen[^1].JobId);
    }

    [Fact]
    public async Task ListImportJobs_TokenOfAnotherListOrGarbage_IsInvalidArgument()
    {
        await _seed.DepartmentAsync(206, 20601, "2061");
        for (var i = 0; i < 3; i++) await _seed.JobAsync(206, [20601], "2026-09-01", "2026-09-01");
        var imports = host.Imports(host.SupervisorOf(206));
        var token = (await imports.ListImportJobsAsync(new() { ClientId = 206, PageSize = 1 })).NextPageToken;
        Assert.NotEmpty(token);

        await RpcAssert.InvalidArgumentAsync(() => imports.ListImportJobsAsync(new() { ClientId = 206, PageSize = 1, PageToken = token, State = ImportJobState.Queued }), "page_token");
        await RpcAssert.InvalidArgumentAsync(() => imports.ListImportJobsAsync(new() { ClientId = 206, PageToken = "garbage" }), "page_token");
        await RpcAssert.InvalidArgumentAsync(() => imports.ListImportJobsAsync(new() { ClientId = 206, PageSize = -1, State = (ImportJobState)42 }), "page_size", "state");
    }

    [Fact]
    public async Task ListImportJobs_StateFilter_ListsOnlyThatState()
    {
        await _seed.DepartmentAsync(207, 20701, "2071");
        var succeeded = await _seed.JobAsync(207, [20701], "2026-09-01", "2026-09-01", ImportJobState.Succeeded);
        await _seed.JobAsync(207, [20701], "2026-09-02", "2026-09-02", ImportJobState.Failed);
        await _seed.JobAsync(207, [20701], "2026-09-03", "2026-09-03", ImportJobState.Queued);
        var imports = host.Imports(host.SupervisorOf(207));

        var listed = await imports.ListImportJobsAsync(new() { ClientId = 207, State = ImportJobState.Succeeded });
        Assert.Equal([succeeded.Id.ToString()], listed.Jobs.Select(j => j.JobId));
        Assert.Equal(3, (await imports.ListImportJobsAsync(new() { ClientId = 207 })).Jobs.Count);
        Assert.Empty((await imports.ListImportJobsAsync(new() { ClientId = 207, State = ImportJobState.Running })).Jobs);
    }

    [Fact]
    public async Task ListImportJobs_RegionalSupervisor_SeesJobsWhoseDepartmentsAreAllTheirs()
    {
        await _seed.DepartmentAsync(208, 20801, "2081");
        await _seed.DepartmentAsync(208, 20802, "2082");
        var theirs = await _seed.JobAsync(208, [20801], "2026-09-01", "2026-09-01");
        await _seed.JobAsync(208, [20801, 20802], "2026-09-01", "2026-09-01");
        await _seed.JobAsync(208, [20802], "2026-09-01", "2026-09-01");

        var listed = await host.Imports(host.TokenFor(PosRoles.RegionalSupervisor, 208, [20801])).ListImportJobsAsync(new() { ClientId = 208 });
        Assert.Equal([theirs.Id.ToString()], listed.Jobs.Select(j => j.JobId));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => host.Imports(host.SupervisorOf(209)).ListImportJobsAsync(new() { ClientId = 208 }));
    }

    [Fact]
    public async Task CancelImportJob_QueuedJob_IsCancelledAtOnceAndAudited()
    {
        await _seed.DepartmentAsync(210, 21001, "2101");
        var job = await _seed.JobAsync(210, [21001], "2026-09-01", "2026-09-03");

        var cancelled = (await host.Imports(host.SupervisorOf(210)).CancelImportJobAsync(new() { JobId = job.Id.ToString() })).Job;

        Assert.Equal(ImportJobState.Cancelled, cancelled.State);
        Assert.NotNull(cancelled.EndTime);
        var stored = await host.ReadJobAsync(job.Id);
        Assert.Equal(((int)ImportJobState.Cancelled, true), (stored.State, stored.CancelRequested));
        await using var db = host.NewDbContext();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.ClientId == 210 && a.Action == "import.cancel" && a.ResourceId == job.Id.ToString()));
    }

    [Fact]
    public async Task CancelImportJob_TerminalJobs_CancelledIsIdempotentFinishedFailsPrecondition()
    {
        await _seed.DepartmentAsync(211, 21101, "2111");
        var cancelled = await _seed.JobAsync(211, [21101], "2026-09-01", "2026-09-01", ImportJobState.Cancelled, configure: j => j.CancelRequested = true);
        var succeeded = await _seed.JobAsync(211, [21101], "2026-09-02", "2026-09-02", ImportJobState.Succeeded);
        var failed = await _seed.JobAsync(211, [21101], "2026-09-03", "2026-09-03", ImportJobState.Failed);
        var imports = host.Imports(host.SupervisorOf(211));

        var again = (await imports.CancelImportJobAsync(new() { JobId = cancelled.Id.ToString() })).Job;
        Assert.Equal(ImportJobState.Cancelled, again.State);
        Assert.Equal(cancelled.ProgressVersion, (await host.ReadJobAsync(cancelled.Id)).ProgressVersion);

        foreach (var finished in new[] { succeeded, failed })
        {
            await RpcAssert.FailedPreconditionAsync(() => imports.CancelImportJobAsync(new() { JobId = finished.Id.ToString() }), $"importJobs/{finished.Id}");
            Assert.Equal(finished.State, (await host.ReadJobAsync(finished.Id)).State);
        }
    }

    [Fact]
    public async Task CancelImportJob_ByRole_RegionalNeedsEveryDepartmentSupportMayNot()
    {
        await _seed.DepartmentAsync(212, 21201, "2121");
        await _seed.DepartmentAsync(212, 21202, "2122");
        var job = await _seed.JobAsync(212, [21201, 21202], "2026-09-01", "2026-09-01");
        var request = new CancelImportJobRequest { JobId = job.Id.ToString() };

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => host.Imports(host.TokenFor(PosRoles.Support)).CancelImportJobAsync(request));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => host.Imports(host.TokenFor(PosRoles.RegionalSupervisor, 212, [21201])).CancelImportJobAsync(request));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => host.Imports(host.SupervisorOf(213)).CancelImportJobAsync(request));
        Assert.Equal((int)ImportJobState.Queued, (await host.ReadJobAsync(job.Id)).State);

        var cancelled = (await host.Imports(host.TokenFor(PosRoles.RegionalSupervisor, 212, [21201, 21202])).CancelImportJobAsync(request)).Job;
        Assert.Equal(ImportJobState.Cancelled, cancelled.State);
    }
}
