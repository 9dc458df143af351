using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Tests.Imports.Jobs;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.ImportHealth;

/// <summary>
/// The health RPCs over the real host and engine (a scripted POS): days imported, failed and missing, problems first,
/// connections, the last night against the confirm time, the next run, the fleet filtered and paged, and who may ask.
/// The fleet is this class's database: its clients are the ones seeded here.
/// </summary>
public sealed class ImportHealthTests(RunningImportsFixture host) : IClassFixture<RunningImportsFixture>
{
    private const long Healthy = 7201, Failing = 7202, Reauthorize = 7203, Disabled = 7204;
    private static readonly TimeZoneInfo Copenhagen = TimeZones.Find("Europe/Copenhagen");

    private static DateOnly Yesterday => TimeZones.LocalDateOf(DateTimeOffset.UtcNow, Copenhagen).AddDays(-1);

    private static readonly SemaphoreSlim SeedLock = new(1, 1);
    private static bool _seeded;

    private ImportHealthService.ImportHealthServiceClient Health(string token) => host.Client<ImportHealthService.ImportHealthServiceClient>(token);

    private string Support => host.TokenFor(PosRoles.Support, subject: "support-anna");

    /// <summary>
    /// 7201: its department's last 7 days imported. 7202: department 720201 imported, 720202 failed yesterday for good and
    /// has nothing else. 7203: its connection needs authorising again, and its night is running past the confirm time.
    /// 7204: POS import off (not in the fleet).
    /// </summary>
    private async Task SeedAsync()
    {
        await SeedLock.WaitAsync();
        try
        {
            if (_seeded) return;
            var seed = new ImportSeed(host);
            await seed.ReadyClientAsync(Healthy, (720101, "7201"));
            await seed.ReadyClientAsync(Failing, (720201, "7211"), (720202, "7212"));
            await seed.ReadyClientAsync(Reauthorize, (720301, "7231"));
            await seed.SettingsAsync(Disabled, importEnabled: false);
            host.Pos.For("7212").PermanentFailure = "LIGHTSPEED_FORBIDDEN";

            var from = Dates.ToWire(Yesterday.AddDays(-6));
            var until = Dates.ToWire(Yesterday);
            await ImportAsync(Healthy, [720101], from, until, ImportJobState.Succeeded);
            await ImportAsync(Failing, [720201], from, until, ImportJobState.Succeeded);
            await ImportAsync(Failing, [720202], until, until, ImportJobState.Failed);

            await using var db = host.NewDbContext();
            await db.LightspeedConnections.Where(c => c.ClientId == Reauthorize)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.State, (int)ConnectionState.ReauthorizationRequired));
            var now = DateTimeOffset.UtcNow;
            db.ImportJobs.Add(new ImportJobEntity
            {
                Id = Guid.CreateVersion7(), ClientId = Reauthorize, DepartmentIds = [720301], FromDate = Yesterday, UntilDate = Yesterday,
                Trigger = (int)ImportTrigger.Scheduled, State = (int)ImportJobState.Running, ScheduledFor = TimeZones.LocalDateOf(now, Copenhagen),
                RetryUntil = now.AddHours(-1), CreatedBy = "scheduler", CreatedAt = now.AddHours(-3), StartedAt = now.AddHours(-3), UpdatedAt = now,
                DepartmentDaysTotal = 1,
            });
            await db.SaveChangesAsync();
            _seeded = true;
        }
        finally
        {
            SeedLock.Release();
        }
    }

    private async Task ImportAsync(long clientId, long[] departments, string from, string until, ImportJobState expected)
    {
        var job = (await host.Imports(host.SupervisorOf(clientId)).StartImportAsync(new()
        {
            ClientId = clientId, DepartmentIds = { departments }, FromDate = from, UntilDate = until, RequestId = Guid.NewGuid().ToString(),
        })).Job;
        await host.WaitForStateAsync(Guid.Parse(job.JobId), expected);
    }

    [Fact]
    public async Task GetImportHealth_ImportedClient_HasNoProblem_AndNamesItsLastDays()
    {
        await SeedAsync();
        var health = (await Health(host.SupervisorOf(Healthy)).GetImportHealthAsync(new() { ClientId = Healthy })).Health;

        Assert.Empty(health.Problems);
        Assert.Equal(7, health.WindowDays);
        Assert.Equal("05:00", health.ConfirmDaysAt);
        var department = Assert.Single(health.Departments);
        Assert.Equal((720101, "7201", ConnectionState.Active), (department.DepartmentId, department.PosClientNumber, department.ConnectionState));
        Assert.Equal(Dates.ToWire(Yesterday), department.LastImportedDate);
        Assert.Empty(department.Days);
        Assert.Equal(Dates.ToWire(Yesterday), Assert.Single(department.Registers).LastDateWithNumbers);
        // The scheduler is off in test hosts: no night will run.
        Assert.Null(health.NextScheduledRunTime);
        Assert.Null(health.LastNight);
    }

    [Fact]
    public async Task GetImportHealth_FailedAndMissingDays_AreListedWithTheirReason_ProblemsFirst()
    {
        await SeedAsync();
        var health = (await Health(host.SupervisorOf(Failing)).GetImportHealthAsync(new() { ClientId = Failing, WindowDays = 3 })).Health;

        Assert.Equal(new[] { ImportHealthProblem.DaysMissing, ImportHealthProblem.DaysFailed }, health.Problems);
        Assert.Equal(new[] { 720202L, 720201L }, health.Departments.Select(d => d.DepartmentId));
        var failing = health.Departments[0];
        Assert.Equal("", failing.LastImportedDate);
        Assert.Equal(new[] { ImportHealthProblem.DaysMissing, ImportHealthProblem.DaysFailed }, failing.Problems);
        // Newest first: yesterday failed (its reason from the POS), the two days before were never imported.
        Assert.Equal(new[] { Dates.ToWire(Yesterday), Dates.ToWire(Yesterday.AddDays(-1)), Dates.ToWire(Yesterday.AddDays(-2)) }, failing.Days.Select(d => d.Date));
        Assert.Equal((DayImportStatus.Failed, "LIGHTSPEED_FORBIDDEN"), (failing.Days[0].Status, failing.Days[0].Reason));
        Assert.NotEmpty(failing.Days[0].JobId);
        Assert.All(failing.Days.Skip(1), d => Assert.Equal((DayImportStatus.Missing, ""), (d.Status, d.JobId)));
        Assert.Empty(health.Departments[1].Problems);
    }

    [Fact]
    public async Task GetImportHealth_RegionalSupervisor_SeesTheirDepartmentsOnly_AndOthersSeeNothing()
    {
        await SeedAsync();
        var regional = host.TokenFor(PosRoles.RegionalSupervisor, Failing, [720201]);
        var health = (await Health(regional).GetImportHealthAsync(new() { ClientId = Failing })).Health;
        Assert.Equal(new[] { 720201L }, health.Departments.Select(d => d.DepartmentId));

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Health(host.SupervisorOf(Healthy)).GetImportHealthAsync(new() { ClientId = Failing }));
        var invalid = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => Health(host.SupervisorOf(Healthy)).GetImportHealthAsync(new() { ClientId = Healthy, WindowDays = 40 }));
        Assert.Contains("window_days", invalid.Status.Detail);
    }

    [Fact]
    public async Task GetImportHealth_ReauthorizationAndALateNight_AreProblemsOfTheClient()
    {
        await SeedAsync();
        var health = (await Health(Support).GetImportHealthAsync(new() { ClientId = Reauthorize, WindowDays = 1 })).Health;

        Assert.Contains(ImportHealthProblem.ReauthorizationRequired, health.Problems);
        Assert.Contains(ImportHealthProblem.NightLate, health.Problems);
        Assert.Equal(ConnectionState.ReauthorizationRequired, Assert.Single(health.Departments).ConnectionState);
        Assert.Equal(ImportJobState.Running, health.LastNight.State);
        Assert.False(health.LastNight.FinishedBeforeConfirmTime);
        Assert.True(health.LastNight.ConfirmTime.ToDateTimeOffset() < DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task ListImportHealth_Support_PagesTheFleet_AndFiltersProblems()
    {
        await SeedAsync();
        var support = Health(Support);

        var all = new List<long>();
        var request = new ListImportHealthRequest { PageSize = 1, WindowDays = 3 };
        do
        {
            var page = await support.ListImportHealthAsync(request);
            all.AddRange(page.Clients.Select(c => c.ClientId));
            request.PageToken = page.NextPageToken;
        } while (request.PageToken != "");
        Assert.Equal(new[] { Healthy, Failing, Reauthorize }, all);

        var problems = await support.ListImportHealthAsync(new() { OnlyProblems = true, WindowDays = 3 });
        Assert.Equal(new[] { Failing, Reauthorize }, problems.Clients.Select(c => c.ClientId));
        var reauthorize = await support.ListImportHealthAsync(new() { Problem = ImportHealthProblem.ReauthorizationRequired });
        Assert.Equal(new[] { Reauthorize }, reauthorize.Clients.Select(c => c.ClientId));
        Assert.Equal("", reauthorize.NextPageToken);

        var service = host.TokenFor(PosRoles.Service, subject: "main-system");
        Assert.Equal(3, (await Health(service).ListImportHealthAsync(new())).Clients.Count);
    }

    [Fact]
    public async Task ListImportHealth_NotSupportOrService_IsPermissionDenied_AndABadTokenIsInvalid()
    {
        await SeedAsync();
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => Health(host.SupervisorOf(Healthy)).ListImportHealthAsync(new()));
        var other = await Health(Support).ListImportHealthAsync(new() { PageSize = 1 });
        var invalid = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => Health(Support).ListImportHealthAsync(new() { PageSize = 1, OnlyProblems = true, PageToken = other.NextPageToken }));
        Assert.Contains("page_token", invalid.Status.Detail);
    }
}
