using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Pos.Grpc.LightspeedSimulator;

namespace Pos.Grpc.Providers.RSeries.Tests.Infrastructure;

/// <summary>
/// The real simulator on a free 127.0.0.1 port, plus its admin API. Tests talk to it over real HTTP only.
/// </summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private static long _nextAccountId = 700_000;

    private readonly int _port;
    private WebApplication _app;

    private SimulatorServer(WebApplication app, int port, SimulatorOptions options)
    {
        _app = app;
        _port = port;
        Options = options;
        BaseUrl = $"http://127.0.0.1:{port}";
        Admin = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    public string BaseUrl { get; }
    public SimulatorOptions Options { get; }
    public HttpClient Admin { get; }

    public static async Task<SimulatorServer> StartAsync(Action<SimulatorOptions>? configure = null)
    {
        var options = new SimulatorOptions();
        configure?.Invoke(options);
        var app = SimulatorHost.Build(options, port: 0);
        await app.StartAsync();
        var port = SimulatorHost.BoundUrl(app).Port;
        return new SimulatorServer(app, port, options);
    }

    /// <summary>Stops the simulator and starts a new one with the same options on the same port: what survives is what its state directory kept.</summary>
    public async Task RestartAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = SimulatorHost.Build(Options, _port);
        await _app.StartAsync();
    }

    /// <summary>A fresh account id no other test uses, so tests never see each other's data.</summary>
    public static long NewAccountId() => Interlocked.Increment(ref _nextAccountId);

    /// <summary>Defines an account with one shop per (time zone, registers) entry; no generated sales unless asked.</summary>
    public async Task<long> CreateAccountAsync(
        string timeZone = "Europe/Copenhagen", long[]? registers = null, decimal tax1 = 0.25m, decimal tax2 = 0m,
        bool generate = false, int salesPerShopPerDay = 40)
    {
        var id = NewAccountId();
        var body = new JsonObject
        {
            ["name"] = $"Test account {id}",
            ["generate"] = generate,
            ["salesPerShopPerDay"] = salesPerShopPerDay,
            ["shops"] = new JsonArray(new JsonObject
            {
                ["shopID"] = 1, ["name"] = "Shop 1", ["timeZone"] = timeZone, ["tax1Rate"] = tax1, ["tax2Rate"] = tax2,
                ["registers"] = new JsonArray((registers ?? [1]).Select(r => (JsonNode)new JsonObject { ["registerID"] = r }).ToArray()),
            }),
        };
        await PutAsync($"/__sim/accounts/{id}", body);
        return id;
    }

    public async Task PutAccountAsync(long accountId, JsonObject definition) => await PutAsync($"/__sim/accounts/{accountId}", definition);

    /// <summary>Injects fixed sales (see FixedSaleInput); returns their ids.</summary>
    public async Task<long[]> AddSalesAsync(long accountId, params JsonObject[] sales)
    {
        using var response = await Admin.PostAsJsonAsync($"/__sim/accounts/{accountId}/sales", new JsonArray(sales.Select(s => (JsonNode)s).ToArray()));
        await EnsureOk(response);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("saleIDs").EnumerateArray().Select(e => e.GetInt64()).ToArray();
    }

    public Task SetFaultsAsync(long accountId, object faults) => PutAsync($"/__sim/accounts/{accountId}/faults", faults);

    public async Task<JsonElement> StatsAsync(long accountId) =>
        await Admin.GetFromJsonAsync<JsonElement>($"/__sim/accounts/{accountId}/stats");

    public async Task DeleteAccountAsync(long accountId) => await EnsureOk(await Admin.DeleteAsync($"/__sim/accounts/{accountId}"));

    public async Task AdvanceClockAsync(double seconds) =>
        await EnsureOk(await Admin.PostAsJsonAsync("/__sim/clock/advance", new { seconds }));

    private async Task PutAsync(string path, object body)
    {
        using var response = await Admin.PutAsJsonAsync(path, body);
        await EnsureOk(response);
    }

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
public class SimulatorFixture : IAsyncLifetime
{
    public SimulatorServer Server { get; private set; } = null!;

    protected virtual void Configure(SimulatorOptions options) { }

    public async ValueTask InitializeAsync() => Server = await SimulatorServer.StartAsync(Configure);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Builders for injected sales in the admin API's shape.</summary>
public static class Sales
{
    public static JsonObject Sale(
        DateTimeOffset completeTime, long registerId = 1, params JsonObject[] lines) => new()
    {
        ["shopID"] = 1,
        ["registerID"] = registerId,
        ["completeTime"] = completeTime.ToString("O"),
        ["lines"] = new JsonArray(lines.Select(l => (JsonNode)l).ToArray()),
    };

    public static JsonObject Line(int quantity, decimal unitPrice, decimal discountPercent = 0, long parentSaleLineId = 0, long itemId = 1) => new()
    {
        ["itemID"] = itemId,
        ["unitQuantity"] = quantity,
        ["unitPrice"] = unitPrice,
        ["discountPercent"] = discountPercent,
        ["parentSaleLineID"] = parentSaleLineId,
    };

    public static JsonObject With(this JsonObject sale, string key, JsonNode? value)
    {
        sale[key] = value;
        return sale;
    }
}
