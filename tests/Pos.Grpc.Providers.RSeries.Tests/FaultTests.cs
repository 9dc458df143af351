using System.Diagnostics;
using System.Net;
using Pos.Grpc.Providers.RSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.RSeries.Tests;

/// <summary>Each fault switch of the simulator: the client recovers, or fails with a clear typed error in bounded time.</summary>
public sealed class FaultTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2024, 3, 1, 0, 0, 0, TimeSpan.FromHours(1));
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly SimulatorServer _sim = fixture.Server;
    private RSeriesClientHarness _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = new RSeriesClientHarness(_sim);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    /// <summary>An account with 250 sales (three pages) on the test day.</summary>
    private async Task<RSeriesConnection> AccountWithSalesAsync(RSeriesClientHarness? client = null)
    {
        var account = await _sim.CreateAccountAsync();
        await _sim.AddSalesAsync(account, Enumerable.Range(0, 250)
            .Select(i => Sales.Sale(Day.AddHours(8).AddMinutes(i), 1, Sales.Line(1, 10m))).ToArray());
        return await (client ?? _client).ConnectAsync(account);
    }

    private static async Task<List<RSeriesSale>> ReadAsync(
        RSeriesClientHarness client, RSeriesConnection c, RSeriesRequestStats stats, Func<int, Task>? afterSale = null)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var sales = new List<RSeriesSale>();
        await foreach (var sale in client.Api.GetSalesAsync(c, new RSeriesSalesQuery(Day, Day.AddDays(1)), stats, timeout.Token))
        {
            sales.Add(sale);
            if (afterSale is not null) await afterSale(sales.Count);
        }
        return sales;
    }

    private static void AssertAllSalesOnce(List<RSeriesSale> sales)
    {
        Assert.Equal(250, sales.Count);
        Assert.Equal(250, sales.Select(s => s.SaleId).Distinct().Count());
    }

    [Fact]
    public async Task RateLimitStorm_HonoursRetryAfterThenSucceeds()
    {
        var c = await AccountWithSalesAsync();
        await _sim.SetFaultsAsync(c.AccountId, new { rateLimitStorm = 2 });
        var stats = new RSeriesRequestStats();

        var sales = await ReadAsync(_client, c, stats);

        AssertAllSalesOnce(sales);
        Assert.Equal(2, stats.RateLimitedResponses);
        Assert.True(stats.RateLimitWait >= TimeSpan.FromSeconds(1.8), $"waited only {stats.RateLimitWait}"); // Retry-After: 1, twice
    }

    [Fact]
    public async Task EndlessRateLimitStorm_FailsWithRateLimitException()
    {
        await using var client = new RSeriesClientHarness(_sim, new() { ["MaxRateLimitRetries"] = "2" });
        var c = await AccountWithSalesAsync(client);
        await _sim.SetFaultsAsync(c.AccountId, new { rateLimitStorm = 100 });

        var e = await Assert.ThrowsAsync<RSeriesRateLimitException>(() => ReadAsync(client, c, new RSeriesRequestStats()));

        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
        Assert.Contains("Rate Limit Exceeded", e.LightspeedMessage);
    }

    [Fact]
    public async Task ServerErrorBurst_IsRetriedWithBackoff()
    {
        var c = await AccountWithSalesAsync();
        await _sim.SetFaultsAsync(c.AccountId, new { serverErrors = 3 });
        var stats = new RSeriesRequestStats();

        AssertAllSalesOnce(await ReadAsync(_client, c, stats));
        Assert.Equal(3, stats.Retries);
    }

    [Fact]
    public async Task EndlessServerErrors_FailWithApiExceptionCarryingStatus()
    {
        var c = await AccountWithSalesAsync();
        await _sim.SetFaultsAsync(c.AccountId, new { serverErrors = 100 });
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<RSeriesApiException>(() => ReadAsync(_client, c, new RSeriesRequestStats()));

        Assert.True(e.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Simulated server error", e.LightspeedMessage); // the HTML body, since it was not JSON
        Assert.True(watch.Elapsed < Bound);
    }

    [Fact]
    public async Task ConnectionCutMidBody_OnSecondPage_RefetchesThatPage()
    {
        var c = await AccountWithSalesAsync();
        var stats = new RSeriesRequestStats();

        // Arm the switch while the first page is being consumed, so the second page is the one cut.
        var sales = await ReadAsync(_client, c, stats, async n =>
        {
            if (n == 1) await _sim.SetFaultsAsync(c.AccountId, new { cutConnections = 2 });
        });

        AssertAllSalesOnce(sales);
        Assert.Equal(2, stats.Retries);
        Assert.Equal(5, stats.Requests);
    }

    [Fact]
    public async Task ConnectionCutEveryTime_FailsWithApiException()
    {
        var c = await AccountWithSalesAsync();
        await _sim.SetFaultsAsync(c.AccountId, new { cutConnections = 100 });

        var e = await Assert.ThrowsAsync<RSeriesApiException>(() => ReadAsync(_client, c, new RSeriesRequestStats()));

        Assert.Null(e.StatusCode);
        Assert.True(e.InnerException is HttpRequestException or IOException or System.Text.Json.JsonException, e.InnerException?.GetType().Name);
    }

    [Fact]
    public async Task MalformedJsonPage_IsFetchedAgain()
    {
        var c = await AccountWithSalesAsync();
        await _sim.SetFaultsAsync(c.AccountId, new { malformedPages = 1 });
        var stats = new RSeriesRequestStats();

        AssertAllSalesOnce(await ReadAsync(_client, c, stats));
        Assert.Equal(1, stats.Retries);
    }

    [Fact]
    public async Task SlowResponses_WithinTimeout_Succeed()
    {
        var c = await AccountWithSalesAsync();
        await _sim.SetFaultsAsync(c.AccountId, new { delayMs = 300 });
        var stats = new RSeriesRequestStats();

        AssertAllSalesOnce(await ReadAsync(_client, c, stats));
        Assert.Equal(0, stats.Retries);
    }

    [Fact]
    public async Task SlowResponses_BeyondTimeout_FailAsTimeoutAfterBoundedRetries()
    {
        await using var client = new RSeriesClientHarness(_sim, new()
        {
            ["RequestTimeout"] = "00:00:00.300", ["MaxTransientRetries"] = "2",
        });
        var c = await AccountWithSalesAsync(client);
        await _sim.SetFaultsAsync(c.AccountId, new { delayMs = 2000 });
        var stats = new RSeriesRequestStats();
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<RSeriesApiException>(() => ReadAsync(client, c, stats));

        Assert.Contains("timed out", e.Message);
        Assert.Equal(3, stats.Requests);
        Assert.True(watch.Elapsed < Bound);
    }

    [Fact]
    public async Task CallerCancellation_IsNotRetried()
    {
        var c = await AccountWithSalesAsync();
        await _sim.SetFaultsAsync(c.AccountId, new { delayMs = 5000 });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in _client.Api.GetSalesAsync(c, new RSeriesSalesQuery(Day, Day.AddDays(1)), null, cts.Token)) { }
        });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3));
    }
}
