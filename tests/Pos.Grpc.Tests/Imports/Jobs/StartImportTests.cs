using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>StartImport on a host without workers: every rejection, idempotence, and the job it queues.</summary>
public sealed class StartImportTests(QueuedImportsFixture host) : IClassFixture<QueuedImportsFixture>
{
    private readonly ImportSeed _seed = new(host);

    private static StartImportRequest Request(long clientId, long[] departmentIds, string from = "2026-10-01", string until = "2026-10-03",
        string? requestId = null, bool overwrite = false) => new()
    {
        ClientId = clientId,
        DepartmentIds = { departmentIds },
        FromDate = from,
        UntilDate = until,
        OverwriteApproved = overwrite,
        RequestId = requestId ?? Guid.NewGuid().ToString(),
    };

    private async Task<int> JobCountAsync(long clientId)
    {
        await using var db = host.NewDbContext();
        return await db.ImportJobs.CountAsync(j => j.ClientId == clientId);
    }

    [Fact]
    public async Task StartImport_ReadyClient_QueuesAJobWithOneUnitPerDepartmentDay()
    {
        await _seed.ReadyClientAsync(101, (10101, "1011"), (10102, "1012"));
        var imports = host.Imports(host.SupervisorOf(101));

        var job = (await imports.StartImportAsync(Request(101, [10102, 10101], "2026-10-01", "2026-10-03", overwrite: true))).Job;

        Assert.Equal(ImportJobState.Queued, job.State);
        Assert.Equal(ImportTrigger.Manual, job.Trigger);
        Assert.Equal([10101L, 10102L], job.DepartmentIds);
        Assert.Equal(("2026-10-01", "2026-10-03", true), (job.FromDate, job.UntilDate, job.OverwriteApproved));
        Assert.Equal("supervisor-101", job.CreatedBy);
        Assert.Equal(6, job.Progress.DepartmentDaysTotal);
        Assert.Equal(0, job.Progress.DepartmentDaysDone);
        Assert.All(job.Progress.Departments, d => Assert.Equal((DepartmentImportState.Pending, 0, 3), (d.State, d.DaysDone, d.DaysTotal)));
        Assert.Null(job.EndTime);

        await using var db = host.NewDbContext();
        var jobId = Guid.Parse(job.JobId);
        var units = await db.ImportUnits.Where(u => u.JobId == jobId).OrderBy(u => u.DepartmentId).ThenBy(u => u.Date).ToListAsync();
        Assert.Equal(6, units.Count);
        Assert.Equal(ImportSeed.Day("2026-10-01"), units[0].Date);
        Assert.All(units, u => Assert.Equal(0, u.State));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.ClientId == 101 && a.Action == "import.start" && a.ResourceId == job.JobId));
    }

    public static TheoryData<string, StartImportRequest, string[]> InvalidRequests() => new()
    {
        { "no client", Request(0, [10201]), ["client_id"] },
        { "no departments", Request(102, []), ["department_ids"] },
        { "zero department", Request(102, [10201, 0]), ["department_ids[1]"] },
        { "repeated department", Request(102, [10201, 10201]), ["department_ids[1]"] },
        { "101 departments", Request(102, Enumerable.Range(1, 101).Select(i => 0L).ToArray()), ["department_ids"] },
        { "bad from", Request(102, [10201], from: "2026-13-01"), ["from_date"] },
        { "empty until", Request(102, [10201], until: ""), ["until_date"] },
        { "until before from", Request(102, [10201], from: "2026-10-05", until: "2026-10-04"), ["until_date"] },
        { "401 days", Request(102, [10201], from: "2025-01-01", until: "2026-02-05"), ["until_date"] },
        { "request id not a uuid", Request(102, [10201], requestId: "retry-1"), ["request_id"] },
        { "everything", Request(-1, [-5], from: "yesterday", until: "today", requestId: ""), ["client_id", "department_ids[0]", "from_date", "until_date", "request_id"] },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task StartImport_InvalidFields_AreInvalidArgumentNamingEachAndQueueNothing(string @case, StartImportRequest request, string[] fields)
    {
        Assert.NotEmpty(@case);
        var imports = host.Imports(host.SupervisorOf(102));
        await RpcAssert.InvalidArgumentAsync(() => imports.StartImportAsync(request), fields);
        Assert.Equal(0, await JobCountAsync(102));
    }

    [Fact]
    public async Task StartImport_400Days_IsAccepted()
    {
        await _seed.ReadyClientAsync(103, (10301, "1031"));
        var job = (await host.Imports(host.SupervisorOf(103)).StartImportAsync(Request(103, [10301], "2025-01-01", "2026-02-04"))).Job;
        Assert.Equal(400, job.Progress.DepartmentDaysTotal);
    }

    [Fact]
    public async Task StartImport_UntilTomorrowInTheClientsZone_IsInvalidArgumentButTodayIsAccepted()
    {
        // UTC+14: "today" there is often tomorrow in UTC, so the check must use the client's zone.
        await _seed.SettingsAsync(104, timeZone: "Pacific/Kiritimati");
        await _seed.GrossSalesFieldAsync(104);
        await _seed.DepartmentAsync(104, 10401, "1041");
        await _seed.ConnectionAsync(104, "1041");
        var imports = host.Imports(host.SupervisorOf(104));
        var today = TimeZones.Today(TimeProvider.System, TimeZones.Find("Pacific/Kiritimati"));

        await RpcAssert.InvalidArgumentAsync(() => imports.StartImportAsync(Request(104, [10401], Dates.ToWire(today), Dates.ToWire(today.AddDays(1)))), "until_date");
        var job = (await imports.StartImportAsync(Request(104, [10401], Dates.ToWire(today.AddDays(-1)), Dates.ToWire(today)))).Job;
        Assert.Equal(2, job.Progress.DepartmentDaysTotal);
    }

    [Fact]
    public async Task StartImport_PosImportNotEnabled_FailsPreconditionNamingTheSettings()
    {
        await _seed.SettingsAsync(105, importEnabled: false);
        await _seed.DepartmentAsync(105, 10501, "1051");
        await _seed.ConnectionAsync(105, "1051");

        var failure = await RpcAssert.FailedPreconditionAsync(() => host.Imports(host.SupervisorOf(105)).StartImportAsync(Request(105, [10501])),
            "clients/105/settings/pos_import_enabled", "clients/105/settings/pos_integration_service");
        Assert.All(failure.Violations, v => Assert.Equal("SETTINGS", v.Type));
        Assert.Equal(0, await JobCountAsync(105));
    }

    [Fact]
    public async Task StartImport_ClientWithoutStoredSettings_FailsPrecondition()
    {
        await _seed.DepartmentAsync(106, 10601, "1061");
        await RpcAssert.FailedPreconditionAsync(() => host.Imports(host.SupervisorOf(106)).StartImportAsync(Request(106, [10601])),
            "clients/106/settings/pos_import_enabled", "clients/106/settings/pos_integration_service", "clients/106/lightspeed_accounts/1061");
    }

    [Fact]
    public async Task StartImport_DepartmentsNotReady_FailsPreconditionNamingEachProblem()
    {
        await _seed.ReadyClientAsync(107, (10701, "1071"));
        await _seed.DepartmentAsync(107, 10702, account: null);
        await _seed.DepartmentAsync(107, 10703, "1073");
        await _seed.ConnectionAsync(107, "1073", ConnectionState.Authorized);
        await _seed.DepartmentAsync(107, 10704, "1074");

        var failure = await RpcAssert.FailedPreconditionAsync(
            () => host.Imports(host.SupervisorOf(107)).StartImportAsync(Request(107, [10701, 10702, 10703, 10704])),
            "departments/10702/pos_client_number", "clients/107/lightspeed_accounts/1073", "clients/107/lightspeed_accounts/1074");
        Assert.Contains(failure.Violations, v => v.Type == "LIGHTSPEED_CONNECTION" && v.Description.Contains("ACTIVE"));
        Assert.Equal(0, await JobCountAsync(107));
    }

    [Fact]
    public async Task StartImport_AnotherClientsDepartment_IsNotFound()
    {
        await _seed.ReadyClientAsync(108, (10801, "1081"));
        await _seed.ReadyClientAsync(109, (10901, "1091"));

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => host.Imports(host.SupervisorOf(108)).StartImportAsync(Request(108, [10801, 10901])));
        // The other client's id names nothing the caller can see either.
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => host.Imports(host.SupervisorOf(108)).StartImportAsync(Request(109, [10901])));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => host.Imports(host.SupervisorOf(108)).StartImportAsync(Request(108, [99999])));
        Assert.Equal(0, await JobCountAsync(108) + await JobCountAsync(109));
    }

    [Fact]
    public async Task StartImport_RegionalSupervisor_ImportsOnlyTheirDepartments()
    {
        await _seed.ReadyClientAsync(110, (11001, "1101"), (11002, "1102"));
        var regional = host.Imports(host.TokenFor(PosRoles.RegionalSupervisor, 110, [11001]));

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => regional.StartImportAsync(Request(110, [11001, 11002])));
        var job = (await regional.StartImportAsync(Request(110, [11001]))).Job;
        Assert.Equal(ImportJobState.Queued, job.State);
    }

    [Fact]
    public async Task StartImport_SupportRole_IsPermissionDenied()
    {
        await _seed.ReadyClientAsync(111, (11101, "1111"));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            () => host.Imports(host.TokenFor(PosRoles.Support)).StartImportAsync(Request(111, [11101])));
    }

    [Fact]
    public async Task StartImport_SameRequestIdSameParameters_ReturnsTheSameJob()
    {
        await _seed.ReadyClientAsync(112, (11201, "1121"), (11202, "1122"));
        var imports = host.Imports(host.SupervisorOf(112));
        var request = Request(112, [11201, 11202]);

        var first = (await imports.StartImportAsync(request)).Job;
        // Departments in another order are the same import.
        var retry = request.Clone();
        retry.DepartmentIds.Clear();
        retry.DepartmentIds.Add([11202, 11201]);
        var second = (await imports.StartImportAsync(retry)).Job;
        var third = (await host.Imports(host.TokenFor(PosRoles.Supervisor, 112, subject: "someone-else")).StartImportAsync(request)).Job;

        Assert.Equal(first.JobId, second.JobId);
        Assert.Equal(first.JobId, third.JobId);
        Assert.Equal(1, await JobCountAsync(112));
    }

    [Fact]
    public async Task StartImport_SameRequestIdOtherParameters_IsAlreadyExists()
    {
        await _seed.ReadyClientAsync(113, (11301, "1131"));
        var imports = host.Imports(host.SupervisorOf(113));
        var request = Request(113, [11301], "2026-09-01", "2026-09-02");
        await imports.StartImportAsync(request);

        var other = request.Clone();
        other.UntilDate = "2026-09-05";
        var exception = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => imports.StartImportAsync(other));
        Assert.Contains("request_id", exception.Status.Detail);
        Assert.Equal(1, await JobCountAsync(113));
    }

    [Fact]
    public async Task StartImport_ConcurrentRetriesOfOneRequest_QueueOneJob()
    {
        await _seed.ReadyClientAsync(114, (11401, "1141"));
        var request = Request(114, [11401]);

        var jobs = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
            (await host.Imports(host.SupervisorOf(114)).StartImportAsync(request)).Job.JobId));

        Assert.Single(jobs.Distinct());
        Assert.Equal(1, await JobCountAsync(114));
    }

    [Fact]
    public async Task StartImport_OverlappingAQueuedOrRunningJob_IsAborted()
    {
        await _seed.ReadyClientAsync(115, (11501, "1151"), (11502, "1152"));
        var imports = host.Imports(host.SupervisorOf(115));
        var queued = (await imports.StartImportAsync(Request(115, [11501], "2026-10-01", "2026-10-10"))).Job;

        var exception = await RpcAssert.FailsAsync(StatusCode.Aborted, () => imports.StartImportAsync(Request(115, [11501, 11502], "2026-10-10", "2026-10-12")));
        Assert.Equal("IMPORT_OVERLAPS_ACTIVE_JOB", RpcAssert.Reason(exception));
        Assert.Contains(queued.JobId, exception.Status.Detail);
        // Other days, or another department, do not overlap.
        await imports.StartImportAsync(Request(115, [11501], "2026-10-11", "2026-10-12"));
        await imports.StartImportAsync(Request(115, [11502], "2026-10-01", "2026-10-10"));

        var running = await _seed.JobAsync(115, [11501], "2026-09-01", "2026-09-05", ImportJobState.Running);
        await RpcAssert.FailsAsync(StatusCode.Aborted, () => imports.StartImportAsync(Request(115, [11501], "2026-09-05", "2026-09-05")));
        // Once the job is over, its days are free again.
        await _seed.JobAsync(115, [11501], "2026-08-01", "2026-08-05", ImportJobState.Succeeded);
        await imports.StartImportAsync(Request(115, [11501], "2026-08-01", "2026-08-05"));
        Assert.NotEqual(Guid.Empty, running.Id);
    }

    [Fact]
    public async Task StartImport_ConcurrentOverlappingRequests_QueueExactlyOne()
    {
        await _seed.ReadyClientAsync(116, (11601, "1161"));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            try
            {
                await host.Imports(host.SupervisorOf(116)).StartImportAsync(Request(116, [11601]));
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));

        Assert.Equal(1, outcomes.Count(o => o == StatusCode.OK));
        Assert.All(outcomes.Where(o => o != StatusCode.OK), o => Assert.Equal(StatusCode.Aborted, o));
        Assert.Equal(1, await JobCountAsync(116));
    }
}
