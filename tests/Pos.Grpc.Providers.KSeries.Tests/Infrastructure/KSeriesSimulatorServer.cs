using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Pos.Grpc.LightspeedSimulator;
using Pos.Grpc.LightspeedSimulator.KSeries;
using System.Globalization;

namespace Pos.Grpc.Providers.KSeries.Tests.Infrastructure;

/// <summary>
/// The real simulator (K-Series part; no R-Series accounts) on a free 127.0.0.1 port, plus its admin API. Tests talk
/// to it over real HTTP only, each with its own locations and OAuth clients so they never see each other's data.
/// </summary>
public sealed class KSeriesSimulatorServer : IAsyncDisposable
{
    public const long SandboxLocationId = 45454565682155;
    private static long _nextLocationId = 800_000_000_000;
    private static int _nextClient;

    private readonly SimulatorOptions _options;
    private readonly int _port;
    private WebApplication _app;

    private KSeriesSimulatorServer(WebApplication app, SimulatorOptions options, int port)
    {
        _app = app;
        _options = options;
        _port = port;
        BaseUrl = $"http://127.0.0.1:{port}";
        Admin = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    public string BaseUrl { get; }
    public HttpClient Admin { get; }

    /// <param name="stateDirectory">Simulator:StateDirectory: the OAuth state survives <see cref="RestartAsync"/> (as in scripts/run.sh).</param>
    public static async Task<KSeriesSimulatorServer> StartAsync(Action<KSeriesSimulatorOptions>? configure = null, string? stateDirectory = null)
    {
        var options = new SimulatorOptions { SeedDefaultAccounts = false, StateDirectory = stateDirectory };
        configure?.Invoke(options.KSeries);
        var app = SimulatorHost.Build(options, port: 0);
        await app.StartAsync();
        var port = SimulatorHost.BoundUrl(app).Port;
        return new KSeriesSimulatorServer(app, options, port);
    }

    /// <summary>Stops the simulator and starts a new one on the same port with the same options: only what it saved survives.</summary>
    public async Task RestartAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = SimulatorHost.Build(_options, _port);
        await _app.StartAsync();
    }

    /// <summary>A location with the given devices (default: 2), no generated sales unless asked; returns its blID.</summary>
    public async Task<long> CreateLocationAsync(
        string timezone = "Europe/Copenhagen", long[]? devices = null, bool generate = false, DateOnly? openedOn = null,
        bool taxIncluded = true, decimal taxRate = 0.25m)
    {
        var id = Interlocked.Increment(ref _nextLocationId);
        var body = new JsonObject
        {
            ["name"] = $"Test restaurant {id}", ["businessId"] = 77, ["businessName"] = "Test business", ["timezone"] = timezone,
            ["generate"] = generate, ["taxIncluded"] = taxIncluded, ["taxRate"] = taxRate,
            ["devices"] = new JsonArray((devices ?? [101, 102]).Select(d => (JsonNode)new JsonObject { ["deviceId"] = d, ["name"] = $"iPad {d}" }).ToArray()),
        };
        if (openedOn is { } opened) body["openedOn"] = opened.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await PutAsync($"/__sim/kseries/locations/{id}", body);
        return id;
    }

    /// <summary>A fresh OAuth client of the given generation (its own counters); returns its id (V2 ids start devp-v2).</summary>
    public async Task<string> RegisterClientAsync(string generation = "V2", string redirectUri = "https://app.example/cb")
    {
        var id = (generation == "V2" ? "devp-v2-demo-test-" : "devp-demo-test-") + Interlocked.Increment(ref _nextClient);
        await PutAsync($"/__sim/kseries/clients/{id}", new { clientSecret = "secret-" + id, generation, redirectUri });
        return id;
    }

    public async Task<string[]> AddSalesAsync(long blId, params JsonObject[] sales)
    {
        using var response = await Admin.PostAsJsonAsync($"/__sim/kseries/locations/{blId}/sales", new JsonArray(sales.Select(s => (JsonNode)s).ToArray()));
        await EnsureOk(response);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("accountFiscIds").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    public async Task PatchSaleAsync(long blId, string accountFiscId, object edit)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/__sim/kseries/locations/{blId}/sales/{accountFiscId}") { Content = JsonContent.Create(edit) };
        await EnsureOk(await Admin.SendAsync(request));
    }

    public Task SetFaultsAsync(long blId, object faults) => PutAsync($"/__sim/kseries/locations/{blId}/faults", faults);

    public Task SetRateLimitAsync(bool enabled, double capacity, double refillPerSecond) =>
        PutAsync("/__sim/kseries/rate-limit", new { enabled, capacity, refillPerSecond });

    public async Task<JsonElement> LocationStatsAsync(long blId) => await Admin.GetFromJsonAsync<JsonElement>($"/__sim/kseries/locations/{blId}/stats");

    public async Task<JsonElement> ClientStatsAsync(string clientId) => await Admin.GetFromJsonAsync<JsonElement>($"/__sim/kseries/clients/{clientId}/stats");

    public async Task AdvanceClockAsync(double seconds) => await EnsureOk(await Admin.PostAsJsonAsync("/__sim/clock/advance", new { seconds }));

    private async Task PutAsync(string path, object body) => await EnsureOk(await Admin.PutAsJsonAsync(path, body));

    private static async Task EnsureOk(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Simulator admin call failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }


    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A simulator shared by the tests of one class (xunit class fixture).</summary>
public class KSeriesSimulatorFixture : IAsyncLifetime
{
    public KSeriesSimulatorServer Server { get; private set; } = null!;

    protected virtual void Configure(KSeriesSimulatorOptions options) { }

    public async ValueTask InitializeAsync() => Server = await KSeriesSimulatorServer.StartAsync(Configure);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Builders for injected accounts in the admin API's shape.</summary>
public static class KSales
{
    public static JsonObject Sale(DateTimeOffset timeClosed, long deviceId = 101, params JsonObject[] lines) => new()
    {
        ["timeClosed"] = timeClosed.ToString("O"),
        ["deviceId"] = deviceId,
        ["nbCovers"] = 2,
        ["lines"] = new JsonArray(lines.Select(l => (JsonNode)l).ToArray()),
    };

    public static JsonObject Line(decimal quantity, decimal unitPrice, string? id = null, string? parentLineId = null) => new()
    {
        ["id"] = id, ["parentLineId"] = parentLineId, ["quantity"] = quantity, ["unitPrice"] = unitPrice, ["name"] = "Item",
    };

    public static JsonObject With(this JsonObject node, string key, JsonNode? value)
    {
        node[key] = value;
        return node;
    }
}
