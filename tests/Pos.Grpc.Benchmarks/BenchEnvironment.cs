using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.LightspeedSimulator;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Benchmarks;

/// <summary>One department of the benchmark client: a Lightspeed shop with its registers.</summary>
public sealed record DepartmentSpec(long DepartmentId, long AccountId, long ShopId, IReadOnlyList<long> RegisterIds);

/// <summary>
/// Simulator accounts and the departments that read them: <paramref name="accounts"/> accounts with
/// <paramref name="shopsPerAccount"/> shops of <paramref name="registersPerShop"/> registers; one department per shop.
/// </summary>
public sealed class Layout
{
    public Layout(int accounts, int shopsPerAccount, int registersPerShop, int salesPerShopPerDay)
    {
        SalesPerShopPerDay = salesPerShopPerDay;
        ShopsPerAccount = shopsPerAccount;
        RegistersPerShop = registersPerShop;
        AccountIds = Enumerable.Range(1, accounts).Select(a => 700_000L + a).ToList();
        Departments = Enumerable.Range(1, accounts).SelectMany(a =>
            Enumerable.Range(1, shopsPerAccount).Select(s => new DepartmentSpec(
                a * 100 + s, 700_000L + a, s, Enumerable.Range(1, registersPerShop).Select(r => (long)(s * 10 + r)).ToList()))).ToList();
    }

    public int SalesPerShopPerDay { get; }
    public IReadOnlyList<long> AccountIds { get; }
    public IReadOnlyList<DepartmentSpec> Departments { get; }
    public int ShopsPerAccount { get; }
    public int RegistersPerShop { get; }

    /// <summary>Active registers of one account: the simulator's bucket grows with them.</summary>
    public int RegistersPerAccount => ShopsPerAccount * RegistersPerShop;

    public string Describe() =>
        $"{AccountIds.Count} account(s) × {ShopsPerAccount} shop(s) × {RegistersPerShop} register(s), one department per shop " +
        $"({Departments.Count} departments), {SalesPerShopPerDay} sales per shop and day (simulator average)";
}

public sealed record ImportSample(TimeSpan Elapsed, long SalesRead, long RequestsMade, int DaysDone, int DaysTotal, long RateLimitWaitMs, double RssMb);

/// <summary>An import seen from outside: the final job, wall time from StartImport until the terminal state, samples on the way.</summary>
public sealed record ImportRun(ImportJob Job, TimeSpan Wall, IReadOnlyList<ImportSample> Samples)
{
    /// <summary>The job's own duration (start_time → end_time), which excludes queueing.</summary>
    public TimeSpan JobTime => Job.EndTime.ToDateTimeOffset() - Job.StartTime.ToDateTimeOffset();
    public double SalesPerSecond => Job.Progress.SalesRead / Wall.TotalSeconds;
}

/// <summary>
/// PostgreSQL (the test fixtures' throwaway cluster), the Lightspeed simulator in this process, and the host as a
/// separate process, wired together as in the README's sandbox. One client (id 1) with its settings, mapped fields,
/// departments and ACTIVE connections made through the real authorisation flow.
/// </summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    public const long ClientId = 1;

    private WebApplication _simulator = null!;
    private readonly List<GrpcChannelHolder> _channels = [];

    public PostgresServer Postgres { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public Uri SimulatorUrl { get; private set; } = null!;
    public HttpClient SimulatorAdmin { get; private set; } = null!;
    public MeasuredHost Host { get; private set; } = null!;
    public SimulatorOptions SimulatorOptions { get; private set; } = null!;
    public Layout Layout { get; private set; } = null!;

    public static async Task<BenchEnvironment> StartAsync(SimulatorOptions simulator, Layout layout)
    {
        var env = new BenchEnvironment { SimulatorOptions = simulator, Layout = layout };
        env.Postgres = await PostgresServer.GetAsync();
        env.ConnectionString = await env.Postgres.CreateDatabaseAsync();
        env._simulator = SimulatorHost.Build(simulator, port: 0, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await env._simulator.StartAsync();
        env.SimulatorUrl = SimulatorHost.BoundUrl(env._simulator);
        env.SimulatorAdmin = new HttpClient { BaseAddress = env.SimulatorUrl };
        env.Host = await MeasuredHost.StartAsync(env.ConnectionString, env.SimulatorUrl);
        await env.RegisterOAuthClientAsync();
        await env.DefineAccountsAsync();
        await env.SeedClientAsync();
        foreach (var account in layout.AccountIds) await env.ConnectAsync(account);
        return env;
    }

    /// <summary>Replaces the host process by a fresh one on the same database (memory measured from a clean start).</summary>
    public async Task RestartHostAsync()
    {
        await Host.DisposeAsync();
        Host = await MeasuredHost.StartAsync(ConnectionString, SimulatorUrl);
        await RegisterOAuthClientAsync();
    }

    public static SimulatorOptions Simulator(int historyDays, bool rateLimit, double timeScale = 1) => new()
    {
        Seed = 4242,
        HistoryDays = historyDays,
        SeedDefaultAccounts = false,
        RateLimit = new RateLimitOptions { Enabled = rateLimit, TimeScale = timeScale },
    };

    private async Task RegisterOAuthClientAsync()
    {
        var response = await SimulatorAdmin.PutAsJsonAsync($"/__sim/clients/{Bench.SimulatorClientId}", new
        {
            clientSecret = Bench.SimulatorClientSecret,
            redirectUri = Host.CallbackUrl,
            accountId = Layout.AccountIds[0],
        });
        response.EnsureSuccessStatusCode();
    }

    private async Task DefineAccountsAsync()
    {
        foreach (var account in Layout.AccountIds)
        {
            var shops = Layout.Departments.Where(d => d.AccountId == account).Select(d => new
            {
                shopID = d.ShopId,
                name = $"Shop {d.ShopId}",
                timeZone = Bench.Zone,
                tax1Rate = 0.25m,
                registers = d.RegisterIds.Select(r => new { registerID = r, name = $"Register {r}" }).ToArray(),
            }).ToArray();
            var response = await SimulatorAdmin.PutAsJsonAsync($"/__sim/accounts/{account}", new
            {
                name = $"Bench account {account}",
                generate = true,
                salesPerShopPerDay = Layout.SalesPerShopPerDay,
                seed = (int)(account % 1000),
                shops,
            });
            response.EnsureSuccessStatusCode();
        }
    }

    public PosDbContext NewDbContext()
    {
        var options = new DbContextOptionsBuilder<PosDbContext>();
        PersistenceExtensions.ConfigureNpgsql(options, ConnectionString);
        return new PosDbContext(options.Options);
    }

    /// <summary>
    /// What the other services would have set up (written straight into the database, as the import tests' seed
    /// does): POS import on, the seven POS field types mapped (gross and net sales split into hours), the departments.
    /// </summary>
    private async Task SeedClientAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = NewDbContext();
        db.GeneralSettings.Add(new GeneralSettingsEntity
        {
            ClientId = ClientId, MultiCashRegisters = true, PosImportEnabled = true,
            PosIntegrationService = (int)PosIntegrationService.LightspeedRSeries, TimeZone = Bench.Zone, Version = 1, UpdatedAt = now,
        });
        var types = new[]
        {
            PosFieldType.GrossSales, PosFieldType.NetSales, PosFieldType.Discounts, PosFieldType.Returns,
            PosFieldType.Transactions, PosFieldType.GoodsSold, PosFieldType.ReturnedGoods,
        };
        for (var i = 0; i < types.Length; i++)
            db.WeeklyBalanceFields.Add(new WeeklyBalanceFieldEntity
            {
                Id = 9000 + i, ClientId = ClientId, Name = types[i].ToString(), Code = $"F{i}", Mandatory = i == 0,
                PosFieldType = (int)types[i], SplitIntoIntervals = i < 2, Version = 1, CreatedAt = now, UpdatedAt = now,
            });
        foreach (var d in Layout.Departments)
            db.Departments.Add(new DepartmentEntity
            {
                Id = d.DepartmentId, ClientId = ClientId, Name = $"Department {d.DepartmentId}", PosClientNumber = d.AccountId.ToString(CultureInfo.InvariantCulture),
                PosShopId = d.ShopId.ToString(CultureInfo.InvariantCulture), TimeZone = Bench.Zone, Version = 1, CreatedAt = now, UpdatedAt = now,
                Registers = d.RegisterIds.Select((r, i) => new DepartmentRegisterEntity
                {
                    DepartmentId = d.DepartmentId, RegisterNumber = i + 1, PosRegisterId = r.ToString(CultureInfo.InvariantCulture),
                }).ToList(),
            });
        await db.SaveChangesAsync();
    }

    /// <summary>The real authorisation flow: BeginAuthorization, the merchant's consent (for this account), the host's callback, activation.</summary>
    private async Task ConnectAsync(long accountId)
    {
        var supervisor = new LightspeedAuthService.LightspeedAuthServiceClient(Channel(PosHostFixture.Supervisor(ClientId)));
        var begin = await supervisor.BeginAuthorizationAsync(new BeginAuthorizationRequest { ClientId = ClientId });
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await browser.GetAsync(begin.AuthorizationUrl + "&account_id=" + accountId);
        if (consent.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Consent answered {consent.StatusCode}");
        using var callback = await browser.GetAsync(consent.Headers.Location);
        if (!callback.IsSuccessStatusCode) throw new InvalidOperationException($"Callback answered {callback.StatusCode}: {await callback.Content.ReadAsStringAsync()}");
        var connections = (await supervisor.ListConnectionsAsync(new ListConnectionsRequest { ClientId = ClientId })).Connections;
        var connection = connections.Single(c => c.AccountId == accountId.ToString(CultureInfo.InvariantCulture) && c.State == ConnectionState.Authorized);
        var contact = new LightspeedAuthService.LightspeedAuthServiceClient(Channel(Bench.IntegrationContact()));
        await contact.ActivateConnectionAsync(new ActivateConnectionRequest { ConnectionId = connection.ConnectionId });
    }

    public global::Grpc.Net.Client.GrpcChannel Channel(string token, Transport transport = Transport.Native)
    {
        var channel = Bench.Channel(Host.GrpcPort, Host.GrpcWebPort, token, transport);
        lock (_channels) _channels.Add(new GrpcChannelHolder(channel));
        return channel;
    }

    public ImportService.ImportServiceClient Imports() => new(Channel(PosHostFixture.Supervisor(ClientId)));

    /// <summary>The local days [until − days + 1, until], until = yesterday (complete in the simulator).</summary>
    public static (DateOnly From, DateOnly Until) Range(int days, int endDaysAgo = 1)
    {
        var until = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-endDaysAgo);
        return (until.AddDays(-(days - 1)), until);
    }

    public async Task<ImportJob> StartImportAsync(IEnumerable<long> departmentIds, DateOnly from, DateOnly until)
    {
        var response = await Imports().StartImportAsync(new StartImportRequest
        {
            ClientId = ClientId, FromDate = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), UntilDate = until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            RequestId = Guid.NewGuid().ToString("D"), DepartmentIds = { departmentIds },
        });
        return response.Job;
    }

    /// <summary>Starts an import and polls it until it ends, sampling progress and the host's memory.</summary>
    public async Task<ImportRun> RunImportAsync(IEnumerable<long> departmentIds, DateOnly from, DateOnly until,
        TimeSpan? sampleEvery = null, Func<TimeSpan, Task>? onSample = null)
    {
        var imports = Imports();
        var stopwatch = Stopwatch.StartNew();
        var job = await StartImportAsync(departmentIds, from, until);
        var samples = new List<ImportSample>();
        var every = sampleEvery ?? TimeSpan.FromMilliseconds(500);
        var lastPrint = TimeSpan.Zero;
        while (true)
        {
            await Task.Delay(every);
            job = (await imports.GetImportJobAsync(new GetImportJobRequest { JobId = job.JobId })).Job;
            var p = job.Progress;
            samples.Add(new ImportSample(stopwatch.Elapsed, p.SalesRead, p.RequestsMade, p.DepartmentDaysDone, p.DepartmentDaysTotal, p.RateLimitWaitMs, Host.RssMb));
            if (onSample is not null) await onSample(stopwatch.Elapsed);
            if (stopwatch.Elapsed - lastPrint > TimeSpan.FromSeconds(10))
            {
                lastPrint = stopwatch.Elapsed;
                Console.Error.WriteLine($"  … {stopwatch.Elapsed.TotalSeconds:N0} s: {p.DepartmentDaysDone}/{p.DepartmentDaysTotal} days, " +
                    $"{p.SalesRead:N0} sales, {p.RequestsMade:N0} requests, host RSS {Host.RssMb:N0} MB");
            }
            if (job.State is ImportJobState.Succeeded or ImportJobState.Failed or ImportJobState.Cancelled) break;
        }
        var wall = stopwatch.Elapsed;
        if (job.Progress.Errors.Count > 0)
            Console.Error.WriteLine($"  job errors: {string.Join("; ", job.Progress.Errors.Take(3).Select(e => $"{e.DepartmentId} {e.Date} {e.Reason} {e.Message}"))}");
        return new ImportRun(job, wall, samples);
    }

    public async Task<(long ApiRequests, long RateLimited)> SimulatorStatsAsync(long accountId)
    {
        var stats = await SimulatorAdmin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/__sim/accounts/{accountId}/stats");
        return (stats.GetProperty("apiRequests").GetInt64(), stats.GetProperty("rateLimited").GetInt64());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var holder in _channels) holder.Channel.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        SimulatorAdmin?.Dispose();
        if (_simulator is not null) await _simulator.DisposeAsync();
        if (ConnectionString.Length > 0)
        {
            // The database goes with the run (the cluster itself is the fixtures' throwaway one).
            var name = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database;
            Npgsql.NpgsqlConnection.ClearAllPools();
            try { await Postgres.ExecuteAdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)"); } catch (Npgsql.PostgresException) { }
        }
    }

    private sealed record GrpcChannelHolder(global::Grpc.Net.Client.GrpcChannel Channel);
}
