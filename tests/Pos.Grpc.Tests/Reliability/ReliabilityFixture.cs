using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.LightspeedSimulator;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Reliability;

/// <summary>
/// The world of the fault tests: PostgreSQL, the Lightspeed simulator (in-process, over real HTTP) and an API host
/// that serves the RPCs but runs no import workers, so each test decides which instance works on its job: an
/// in-process worker host (<see cref="StartWorkerHostAsync"/>) or a host as its own OS process
/// (<see cref="StartHostProcessAsync"/>), all on one database. Clients are configured only through the public RPCs.
/// The import of every test is the same (three departments on two Lightspeed accounts, three days over a week
/// boundary), so each ends by comparing its weekly balances with <see cref="UninterruptedRunAsync"/>'s.
/// </summary>
public class ReliabilityFixture : LightspeedSandboxFixture
{
    public const long LondonAccount = 83050;
    public static readonly long[] Accounts = [CopenhagenAccount, LondonAccount];

    private static readonly string IntegrationContact = Token(PosRoles.IntegrationContact, subject: "integration-contact");

    /// <summary>
    /// Engine timings scaled down so faults play out in seconds: a 3 s lease renewed every second (a dead instance's
    /// job is taken over within ~3 s), quick retries, Retry-After capped at 250 ms (the simulator always says 1 s).
    /// </summary>
    private static readonly Dictionary<string, string?> EngineSettings = new()
    {
        ["Imports:Engine:LeaseDuration"] = "00:00:03",
        ["Imports:Engine:LeaseRenewInterval"] = "00:00:01",
        ["Imports:Engine:PollInterval"] = "00:00:00.500",
        ["Imports:Engine:MaxUnitAttempts"] = "4",
        ["Imports:Engine:RetryBaseDelay"] = "00:00:00.200",
        ["Imports:Engine:ShutdownGrace"] = "00:00:02",
        ["Imports:Watch:HeartbeatInterval"] = "00:00:01",
        ["Imports:Watch:MinUpdateInterval"] = "00:00:00.100",
        ["Lightspeed:RequestTimeout"] = "00:00:02",
        ["Lightspeed:InitialBackoff"] = "00:00:00.050",
        ["Lightspeed:MaxBackoff"] = "00:00:00.400",
        ["Lightspeed:MaxRetryAfter"] = "00:00:00.250",
    };

    private readonly Lazy<Task<UninterruptedRun>> _uninterrupted;
    private int _nextClientId = 7000;

    public ReliabilityFixture()
    {
        _uninterrupted = new(RunUninterruptedAsync);
        // Saturday, Sunday and Monday of a week well in the past (the simulator has no sales after its "now"):
        // two ISO weeks, so the comparison covers more than one GetWeeklyBalance per department.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen")).DateTime);
        var earlier = today.AddDays(-10);
        Until = earlier.AddDays(-(((int)earlier.DayOfWeek + 6) % 7));
        From = Until.AddDays(-2);
    }

    public DateOnly From { get; }
    public DateOnly Until { get; }

    /// <summary>About 160 sales per shop and day (fewer at weekends): mostly two pages of 100 per department-day, so faults can hit mid-paging.</summary>
    protected override SimulatorOptions SimulatorOptions() => new() { Seed = 4242, SalesPerShopPerDay = 160, RateLimit = { TimeScale = 20 } };

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        foreach (var (key, value) in EngineSettings) settings[key] = value;
        // The API host never imports: which instance works on a job is up to each test.
        settings["Imports:Engine:Enabled"] = "false";
        settings["Imports:Engine:InstanceId"] = "api-host";
        return settings;
    }

    /// <summary>The configuration of another instance on this fixture's database, simulator and signing key.</summary>
    public Dictionary<string, string?> InstanceSettings(string instanceId)
    {
        var settings = HostSettings();
        settings["Imports:Engine:Enabled"] = "true";
        settings["Imports:Engine:InstanceId"] = instanceId;
        return settings;
    }

    /// <summary>Another instance in this test process, running import lanes.</summary>
    public async Task<InProcessHost> StartWorkerHostAsync(string name)
    {
        var host = new InProcessHost(Postgres, ConnectionString, InstanceSettings($"{name}-{Guid.NewGuid():N}"));
        await host.InitializeAsync();
        return host;
    }

    /// <summary>Another instance as its own OS process, running import lanes; its logs at Information.</summary>
    public Task<HostProcess> StartHostProcessAsync(string name)
    {
        var settings = InstanceSettings($"{name}-{Guid.NewGuid():N}");
        settings["Logging:LogLevel:Default"] = "Information";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
        settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning";
        settings["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning";
        return HostProcess.StartAsync(name, settings);
    }

    /// <summary>A new client, configured as a supervisor, the main system and the integration contact would.</summary>
    public async Task<ClientSetup> ConfigureClientAsync()
    {
        long clientId = Interlocked.Increment(ref _nextClientId);
        var supervisor = Supervisor(clientId);
        await Client<SettingsService.SettingsServiceClient>(supervisor).UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings
            {
                ClientId = clientId, MultiCashRegisters = true, PosImportEnabled = true,
                PosIntegrationService = PosIntegrationService.LightspeedRSeries, TimeZone = "Europe/Copenhagen", AmountsIncludeTax = true,
            },
            UpdateMask = FieldMask.FromString("multi_cash_registers,pos_import_enabled,pos_integration_service,time_zone,amounts_include_tax"),
        });

        // Every type Lightspeed provides, some split into hours and some not; visitors mapped but not provided; one field unmapped.
        var fieldPlan = new (string Name, bool Mandatory, PosFieldType Type, bool Split)[]
        {
            ("Gross sales", true, PosFieldType.GrossSales, true),
            ("Net sales", true, PosFieldType.NetSales, false),
            ("Discounts", false, PosFieldType.Discounts, true),
            ("Returns", false, PosFieldType.Returns, false),
            ("Transactions", false, PosFieldType.Transactions, true),
            ("Goods sold", false, PosFieldType.GoodsSold, false),
            ("Returned goods", false, PosFieldType.ReturnedGoods, true),
            ("Visitors", false, PosFieldType.Visitors, false),
            ("Notes", false, PosFieldType.Unspecified, false),
        };
        var fields = Client<FieldMappingService.FieldMappingServiceClient>(Service());
        var mapping = Client<FieldMappingService.FieldMappingServiceClient>(supervisor);
        for (var i = 0; i < fieldPlan.Length; i++)
        {
            var (name, mandatory, type, split) = fieldPlan[i];
            var fieldId = clientId * 100 + i + 1;
            await fields.CreateWeeklyBalanceFieldAsync(new()
            {
                Field = new WeeklyBalanceField { FieldId = fieldId, ClientId = clientId, Name = name, Code = $"F{i + 1}", Mandatory = mandatory },
            });
            if (type != PosFieldType.Unspecified)
                await mapping.UpdateFieldMappingAsync(new() { FieldId = fieldId, PosFieldType = type, SplitIntoIntervals = split });
        }

        // Two departments on the Copenhagen account (one per shop; the first with two registers), one on London's:
        // two lanes, since departments on different accounts import side by side.
        var departments = Client<DepartmentService.DepartmentServiceClient>(Service());
        var plan = new[]
        {
            new Department { DepartmentId = clientId * 10 + 1, ClientId = clientId, Name = "Strøget", PosClientNumber = $"{CopenhagenAccount}", PosShopId = "1", PosTerminalNumbers = { "1", "2" } },
            new Department { DepartmentId = clientId * 10 + 2, ClientId = clientId, Name = "Aarhus", PosClientNumber = $"{CopenhagenAccount}", PosShopId = "2" },
            new Department { DepartmentId = clientId * 10 + 3, ClientId = clientId, Name = "Camden", PosClientNumber = $"{LondonAccount}", TimeZone = "Europe/London" },
        };
        foreach (var department in plan) await departments.CreateDepartmentAsync(new() { Department = department });

        var connections = new Dictionary<long, string>();
        foreach (var account in Accounts) connections[account] = await ConnectAsync(clientId, account);
        return new ClientSetup(clientId, plan.Select(d => d.DepartmentId).ToArray(), connections);
    }

    private async Task<string> ConnectAsync(long clientId, long account) =>
        (await ConnectLightspeedAsync(clientId, account, Supervisor(clientId))).ConnectionId;

    public ImportService.ImportServiceClient Imports(ClientSetup client) => Client<ImportService.ImportServiceClient>(Supervisor(client.ClientId));

    public async Task<string> StartImportAsync(ClientSetup client) =>
        (await Imports(client).StartImportAsync(new()
        {
            ClientId = client.ClientId, DepartmentIds = { client.DepartmentIds },
            FromDate = From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), UntilDate = Until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            RequestId = Guid.NewGuid().ToString(),
        })).Job.JobId;

    /// <summary>
    /// Polls GetImportJob through the API host until <paramref name="condition"/> holds. UNAVAILABLE answers (the
    /// database restarting) are waited out. Fails after a generous bound: a fault must never leave a job hanging.
    /// </summary>
    public async Task<ImportJob> WaitForJobAsync(ClientSetup client, string jobId, Func<ImportJob, bool> condition, string what, int timeoutSeconds = 120)
    {
        var imports = Imports(client);
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        ImportJob? job = null;
        while (true)
        {
            try
            {
                job = (await imports.GetImportJobAsync(new() { JobId = jobId }, deadline: DateTime.UtcNow.AddSeconds(10))).Job;
                if (condition(job)) return job;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, $"Job {jobId} never became {what} within {timeoutSeconds} s; last seen: {job}");
            await Task.Delay(100);
        }
    }

    public Task<ImportJob> WaitForEndAsync(ClientSetup client, string jobId) =>
        WaitForJobAsync(client, jobId, j => j.State is ImportJobState.Succeeded or ImportJobState.Failed or ImportJobState.Cancelled, "finished");

    /// <summary>Sets the same fault switches on both accounts (values replace the previous ones).</summary>
    public async Task SetFaultsOnAllAccountsAsync(object faults)
    {
        foreach (var account in Accounts) await SetFaultsAsync(account, faults);
    }

    public Task ClearFaultsAsync() => SetFaultsOnAllAccountsAsync(new { });

    public async Task<SimulatorStats> SimulatorStatsAsync(long account) =>
        (await SimulatorAdmin.GetFromJsonAsync<SimulatorStats>($"/__sim/accounts/{account}/stats"))!;

    /// <summary>The import once, without faults, on a fresh client: what every faulted run must end with. Run once per fixture.</summary>
    public Task<UninterruptedRun> UninterruptedRunAsync() => _uninterrupted.Value;

    private async Task<UninterruptedRun> RunUninterruptedAsync()
    {
        await ClearFaultsAsync();
        var client = await ConfigureClientAsync();
        await using var worker = await StartWorkerHostAsync("uninterrupted");
        var clock = Stopwatch.StartNew();
        var jobId = await StartImportAsync(client);
        var job = await WaitForEndAsync(client, jobId);
        clock.Stop();
        Assert.True(job.State == ImportJobState.Succeeded && job.Progress.Errors.Count == 0, $"The uninterrupted run did not succeed cleanly: {job}");
        var balances = await BalancesAsync(client);
        Assert.True(balances.Days.Values.Count(d => !d.Untouched) >= 9, "The uninterrupted run wrote (almost) nothing: the comparison would prove nothing.");
        return new UninterruptedRun(job, balances, clock.Elapsed);
    }

    /// <summary>
    /// The full GetWeeklyBalance of every ISO week of the range, for every department of the client: every register,
    /// day, field and interval, keyed by (department position, date, register). Ids that differ between clients by
    /// construction (department and field ids) are left out; fields are told apart by their names.
    /// </summary>
    public async Task<Balances> BalancesAsync(ClientSetup client)
    {
        var weeklyBalances = Client<Contracts.WeeklyBalance.V1.WeeklyBalanceService.WeeklyBalanceServiceClient>(Supervisor(client.ClientId));
        var weeks = Enumerable.Range(0, Until.DayNumber - From.DayNumber + 1)
            .Select(i => From.AddDays(i).ToDateTime(TimeOnly.MinValue))
            .Select(d => (Year: ISOWeek.GetYear(d), Week: ISOWeek.GetWeekOfYear(d)))
            .Distinct()
            .ToList();
        var days = new SortedDictionary<string, DayEntry>(StringComparer.Ordinal);
        for (var position = 0; position < client.DepartmentIds.Count; position++)
        {
            foreach (var (year, week) in weeks)
            {
                var balance = (await weeklyBalances.GetWeeklyBalanceAsync(new()
                {
                    DepartmentId = client.DepartmentIds[position], IsoYear = year, IsoWeek = week,
                })).WeeklyBalance;
                foreach (var register in balance.Registers)
                {
                    foreach (var day in register.Days)
                    {
                        var comparable = day.Clone();
                        foreach (var field in comparable.Fields) field.FieldId = 0;
                        var untouched = day.Fields.All(f => !f.HasValue && f.Intervals.Count == 0);
                        var text = $"time zone {balance.TimeZone}, terminal {register.PosTerminalNumber}, approved {register.Approved}: "
                            + Google.Protobuf.JsonFormatter.Default.Format(comparable);
                        days[$"department {position + 1}, {day.Date}, register {register.RegisterNumber}"] = new DayEntry(text, untouched);
                    }
                }
            }
        }
        return new Balances(days);
    }

    /// <summary>
    /// The end of every fault test: the job SUCCEEDED with every department-day imported once, its counters equal to
    /// the uninterrupted run's (a unit counted twice would show), and the weekly balances equal to its, every value.
    /// </summary>
    public async Task AssertSameAsUninterruptedAsync(ClientSetup client, ImportJob job)
    {
        var expected = await UninterruptedRunAsync();
        Assert.True(job.State == ImportJobState.Succeeded, $"Expected SUCCEEDED: {job}");
        Assert.Empty(job.Progress.Errors);
        Assert.All(job.Progress.Departments, d => Assert.Equal((DepartmentImportState.Done, d.DaysTotal), (d.State, d.DaysDone)));
        var want = expected.Job.Progress;
        var got = job.Progress;
        Assert.Equal(
            (want.DepartmentDaysTotal, want.DepartmentDaysDone, want.SalesRead, want.ValuesWritten, want.ValuesSkippedApproved),
            (got.DepartmentDaysTotal, got.DepartmentDaysDone, got.SalesRead, got.ValuesWritten, got.ValuesSkippedApproved));
        (await BalancesAsync(client)).AssertEqual(expected.Balances);
    }
}

/// <summary>One fixture for every fault test that can share a simulator: they run one after another, so one test's fault switches never reach another's import.</summary>
[CollectionDefinition(Name)]
public sealed class ReliabilityCollection : ICollectionFixture<ReliabilityFixture>
{
    public const string Name = "Reliability";
}

/// <param name="Connections">Connection id per Lightspeed account.</param>
public sealed record ClientSetup(long ClientId, IReadOnlyList<long> DepartmentIds, IReadOnlyDictionary<long, string> Connections);

public sealed record UninterruptedRun(ImportJob Job, Balances Balances, TimeSpan Duration);

public sealed record SimulatorStats(long ApiRequests, long RateLimited, long Refreshes, long CodeExchanges, long InvalidGrants, long Unauthorized);

/// <param name="Text">The day as GetWeeklyBalance shows it (ids left out), with its register's terminal and approval.</param>
/// <param name="Untouched">No field of the day has a value or an interval: the import wrote nothing there.</param>
public sealed record DayEntry(string Text, bool Untouched);

/// <summary>Weekly balances, one entry per (department position, date, register).</summary>
public sealed record Balances(SortedDictionary<string, DayEntry> Days)
{
    /// <summary>Every day equal, and the same days; the message names the first days that differ.</summary>
    public void AssertEqual(Balances expected) => AssertEach(expected, (want, got) => want.Text == got.Text, "differs from the uninterrupted run's");

    /// <summary>
    /// After a run that stopped part-way: each day is either exactly the uninterrupted run's (fully written) or has no
    /// value at all (untouched); never a mix.
    /// </summary>
    public void AssertEachDayWholeOrUntouched(Balances expected) =>
        AssertEach(expected, (want, got) => want.Text == got.Text || got.Untouched, "is half-written: neither the uninterrupted run's nor untouched");

    private void AssertEach(Balances expected, Func<DayEntry, DayEntry, bool> ok, string problem)
    {
        Assert.Equal(expected.Days.Keys, Days.Keys);
        var bad = expected.Days.Where(e => !ok(e.Value, Days[e.Key])).Select(e => e.Key).ToList();
        if (bad.Count > 0)
            Assert.Fail($"{bad.Count} of {Days.Count} days {problem}. First: {bad[0]}\n  expected: {expected.Days[bad[0]].Text}\n  actual:   {Days[bad[0]].Text}"
                + (bad.Count > 1 ? $"\nOthers: {string.Join("; ", bad.Skip(1).Take(10))}" : ""));
    }
}

/// <summary>Another instance of the host inside the test process, on a given database with given configuration.</summary>
public sealed class InProcessHost(PostgresServer postgres, string connectionString, Dictionary<string, string?> settings)
    : PosHostFixture, IAsyncDisposable
{
    protected override Task<PostgresServer> GetPostgresAsync() => Task.FromResult(postgres);

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(connectionString);

    protected override Dictionary<string, string?> HostSettings() => new(settings);

    public string InstanceId => settings["Imports:Engine:InstanceId"]!;

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
}
