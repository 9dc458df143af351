using System.Net;
using Pos.Grpc.Providers.KSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.KSeries.Tests;

/// <summary>
/// Every fault switch and error shape: the client recovers (every sale read once), or fails with a clear typed
/// error in bounded time.
/// </summary>
public sealed class FaultTests(KSeriesSimulatorFixture fixture) : IClassFixture<KSeriesSimulatorFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly KSeriesSimulatorServer _sim = fixture.Server;
    private KSeriesClientHarness _client = null!;

    public async ValueTask InitializeAsync() => _client = await KSeriesClientHarness.CreateAsync(_sim);

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    /// <summary>A location with 250 sales (three pages) on the test day.</summary>
    private async Task<KSeriesLocation> LocationWithSalesAsync(KSeriesClientHarness? client = null)
    {
        var blId = await _sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        await _sim.AddSalesAsync(blId, Enumerable.Range(0, 250).Select(i => KSales.Sale(Day.AddHours(8).AddMinutes(i), 101, KSales.Line(1, 10m))).ToArray());
        return await (client ?? _client).ConnectLocationAsync(blId);
    }

    private static async Task<List<KSeriesSale>> ReadAsync(KSeriesClientHarness client, KSeriesLocation location, KSeriesRequestStats stats)
    {
        using var timeout = new CancellationTokenSource(Bound);
        return await client.ReadSalesAsync(location, new KSeriesSalesQuery(Day, Day.AddDays(1)), stats, timeout.Token);
    }

    private static void AssertAllSalesOnce(List<KSeriesSale> sales)
    {
        Assert.Equal(250, sales.Count);
        Assert.Equal(250, sales.Select(s => s.AccountFiscId).Distinct().Count());
    }

    [Fact]
    public async Task RateLimitStorm_WaitsRetryAfter_ThenSucceeds()
    {
        var location = await LocationWithSalesAsync();
        await _sim.SetFaultsAsync(location.BusinessLocationId, new { rateLimitStorm = 2, retryAfterSeconds = 1 });
        var stats = new KSeriesRequestStats();

        var sales = await ReadAsync(_client, location, stats);

        AssertAllSalesOnce(sales);
        Assert.Equal(2, stats.RateLimitedResponses);
        Assert.Equal(5, stats.Requests);
    }

    [Fact]
    public async Task EndlessRateLimitStorm_FailsWithRateLimitException_InSpringShape()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V2", new() { ["MaxRateLimitRetries"] = "2" });
        var location = await LocationWithSalesAsync(client);
        await _sim.SetFaultsAsync(location.BusinessLocationId, new { rateLimitStorm = 100, retryAfterSeconds = 0 });

        var e = await Assert.ThrowsAsync<KSeriesRateLimitException>(() => ReadAsync(client, location, new KSeriesRequestStats()));

        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
        Assert.Equal(KSeriesErrorShape.Spring, e.Body!.Shape);
        Assert.Equal("Rate limit exceeded, retry later", e.ServerMessage);
        Assert.NotNull(e.Body.Timestamp); // "+0000" without a colon
    }

    [Fact]
    public async Task ALongRetryAfter_IsBoundedByMaxRetryAfter()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V2", new() { ["MaxRetryAfter"] = "00:00:00.200" });
        var location = await LocationWithSalesAsync(client);
        await _sim.SetFaultsAsync(location.BusinessLocationId, new { rateLimitStorm = 1, retryAfterSeconds = 3600 });
        var stats = new KSeriesRequestStats();

        AssertAllSalesOnce(await ReadAsync(client, location, stats)); // within Bound, so not an hour

        Assert.Equal(1, stats.RateLimitedResponses);
    }

    [Fact]
    public async Task ServerErrors_HtmlAndJson_AreRetriedWithBackoff()
    {
        var location = await LocationWithSalesAsync();
        await _sim.SetFaultsAsync(location.BusinessLocationId, new { serverErrors = 3 });
        var stats = new KSeriesRequestStats();

        AssertAllSalesOnce(await ReadAsync(_client, location, stats));

        Assert.Equal(3, stats.Retries);
    }

    [Fact]
    public async Task EndlessServerErrors_FailWithTheStatusAndTheBody()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V2", new() { ["MaxTransientRetries"] = "3" });
        var location = await LocationWithSalesAsync(client);
        await _sim.SetFaultsAsync(location.BusinessLocationId, new { serverErrors = 100 });

        var e = await Assert.ThrowsAsync<KSeriesApiException>(() => ReadAsync(client, location, new KSeriesRequestStats()));

        Assert.True(e.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.ServiceUnavailable);
        if (e.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            Assert.Equal(KSeriesErrorShape.NotJson, e.Body!.Shape);
            Assert.Contains("<html>", e.ServerMessage);
        }
        else
        {
            Assert.Equal(KSeriesErrorShape.Spring, e.Body!.Shape);
            Assert.Equal("Internal Server Error", e.ServerMessage);
        }
    }

    [Fact]
    public async Task CutConnections_AreRetried_NoSaleTwice()
    {
        var location = await LocationWithSalesAsync();
        await _sim.SetFaultsAsync(location.BusinessLocationId, new { cutConnections = 2 });
        var stats = new KSeriesRequestStats();

        AssertAllSalesOnce(await ReadAsync(_client, location, stats));

        Assert.Equal(2, stats.Retries);
    }

    [Fact]
    public async Task MalformedPages_AreRetried()
    {
        var location = await LocationWithSalesAsync();
        await _sim.SetFaultsAsync(location.BusinessLocationId, new { malformedPages = 2 });
        var stats = new KSeriesRequestStats();

        AssertAllSalesOnce(await ReadAsync(_client, location, stats));

        Assert.Equal(2, stats.Retries);
    }

    [Fact]
    public async Task ASlowServer_TimesOut_AndFailsWithoutAStatus()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V2", new() { ["RequestTimeout"] = "00:00:00.300", ["MaxTransientRetries"] = "1" });
        var location = await LocationWithSalesAsync(client);
        await _sim.SetFaultsAsync(location.BusinessLocationId, new { delayMs = 5000 });

        var e = await Assert.ThrowsAsync<KSeriesApiException>(() => ReadAsync(client, location, new KSeriesRequestStats()));

        Assert.Null(e.StatusCode);
        Assert.Contains("timed out", e.Message);
        await _sim.SetFaultsAsync(location.BusinessLocationId, new { delayMs = 0 });
    }

    [Fact]
    public async Task ALocationTheTokenCannotSee_IsLocationAccessDenied()
    {
        var visible = await _sim.CreateLocationAsync();
        var other = await _sim.CreateLocationAsync();
        var key = await _client.ConnectAsync(visible);

        var e = await Assert.ThrowsAsync<KSeriesLocationAccessDeniedException>(() =>
            _client.ReadSalesAsync(new KSeriesLocation(key, other), new KSeriesSalesQuery(Day, Day.AddDays(1))));

        Assert.Equal(other, e.BusinessLocationId);
        Assert.Equal(KSeriesErrorShape.SubExceptions, e.Body!.Shape);
        Assert.Equal("Access token not relevant for the businessLocation", e.ServerMessage);
    }

    [Fact]
    public async Task AnUnknownLocation_IsNotFound_InSpringShape()
    {
        var key = await _client.ConnectAsync(await _sim.CreateLocationAsync());

        var e = await Assert.ThrowsAsync<KSeriesNotFoundException>(() =>
            _client.ReadSalesAsync(new KSeriesLocation(key, 12345), new KSeriesSalesQuery(Day, Day.AddDays(1))));

        Assert.Equal(KSeriesErrorShape.Spring, e.Body!.Shape);
        Assert.Equal("Business Location Not found for 12345", e.ServerMessage);
        Assert.Equal("com.ikentoo.financial.service.exceptions.ResourceNotFoundException", e.Body.ExceptionType);
    }

    [Fact]
    public async Task ABadRequest_IsSurfacedWithItsText()
    {
        var location = await LocationWithSalesAsync();
        var query = new KSeriesSalesQuery(Day, Day.AddDays(1)) { ResumeAt = new KSeriesSalesCursor(Day, Day.AddDays(1), "not-a-token") };

        var e = await Assert.ThrowsAsync<KSeriesBadRequestException>(() => _client.ReadSalesAsync(location, query));

        Assert.Equal(KSeriesErrorShape.Plain, e.Body!.Shape);
        Assert.StartsWith("Invalid nextPageToken", e.ServerMessage);
    }

    [Theory]
    [InlineData("""{"error":"Invalid date format: 12/12/2023"}""", KSeriesErrorShape.Plain, "Invalid date format: 12/12/2023")]
    [InlineData("""{"timestamp":"2023-05-12T13:29:05.028+0000","status":404,"error":"Not Found","exception":"x.ResourceNotFoundException","message":"Business Location Not found for 12345","path":"/f"}""", KSeriesErrorShape.Spring, "Business Location Not found for 12345")]
    [InlineData("""{"status":"BAD_REQUEST","timestamp":"2024-05-04T09:42:00+00:00","message":"Validation failed","apiSubExceptions":[{"field":"date","rejectedValue":{},"message":"must not be null"}]}""", KSeriesErrorShape.SubExceptions, "Validation failed (date: must not be null)")]
    [InlineData("""{"error":"invalid_grant","error_description":"Token is not active"}""", KSeriesErrorShape.OAuth, "Token is not active")]
    [InlineData("<html><body>502 Bad Gateway</body></html>", KSeriesErrorShape.NotJson, "<html><body>502 Bad Gateway</body></html>")]
    [InlineData("", KSeriesErrorShape.Empty, "Bad Gateway")]
    public void ErrorBodies_OfEveryShape_AreRead(string body, KSeriesErrorShape shape, string message)
    {
        var parsed = KSeriesErrorBody.Parse(body, "Bad Gateway");

        Assert.Equal(shape, parsed.Shape);
        Assert.Equal(message, parsed.Message);
    }
}

/// <summary>The simulator's optional token bucket: 429 with Retry-After when empty; the client waits and reads on.</summary>
public sealed class TokenBucketTests
{
    [Fact]
    public async Task AnEmptyBucket_Answers429_TheClientWaitsAndReadsEverything()
    {
        await using var sim = await KSeriesSimulatorServer.StartAsync(o => o.RateLimit = new() { Enabled = true, Capacity = 3, RefillPerSecond = 4 });
        var blId = await sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        var day = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await sim.AddSalesAsync(blId, Enumerable.Range(0, 60).Select(i => KSales.Sale(day.AddMinutes(i), 101, KSales.Line(1, 10m))).ToArray());
        await using var client = await KSeriesClientHarness.CreateAsync(sim, "V2", new() { ["MaxRateLimitRetries"] = "20" });
        var stats = new KSeriesRequestStats();

        var sales = await client.ReadSalesAsync(await client.ConnectLocationAsync(blId), new KSeriesSalesQuery(day, day.AddDays(1)) { PageSize = 5 }, stats);

        Assert.Equal(60, sales.Select(s => s.AccountFiscId).Distinct().Count());
        Assert.True(stats.RateLimitedResponses > 0);
        Assert.Equal(stats.RateLimitedResponses, (await sim.LocationStatsAsync(blId)).GetProperty("rateLimited").GetInt64());
    }
}
