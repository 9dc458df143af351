using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Providers;
using Pos.Grpc.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>
/// A host with the scripted POS in place of Lightspeed, short engine timings (heartbeat 1 s, lease 5 s renewed every second, quick
/// retries) and optionally a clock the test moves. <paramref name="sharedConnectionString"/> puts it on another
/// host's database: several instances against one PostgreSQL, as in production.
/// </summary>
public class ImportHostFixture(bool runsLanes = true, string? sharedConnectionString = null, FakeTimeProvider? clock = null) : PosHostFixture
{
    public ScriptedPosProvider Pos { get; } = new();

    /// <summary>The host's clock when the test controls it; null means the system clock.</summary>
    public FakeTimeProvider? Clock { get; } = clock;

    public string InstanceId { get; } = $"test-host-{Guid.NewGuid():N}";

    /// <summary>
    /// The schedules' clock: Tuesday 2026-11-03 08:00 UTC (09:00 in Copenhagen). Tests set it with
    /// <see cref="FakeTimeProvider.AdjustTime"/>, which may go back (tests of one fixture run in any order).
    /// </summary>
    public static FakeTimeProvider TuesdayMorningClock() => new(new DateTimeOffset(2026, 11, 3, 8, 0, 0, TimeSpan.Zero));

    protected override Task<string> CreateDatabaseAsync() =>
        sharedConnectionString is null ? base.CreateDatabaseAsync() : Task.FromResult(sharedConnectionString);

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Imports:Engine:Enabled"] = runsLanes ? "true" : "false";
        settings["Imports:Engine:InstanceId"] = InstanceId;
        settings["Imports:Engine:LeaseDuration"] = "00:00:05";
        settings["Imports:Engine:LeaseRenewInterval"] = "00:00:01";
        settings["Imports:Engine:PollInterval"] = "00:00:00.500";
        settings["Imports:Engine:MaxUnitAttempts"] = "3";
        settings["Imports:Engine:RetryBaseDelay"] = "00:00:00.050";
        settings["Imports:Engine:ShutdownGrace"] = "00:00:01";
        settings["Imports:Watch:HeartbeatInterval"] = "00:00:01";
        settings["Imports:Watch:MinUpdateInterval"] = "00:00:00.100";
        return settings;
    }

    protected override void ConfigureHost(WebApplicationBuilder builder)
    {
        // In place of the R-Series provider: the first registration of a POS wins.
        builder.Services.AddSingleton<IPosProvider>(Pos);
        if (Clock is not null) builder.Services.AddSingleton<TimeProvider>(Clock);
    }

    /// <summary>
    /// A token valid both at the test's clock and at the real time, whichever clock the bearer handler checks
    /// lifetimes against.
    /// </summary>
    public string TokenFor(string role, long? clientId = null, long[]? departmentIds = null, string subject = "test-user")
    {
        var real = DateTime.UtcNow;
        var host = Clock?.GetUtcNow().UtcDateTime ?? real;
        var from = (real < host ? real : host).AddHours(-1);
        var until = (real > host ? real : host).AddHours(12);
        return DevelopmentTokenIssuer.Issue(Auth, subject, [role], clientId is { } c ? [c] : [], departmentIds, until - from, from);
    }

    public string SupervisorOf(long clientId) => TokenFor(PosRoles.Supervisor, clientId, subject: $"supervisor-{clientId}");

    public ImportService.ImportServiceClient Imports(string token, Transport transport = Transport.Native) =>
        Client<ImportService.ImportServiceClient>(token, transport);

    public async Task<ImportJobEntity> ReadJobAsync(Guid jobId)
    {
        await using var db = NewDbContext();
        return await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
    }

    /// <summary>Polls the job row until <paramref name="condition"/> holds; fails after a generous 30 s.</summary>
    public async Task<ImportJobEntity> WaitForJobAsync(Guid jobId, Func<ImportJobEntity, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = await ReadJobAsync(jobId);
            if (condition(job)) return job;
            Assert.True(DateTime.UtcNow < deadline,
                $"Job {jobId} never became {what}: state {job.State}, done {job.DepartmentDaysDone}/{job.DepartmentDaysTotal}, errors {job.Errors}");
            await Task.Delay(50);
        }
    }

    public Task<ImportJobEntity> WaitForStateAsync(Guid jobId, ImportJobState state) =>
        WaitForJobAsync(jobId, j => j.State == (int)state, state.ToString());
}

/// <summary>No workers: jobs stay as the RPCs leave them (QUEUED), so requests and reads can be checked alone.</summary>
public sealed class QueuedImportsFixture() : ImportHostFixture(runsLanes: false);

/// <summary>Lanes running jobs as they are queued.</summary>
public sealed class RunningImportsFixture() : ImportHostFixture(runsLanes: true);

/// <summary>
/// Two instances on ONE database: A serves RPCs only (no lanes), B runs the jobs. What A shows of a job B runs
/// can only have come through PostgreSQL (rows and LISTEN/NOTIFY).
/// </summary>
public sealed class TwoHostsFixture : IAsyncLifetime
{
    public ImportHostFixture A { get; private set; } = null!;
    public ImportHostFixture B { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        A = new ImportHostFixture(runsLanes: false);
        await A.InitializeAsync();
        B = new ImportHostFixture(runsLanes: true, sharedConnectionString: A.ConnectionString);
        await B.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
