using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Npgsql;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.LightspeedSimulator;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Benchmarks;

/// <summary>
/// fleet-nightly: SameSystem's night. Thousands of clients, each with its own Lightspeed account (1 to 10 shops, a few
/// chains of 50 shops with 100 registers), 40 to 400 sales per shop and day, every Lightspeed answer 250 ms late, the
/// real bucket rules at time scale 1, and a few sales voided after the fact in the trailing days. The previous nights
/// are seeded (trailing days imported after they ended, a watermark per account), so this is a night as every night
/// after the first: the host starts with its scheduler on and catches the 02:00 run up at start-up, exactly as an
/// instance that starts late does. Then the same night again with two host instances on one database.
/// </summary>
public static class FleetNightly
{
    private const long AccountBase = 800_000;
    private const int FieldBase = 90_000;
    private static readonly TimeZoneInfo Copenhagen = TimeZones.Find(Bench.Zone);

    /// <param name="Caller">Not part of the fleet: the client whose RPCs are timed while the fleet imports.</param>
    private sealed record Client(long ClientId, long AccountId, int Shops, int SalesPerShopPerDay, bool Chain, bool Caller = false);

    public static async Task RunAsync(Options options)
    {
        var clientCount = options.Int("--clients", 2000);
        var departmentCount = options.Int("--departments", 10_000);
        var chains = options.Int("--chains", 3);
        var latencyMs = options.Int("--latency-ms", 250);
        var changed = options.Int("--changed-accounts", 40);
        var twoInstances = !options.Flag("--one-instance");
        var chainSales = options.Int("--chain-sales", 0);
        var clients = Plan(clientCount, departmentCount, chains, chainSales);
        var machine = Bench.Machine();
        var localNow = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Copenhagen);
        if (localNow.TimeOfDay < TimeSpan.FromHours(2.1))
        {
            Console.Error.WriteLine("The night is caught up only once 02:00 Copenhagen time has passed: run this after 02:06 Copenhagen time.");
            return;
        }
        var today = DateOnly.FromDateTime(localNow.DateTime);
        Console.Error.WriteLine($"fleet-nightly: {clientCount} clients, {departmentCount} departments ({chains} chains of 50 shops), " +
            $"{latencyMs} ms per Lightspeed answer, real bucket rules; starting PostgreSQL and the simulator...");

        var postgres = await PostgresServer.GetAsync();
        var database = await postgres.CreateDatabaseAsync();
        await using var simulator = SimulatorHost.Build(new SimulatorOptions
        {
            Seed = 4242, HistoryDays = 30, SeedDefaultAccounts = false,
            RateLimit = new RateLimitOptions { Enabled = true, TimeScale = 1 },
        }, port: 0, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await simulator.StartAsync();
        var simulatorUrl = SimulatorHost.BoundUrl(simulator);
        using var admin = new HttpClient { BaseAddress = simulatorUrl, Timeout = TimeSpan.FromMinutes(5) };

        var setup = Stopwatch.StartNew();
        await ForEachAsync(clients, 32, c => DefineAccountAsync(admin, c));
        await SeedConfigurationAsync(database, clients);
        await using (var setupHost = await MeasuredHost.StartAsync(database, simulatorUrl, processName: "setup"))
        {
            await RegisterOAuthClientAsync(admin, setupHost);
            await ForEachAsync(clients, 16, c => ConnectAsync(setupHost, admin, c));
        }
        // The previous nights: trailing days imported after they ended, and a watermark set before today's changes.
        var yesterday = today.AddDays(-1);
        await SeedPreviousNightsAsync(database, clients, yesterday);
        // A few sales of trailing days voided after the fact, on the first accounts that are not chains.
        var changedAccounts = clients.Where(c => !c.Chain && !c.Caller).Take(changed).ToList();
        await ForEachAsync(changedAccounts, 8, async c =>
        {
            using var response = await admin.PostAsJsonAsync($"/__sim/accounts/{c.AccountId}/changes/random",
                new { days = new[] { yesterday.AddDays(-1 - (int)(c.ClientId % 7)) }, count = 1, seed = (int)c.ClientId });
            response.EnsureSuccessStatusCode();
        });
        await ForEachAsync(clients, 32, async c =>
        {
            using var response = await admin.PutAsJsonAsync($"/__sim/accounts/{c.AccountId}/faults", new { delayMs = latencyMs });
            response.EnsureSuccessStatusCode();
        });
        Console.Error.WriteLine($"  set up in {setup.Elapsed.TotalSeconds:N0} s");

        Console.WriteLine();
        Console.WriteLine($"### fleet-nightly ({machine})");
        Console.WriteLine();
        var fleet = clients.Where(c => !c.Caller).ToList();
        Console.WriteLine($"{fleet.Count:N0} clients, each its own Lightspeed account: {fleet.Sum(c => c.Shops):N0} departments (one per shop, 2 registers each; " +
            $"{chains} chains of 50 shops and 100 registers, the others 1 to 10 shops), 40 to 400 sales per shop and day, {latencyMs} ms per Lightspeed answer, " +
            $"real bucket rules at time scale 1; {changedAccounts.Count} accounts with a sale voided after the fact in a trailing day; " +
            "the previous nights seeded (trailing days imported, watermark per account).");
        Console.WriteLine();

        var single = await RunNightAsync(postgres, database, simulatorUrl, admin, clients, today, instances: 1, latencyMs);
        var caller = clients.Single(c => c.Caller);
        var fingerprint = await FingerprintAsync(database, caller);
        Report(single, clients, latencyMs, "one instance");

        if (twoInstances)
        {
            await ResetNightAsync(database, clients, yesterday);
            var two = await RunNightAsync(postgres, database, simulatorUrl, admin, clients, today, instances: 2, latencyMs);
            Report(two, clients, latencyMs, "two instances on one database");
            var same = fingerprint == await FingerprintAsync(database, caller);
            Console.WriteLine($"Numbers identical to the one-instance night (every day value and interval): {(same ? "yes" : "NO")}");
        }
        await postgres.ExecuteAdminAsync($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(database).Database} WITH (FORCE)");
    }

    /// <summary>
    /// Departments 1..10 per client (a few chains of 50), summing to <paramref name="departments"/>; 40-400 sales per shop and
    /// day (a chain's shops <paramref name="chainSales"/> each when given, to measure a chain alone at the fleet's busiest).
    /// </summary>
    private static List<Client> Plan(int count, int departments, int chains, int chainSales)
    {
        var random = new Random(20261201);
        var shops = Enumerable.Range(0, count).Select(i => i < chains ? 50 : 1 + random.Next(10)).ToArray();
        for (var i = chains; shops.Sum() != departments; i = i + 1 >= count ? chains : i + 1)
        {
            var diff = departments - shops.Sum();
            if (diff > 0 && shops[i] < 10) shops[i]++;
            else if (diff < 0 && shops[i] > 1) shops[i]--;
        }
        Client Planned(int i, int sales) =>
            new(i + 1, AccountBase + i + 1, shops[i], i < chains && chainSales > 0 ? chainSales : sales, Chain: i < chains);
        var fleet = Enumerable.Range(0, count).Select(i => Planned(i, 40 + random.Next(361))).ToList();
        fleet.Add(new Client(count + 1, AccountBase + count + 1, 1, 40, Chain: false, Caller: true));
        return fleet;
    }

    private static long DepartmentId(Client c, int shop) => c.ClientId * 100 + shop;

    private static async Task DefineAccountAsync(HttpClient admin, Client c)
    {
        using var response = await admin.PutAsJsonAsync($"/__sim/accounts/{c.AccountId}", new
        {
            name = $"Fleet {c.ClientId}", generate = true, salesPerShopPerDay = c.SalesPerShopPerDay, seed = (int)c.ClientId,
            shops = Enumerable.Range(1, c.Shops).Select(s => new
            {
                shopID = s, name = $"Shop {s}", timeZone = Bench.Zone, tax1Rate = 0.25m,
                registers = new[] { new { registerID = s * 10 + 1, name = "Kasse 1" }, new { registerID = s * 10 + 2, name = "Kasse 2" } },
            }),
        });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Settings, departments (each a shop with its two registers) and gross and net sales (split) plus transactions, per client.</summary>
    private static async Task SeedConfigurationAsync(string database, IReadOnlyList<Client> clients)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var connection = await source.OpenConnectionAsync();
        var ids = clients.Select(c => c.ClientId).ToArray();
        await Execute(connection, """
            INSERT INTO general_settings (client_id, multi_cash_registers, pos_import_enabled, pos_integration_service, auto_confirm_weekly_balance,
                                          confirm_days_at, time_zone, amounts_include_tax, version, updated_at)
            SELECT c, true, true, 1, false, '05:00', 'Europe/Copenhagen', false, 1, now() FROM unnest(@ids) AS c
            """, ("ids", ids));
        var departments = clients.SelectMany(c => Enumerable.Range(1, c.Shops).Select(s => (Client: c, Shop: s))).ToList();
        await Execute(connection, """
            INSERT INTO departments (id, client_id, name, pos_client_number, pos_shop_id, time_zone, version, created_at, updated_at)
            SELECT d.id, d.client, 'Department ' || d.id, d.account, d.shop, NULL, 1, now(), now()
            FROM unnest(@id, @client, @account, @shop) AS d(id, client, account, shop)
            """, ("id", departments.Select(d => DepartmentId(d.Client, d.Shop)).ToArray()), ("client", departments.Select(d => d.Client.ClientId).ToArray()),
            ("account", departments.Select(d => d.Client.AccountId.ToString(CultureInfo.InvariantCulture)).ToArray()),
            ("shop", departments.Select(d => d.Shop.ToString(CultureInfo.InvariantCulture)).ToArray()));
        await Execute(connection, """
            INSERT INTO department_registers (department_id, register_number, pos_register_id)
            SELECT d.id, r.n, (d.shop * 10 + r.n)::text FROM unnest(@id, @shop) AS d(id, shop), (VALUES (1), (2)) AS r(n)
            """, ("id", departments.Select(d => DepartmentId(d.Client, d.Shop)).ToArray()), ("shop", departments.Select(d => d.Shop).ToArray()));
        await Execute(connection, """
            INSERT INTO weekly_balance_fields (id, client_id, name, code, mandatory, pos_field_type, split_into_intervals, version, created_at, updated_at)
            SELECT @base + c * 10 + f.n, c, f.name, 'F' || f.n, f.n = 1, f.type, f.split, 1, now(), now()
            FROM unnest(@ids) AS c,
                 (VALUES (1, 'Gross sales', 1, true), (2, 'Net sales', 2, true), (3, 'Transactions', 5, false)) AS f(n, name, type, split)
            """, ("ids", ids), ("base", (long)FieldBase));
    }

    private static async Task RegisterOAuthClientAsync(HttpClient admin, MeasuredHost host)
    {
        using var response = await admin.PutAsJsonAsync($"/__sim/clients/{Bench.SimulatorClientId}", new
        {
            clientSecret = Bench.SimulatorClientSecret, redirectUri = host.CallbackUrl, accountId = AccountBase + 1,
        });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The real authorisation flow per client: BeginAuthorization, the merchant's consent for its account, the callback, activation.</summary>
    private static async Task ConnectAsync(MeasuredHost host, HttpClient admin, Client c)
    {
        using var supervisorChannel = Bench.Channel(host.GrpcPort, host.GrpcWebPort, PosHostFixture.Supervisor(c.ClientId));
        var supervisor = new LightspeedAuthService.LightspeedAuthServiceClient(supervisorChannel);
        var begin = await supervisor.BeginAuthorizationAsync(new BeginAuthorizationRequest { ClientId = c.ClientId });
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await browser.GetAsync(begin.AuthorizationUrl + "&account_id=" + c.AccountId);
        if (consent.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Consent answered {consent.StatusCode}");
        using var callback = await browser.GetAsync(consent.Headers.Location);
        if (!callback.IsSuccessStatusCode) throw new InvalidOperationException($"Callback answered {callback.StatusCode}");
        var connection = (await supervisor.ListConnectionsAsync(new ListConnectionsRequest { ClientId = c.ClientId })).Connections
            .Single(x => x.State == ConnectionState.Authorized);
        using var contactChannel = Bench.Channel(host.GrpcPort, host.GrpcWebPort, Bench.IntegrationContact());
        await new LightspeedAuthService.LightspeedAuthServiceClient(contactChannel)
            .ActivateConnectionAsync(new ActivateConnectionRequest { ConnectionId = connection.ConnectionId });
    }

    /// <summary>As if the earlier nights ran: every trailing day imported after it ended, and each account's watermark an hour before now.</summary>
    private static async Task SeedPreviousNightsAsync(string database, IReadOnlyList<Client> clients, DateOnly yesterday)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var connection = await source.OpenConnectionAsync();
        var departments = clients.SelectMany(c => Enumerable.Range(1, c.Shops).Select(s => DepartmentId(c, s))).ToArray();
        await Execute(connection, """
            INSERT INTO imported_days (department_id, date, job_id, imported_at)
            SELECT d, @yesterday - n, gen_random_uuid(), (@yesterday - n + 1)::timestamp AT TIME ZONE 'Europe/Copenhagen' + interval '2 hours'
            FROM unnest(@departments) AS d, generate_series(1, 7) AS n
            ON CONFLICT (department_id, date) DO UPDATE SET imported_at = excluded.imported_at
            """, ("departments", departments), ("yesterday", yesterday));
        await Execute(connection, """
            INSERT INTO import_watermarks (client_id, account_key, changed_after, updated_at)
            SELECT c, 'rseries:' || a, now() - interval '1 hour', now() FROM unnest(@clients, @accounts) AS x(c, a)
            ON CONFLICT (client_id, account_key) DO UPDATE SET changed_after = excluded.changed_after
            """, ("clients", clients.Select(c => c.ClientId).ToArray()), ("accounts", clients.Select(c => c.AccountId).ToArray()));
    }

    /// <summary>Back to before the night: its jobs, values and lanes gone, the earlier nights' state as seeded.</summary>
    private static async Task ResetNightAsync(string database, IReadOnlyList<Client> clients, DateOnly yesterday)
    {
        await using (var source = NpgsqlDataSource.Create(database))
        await using (var connection = await source.OpenConnectionAsync())
            await Execute(connection, """
                DELETE FROM import_jobs; DELETE FROM import_lanes; DELETE FROM day_values; DELETE FROM interval_values;
                DELETE FROM imported_days; DELETE FROM import_watermarks; DELETE FROM audit_entries WHERE action LIKE 'import.%';
                """);
        await SeedPreviousNightsAsync(database, clients, yesterday);
    }

    private sealed record Night(int Instances, TimeSpan Wall, TimeSpan FirstToLast, int Jobs, int Failed, long Units, long UnitsDone,
        double PeakRssMb, int PeakConnections, TimeSpan HostCpu, TimeSpan SimulatorCpu, TimeSpan PostgresCpu,
        IReadOnlyList<(long Account, long Requests, long Floor, JobTime Job)> Accounts, IReadOnlyList<RpcCall> Rpcs, IReadOnlyList<RpcCall> IdleRpcs,
        IReadOnlyDictionary<string, int> LanesByInstance, int LanesTakenTwice, long RateLimited);

    private static async Task<Night> RunNightAsync(PostgresServer postgres, string database, Uri simulatorUrl, HttpClient admin, IReadOnlyList<Client> clients,
        DateOnly today, int instances, int latencyMs)
    {
        var before = await ApiRequestsAsync(admin, clients);
        var simulatorCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var postgresCpu = PostgresCpu(postgres);
        var started = Stopwatch.StartNew();
        var hosts = new List<MeasuredHost>();
        for (var i = 0; i < instances; i++)
            hosts.Add(await MeasuredHost.StartAsync(database, simulatorUrl, new Dictionary<string, string?>
            {
                ["Scheduler:Enabled"] = "true",
                ["Imports:Engine:InstanceId"] = $"fleet-{i + 1}",
            }, processName: $"fleet-{i + 1}"));
        // Every host answers the same callback; the night needs no new authorisation.
        var seenOwners = new ConcurrentDictionary<(string Lane, string Owner), bool>();
        var peakConnections = 0;
        using var stop = new CancellationTokenSource();
        var sampling = SampleAsync(database, seenOwners, n => peakConnections = Math.Max(peakConnections, n), stop.Token);
        var caller = clients.Single(c => c.Caller);
        var calling = RpcCaller.Start(hosts[0], caller.ClientId, daysAgo: 20, untimedFirst: true);

        int jobs, terminal, failed;
        while (true)
        {
            (jobs, terminal, failed) = await JobsAsync(database, today);
            if (jobs >= clients.Count && terminal == jobs) break;
            if (started.Elapsed > TimeSpan.FromMinutes(30)) throw new TimeoutException($"The night did not end: {terminal}/{jobs} jobs");
            await Task.Delay(500);
            if (started.Elapsed.TotalSeconds % 15 < 0.5)
                Console.Error.WriteLine($"  … {started.Elapsed.TotalSeconds:N0} s: {terminal}/{jobs} jobs done, host RSS {string.Join(" / ", hosts.Select(h => $"{h.RssMb:N0}"))} MB");
        }
        var wall = started.Elapsed;
        await stop.CancelAsync();
        await sampling;
        var rpc = await calling.StopAsync();
        var peakRss = hosts.Max(h => h.PeakRssMb);
        var hostCpu = hosts.Aggregate(TimeSpan.Zero, (sum, h) => sum + h.CpuTime);
        simulatorCpu = Process.GetCurrentProcess().TotalProcessorTime - simulatorCpu;
        postgresCpu = PostgresCpu(postgres) - postgresCpu;
        // The same calls on the same (warm) host once the night is over: what the load costs them.
        var quiet = RpcCaller.Start(hosts[0], caller.ClientId, daysAgo: 2000, untimedFirst: true);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var idle = await quiet.StopAsync();
        for (var i = 0; i < hosts.Count; i++)
        {
            // The hosts log at Warning: what went wrong during the night, for whoever reads a slow or failed run.
            var log = Path.Combine(Path.GetTempPath(), $"fleet-nightly-{i + 1}.log");
            await File.WriteAllTextAsync(log, hosts[i].Logs);
            Console.Error.WriteLine($"  host {i + 1}: {hosts[i].Logs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} log lines at Warning or above in {log}");
        }
        foreach (var host in hosts) await host.DisposeAsync();

        var after = await ApiRequestsAsync(admin, clients);
        var (units, unitsDone, firstToLast, floors, jobTimes) = await NightFactsAsync(database, today);
        var accounts = clients.Where(c => !c.Caller).Select(c => (c.AccountId, after[c.AccountId].Requests - before[c.AccountId].Requests,
            floors.GetValueOrDefault(c.AccountId), jobTimes.GetValueOrDefault(c.AccountId))).ToList();
        // The job that ends the night: what the wall time waited for.
        var last = clients.Where(c => jobTimes.ContainsKey(c.AccountId)).MaxBy(c => jobTimes[c.AccountId].Started + jobTimes[c.AccountId].Run)!;
        Console.Error.WriteLine($"  last job to finish: client {last.ClientId}{(last.Caller ? " (the RPC caller's)" : "")}, {last.Shops} shops × " +
            $"{last.SalesPerShopPerDay} sales, started {jobTimes[last.AccountId].Started.TotalSeconds:N1} s after the first job was created, ran {jobTimes[last.AccountId].Run.TotalSeconds:N1} s");
        var owners = seenOwners.Keys.GroupBy(k => k.Owner).ToDictionary(g => g.Key, g => g.Select(k => k.Lane).Distinct().Count());
        var twice = seenOwners.Keys.GroupBy(k => k.Lane).Count(g => g.Select(k => k.Owner).Distinct().Count() > 1);
        // Every account, the RPC caller's too: its imports run through the same engine and pacing.
        var limited = clients.Sum(c => after[c.AccountId].RateLimited - before[c.AccountId].RateLimited);
        return new Night(instances, wall, firstToLast, jobs, failed, units, unitsDone, peakRss, peakConnections, hostCpu, simulatorCpu, postgresCpu,
            accounts, rpc, idle, owners, twice, limited);
    }

    private static void Report(Night night, IReadOnlyList<Client> clients, int latencyMs, string title)
    {
        var slowest = clients.Where(c => !c.Caller).OrderByDescending(c => c.Shops * c.SalesPerShopPerDay).First();
        // The slowest account's night alone: its pages one after another at the answer time (plus the probe).
        var idealPages = (long)Math.Ceiling(slowest.Shops * (double)slowest.SalesPerShopPerDay / 100) + 1;
        var ideal = TimeSpan.FromMilliseconds(idealPages * latencyMs);
        var atFloor = night.Accounts.Count(a => a.Requests <= a.Floor + 1);
        var excess = night.Accounts.Select(a => a.Requests - a.Floor).ToList();
        var rpc = night.Rpcs.Select(r => r.Ms).Order().ToList();
        var idle = night.IdleRpcs.Select(r => r.Ms).Order().ToList();
        double Pct(double p) => Percentile(rpc, p);
        var cores = Environment.ProcessorCount;

        Console.WriteLine($"#### {title}");
        Console.WriteLine();
        Console.WriteLine("| measure | result | target | |");
        Console.WriteLine("|---|---:|---:|---|");
        Console.WriteLine($"| wall time until every scheduled job is terminal (from the host's start) | {night.Wall.TotalSeconds:N0} s | ≤ 300 s | {Bench.Verdict(night.Wall <= TimeSpan.FromMinutes(5))} |");
        Console.WriteLine($"| first job created → last job finished | {night.FirstToLast.TotalSeconds:N0} s | | |");
        Console.WriteLine($"| the busiest account's night one request at a time ({slowest.Shops} shops × {slowest.SalesPerShopPerDay} sales, {idealPages} requests × {latencyMs} ms; its reads run side by side, so less) | {ideal.TotalSeconds:N0} s | | |");
        Console.WriteLine($"| jobs / failed | {night.Jobs:N0} / {night.Failed} | all succeed | {Bench.Verdict(night.Failed == 0)} |");
        Console.WriteLine($"| department-days done | {night.UnitsDone:N0} / {night.Units:N0} | all | {Bench.Verdict(night.UnitsDone == night.Units)} |");
        Console.WriteLine($"| accounts within floor + 1 request | {atFloor:N0} / {night.Accounts.Count:N0} (excess over the floor: max {excess.Max()}, mean {excess.Average():N2}) | all | {Bench.Verdict(atFloor == night.Accounts.Count)} |");
        Console.WriteLine($"| 429s caused (every account, the RPC caller's own included) | {night.RateLimited:N0} | 0 | {Bench.Verdict(night.RateLimited == 0)} |");
        Console.WriteLine($"| peak host memory (per instance) | {night.PeakRssMb:N0} MB | < 500 MB | {Bench.Verdict(night.PeakRssMb < 500)} |");
        Console.WriteLine($"| PostgreSQL connections at peak (all instances) | {night.PeakConnections} | ≤ 20 per instance | {Bench.Verdict(night.PeakConnections <= 20 * night.Instances)} |");
        Console.WriteLine($"| RPCs while the fleet imports (StartImport, GetGeneralSettings, GetImportJob): p50 / p99 / max, {rpc.Count} calls | {Pct(0.5):N1} / {Pct(0.99):N1} / {(rpc.Count > 0 ? rpc[^1] : double.NaN):N1} ms | p99 < 50 ms | {Bench.Verdict(Pct(0.99) < 50)} |");
        Console.WriteLine($"| the same calls on the same host after the night: p50 / p99, {idle.Count} calls | {Percentile(idle, 0.5):N1} / {Percentile(idle, 0.99):N1} ms | | |");
        Console.WriteLine();
        Console.WriteLine($"CPU over the {night.Wall.TotalSeconds:N0} s ({cores} cores = {night.Wall.TotalSeconds * cores:N0} core-seconds): host {night.HostCpu.TotalSeconds:N0} s, " +
            $"simulator (this process) {night.SimulatorCpu.TotalSeconds:N0} s, PostgreSQL {night.PostgresCpu.TotalSeconds:N0} s; " +
            $"busiest: {Bound(night)}.");
        if (night.Instances > 1)
            Console.WriteLine($"Lanes per instance: {string.Join(", ", night.LanesByInstance.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value:N0}"))}; " +
                $"lanes seen with both owners (handed over): {night.LanesTakenTwice}; every department-day checkpointed once " +
                $"({night.UnitsDone:N0} done of {night.Units:N0}, a unit is marked done once only).");
        Console.WriteLine("RPCs by kind while the fleet imports (p50 / p99 ms): " + string.Join("; ", night.Rpcs.GroupBy(r => r.Kind).OrderBy(g => g.Key)
            .Select(g => { var ms = g.Select(r => r.Ms).Order().ToList(); return $"{g.Key} {Percentile(ms, 0.5):N1} / {Percentile(ms, 0.99):N1} ({ms.Count})"; })) + ".");
        var slow = night.Rpcs.Where(r => r.Ms >= 50).ToList();
        if (slow.Count > 0)
            Console.WriteLine($"RPCs of 50 ms or more: {slow.Count}, at {string.Join(", ", slow.Take(12).Select(r => $"{r.At:N0} s ({r.Kind} {r.Ms:N0} ms)"))}" +
                $"{(slow.Count > 12 ? ", …" : "")} (seconds since the caller started, with the host).");
        var over = night.Accounts.Where(a => a.Requests > a.Floor + 1).OrderByDescending(a => a.Requests - a.Floor).Take(5).ToList();
        if (over.Count > 0)
            Console.WriteLine($"Accounts above floor + 1: {string.Join("; ", over.Select(a => $"{a.Account}: {a.Requests} requests, floor {a.Floor}"))}.");
        var chain = night.Accounts.Where(a => clients.Single(c => c.AccountId == a.Account).Chain).ToList();
        if (chain.Count > 0)
            Console.WriteLine($"Chains (50 shops, 100 registers): {string.Join("; ", chain.Select(a => $"{a.Requests} requests (floor {a.Floor}), its job started {a.Job.Started.TotalSeconds:N1} s after the night's first job was created and ran {a.Job.Run.TotalSeconds:N1} s"))} (target ≤ 60 s).");
        Console.WriteLine();
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];

    private static string Bound(Night night)
    {
        var total = night.Wall.TotalSeconds * Environment.ProcessorCount;
        var parts = new[] { ("host CPU", night.HostCpu), ("simulator CPU", night.SimulatorCpu), ("database CPU", night.PostgresCpu) };
        var busiest = parts.OrderByDescending(p => p.Item2).First();
        var used = parts.Sum(p => p.Item2.TotalSeconds) / total;
        return $"{busiest.Item1} ({busiest.Item2.TotalSeconds / total:P0} of the machine); all three together {used:P0}";
    }

    /// <summary>What the night did, from the database: units, the span of its jobs, per account the floor and its job's time.</summary>
    private static async Task<(long Units, long Done, TimeSpan FirstToLast, Dictionary<long, long> Floors, Dictionary<long, JobTime> JobTimes)> NightFactsAsync(
        string database, DateOnly today)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var connection = await source.OpenConnectionAsync();
        long units = 0, done = 0;
        await using (var count = new NpgsqlCommand("""
            SELECT count(*), count(*) FILTER (WHERE u.state = 1) FROM import_units u JOIN import_jobs j ON j.id = u.job_id WHERE j.scheduled_for = @today
            """, connection))
        {
            count.Parameters.AddWithValue("today", today);
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            (units, done) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        var span = TimeSpan.Zero;
        await using (var times = new NpgsqlCommand("SELECT max(finished_at) - min(created_at) FROM import_jobs WHERE scheduled_for = @today", connection))
        {
            times.Parameters.AddWithValue("today", today);
            if (await times.ExecuteScalarAsync() is TimeSpan t) span = t;
        }
        // The floor of an account's night: each date it read (yesterday, days found changed) as one range of all its
        // departments, ceil(sales / 100) pages each (at least one), plus the change probe.
        var floors = new Dictionary<long, long>();
        await using (var floor = new NpgsqlCommand("""
            SELECT substr(u.account_key, 9)::bigint, sum(greatest(1, ceil(u.sales / 100.0)))::bigint + 1
            FROM (SELECT u.account_key, u.date, sum(u.sales_read) AS sales
                  FROM import_units u JOIN import_jobs j ON j.id = u.job_id WHERE j.scheduled_for = @today
                  GROUP BY u.account_key, u.date) AS u
            GROUP BY u.account_key
            """, connection))
        {
            floor.Parameters.AddWithValue("today", today);
            await using var reader = await floor.ExecuteReaderAsync();
            while (await reader.ReadAsync()) floors[reader.GetInt64(0)] = reader.GetInt64(1);
        }
        var jobTimes = new Dictionary<long, JobTime>();
        await using (var jobs = new NpgsqlCommand("""
            SELECT min(substr(ja.account_key, 9))::bigint, max(j.finished_at - j.started_at),
                   max(j.started_at) - (SELECT min(created_at) FROM import_jobs WHERE scheduled_for = @today)
            FROM import_jobs j JOIN import_job_accounts ja ON ja.job_id = j.id WHERE j.scheduled_for = @today GROUP BY j.id
            """, connection))
        {
            jobs.Parameters.AddWithValue("today", today);
            await using var reader = await jobs.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                if (!reader.IsDBNull(1)) jobTimes[reader.GetInt64(0)] = new JobTime(reader.GetFieldValue<TimeSpan>(2), reader.GetFieldValue<TimeSpan>(1));
        }
        return (units, done, span, floors, jobTimes);
    }

    /// <summary>When a job started (after the night's first job was created) and how long it ran.</summary>
    private readonly record struct JobTime(TimeSpan Started, TimeSpan Run);

    private static async Task<(int Jobs, int Terminal, int Failed)> JobsAsync(string database, DateOnly today)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*), count(*) FILTER (WHERE state IN (3, 4, 5)), count(*) FILTER (WHERE state = 4) FROM import_jobs WHERE scheduled_for = @today
            """, connection);
        command.Parameters.AddWithValue("today", today);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
    }

    /// <summary>Every 200 ms: the host instances' PostgreSQL connections, and which instance holds which lane.</summary>
    private static async Task SampleAsync(string database, ConcurrentDictionary<(string, string), bool> owners, Action<int> connections, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { ApplicationName = "bench sampler" }.ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using (var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'pos-grpc%'", connection))
                    connections((int)(long)(await count.ExecuteScalarAsync(stop))!);
                await using var lanes = new NpgsqlCommand("SELECT account_key, lease_owner FROM import_lanes WHERE lease_owner IS NOT NULL", connection);
                await using var reader = await lanes.ExecuteReaderAsync(stop);
                while (await reader.ReadAsync(stop)) owners[(reader.GetString(0), reader.GetString(1))] = true;
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<Dictionary<long, (long Requests, long RateLimited)>> ApiRequestsAsync(HttpClient admin, IReadOnlyList<Client> clients)
    {
        var stats = new ConcurrentDictionary<long, (long, long)>();
        await ForEachAsync(clients, 32, async c =>
        {
            var json = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/__sim/accounts/{c.AccountId}/stats");
            stats[c.AccountId] = (json.GetProperty("apiRequests").GetInt64(), json.GetProperty("rateLimited").GetInt64());
        });
        return new Dictionary<long, (long, long)>(stats);
    }

    /// <summary>Every value the night wrote for the fleet, folded into one number per table (identical runs give identical sums).</summary>
    private static async Task<string> FingerprintAsync(string database, Client caller)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT count(*) || '/' || coalesce(sum(value * (department_id % 97 + 1) * (extract(doy FROM date) + field_id % 13)), 0)
                    FROM day_values WHERE department_id / 100 <> @caller)
                || ' ' ||
                   (SELECT count(*) || '/' || coalesce(sum(value * (department_id % 89 + 1) * (extract(epoch FROM start_utc) % 1000 + 1)), 0)
                    FROM interval_values WHERE department_id / 100 <> @caller)
            """, connection);
        command.Parameters.AddWithValue("caller", caller.ClientId);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// CPU time of the benchmark's PostgreSQL cluster so far: its postmaster (with the backends it has reaped) and its
    /// live backends. Other clusters on the machine (other tests) are not counted.
    /// </summary>
    private static TimeSpan PostgresCpu(PostgresServer postgres)
    {
        if (postgres.DataDirectory is not { } data || !File.Exists(Path.Combine(data, "postmaster.pid"))) return TimeSpan.Zero;
        var postmaster = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        double ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
                // fields: 1 = ppid, 11/12 = utime/stime, 13/14 = the reaped children's.
                if (pid == postmaster) ticks += Field(11) + Field(12) + Field(13) + Field(14);
                else if (Field(1) == postmaster) ticks += Field(11) + Field(12);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // A process that ended meanwhile.
            }
        }
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, int parallel, Func<T, Task> action) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (item, _) => await action(item));
}
