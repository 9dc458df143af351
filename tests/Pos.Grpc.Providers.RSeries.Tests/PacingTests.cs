using System.Net;
using System.Net.Http.Headers;
using Pos.Grpc.LightspeedSimulator;
using Pos.Grpc.Providers.RSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.RSeries.Tests;

/// <summary>A small bucket draining 50 times faster than real time: the pacer must avoid every 429.</summary>
public sealed class SmallBucketSimulator : SimulatorFixture
{
    protected override void Configure(SimulatorOptions options)
    {
        options.RateLimit.BucketSize = 10;
        options.RateLimit.BucketSizePerExtraRegister = 0;
        options.RateLimit.DripRate = 1;
        options.RateLimit.DripRatePerExtraRegister = 0;
        options.RateLimit.TimeScale = 50; // 50 drips per second
    }
}

public sealed class PacingTests(SmallBucketSimulator fixture) : PacedClientTests(fixture), IClassFixture<SmallBucketSimulator>
{
    [Fact]
    public async Task SequentialRequests_150_NeverTrip429()
    {
        var account = await Sim.CreateAccountAsync();
        var c = await Client.ConnectAsync(account);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        for (var i = 0; i < 150; i++) await Client.Api.GetShopsAsync(c, timeout.Token);

        var totals = Client.Api.GetAccountTotals(account);
        Assert.Equal(0, (await Sim.StatsAsync(account)).GetProperty("rateLimited").GetInt64());
        Assert.Equal(0, totals.RateLimitedResponses);
        Assert.Equal(150, totals.Requests);
        Assert.True(totals.RateLimitWait > TimeSpan.Zero, "a 10-drip bucket cannot take 150 requests without waiting");
    }

    [Fact]
    public async Task ParallelCallers_OnOneAccount_NeverTrip429()
    {
        var account = await Sim.CreateAccountAsync();
        var c = await Client.ConnectAsync(account);
        var day = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.FromHours(1));
        await Sim.AddSalesAsync(account, Sales.Sale(day.AddHours(10), 1, Sales.Line(1, 10m)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // Six workers, 25 sale reads each (cost 1.4 with SaleLines loaded), all on one bucket.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
                await foreach (var _ in Client.Api.GetSalesAsync(c, new RSeriesSalesQuery(day, day.AddDays(1)), null, timeout.Token)) { }
        })));

        Assert.Equal(0, (await Sim.StatsAsync(account)).GetProperty("rateLimited").GetInt64());
        Assert.Equal(150, Client.Api.GetAccountTotals(account).Requests);
    }

    [Fact]
    public async Task UnpacedBurst_Gets429WithRetryAfterAndHeaders_FirstOverflowAllowed()
    {
        var account = await Sim.CreateAccountAsync();
        var c = await Client.ConnectAsync(account);
        var token = await Client.Tokens.GetAccessTokenAsync(c.ConnectionKey, default);
        using var http = new HttpClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Sim.BaseUrl}/API/V3/Account/{account}/Shop.json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await http.SendAsync(request);
        }));

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        var first = limited[0];
        Assert.True(first.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("api-leaky-bucket", first.Headers.GetValues("X-LS-API-RateLimit-Type").Single());
        Assert.Contains("RateLimitedException", await first.Content.ReadAsStringAsync());
        var okLevels = responses.Where(r => r.IsSuccessStatusCode)
            .Select(r => double.Parse(r.Headers.GetValues("x-ls-api-bucket-level").Single().Split('/')[0], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.Contains(okLevels, l => l > 10); // the first request that overflowed was still let through
        Assert.All(responses.Where(r => r.IsSuccessStatusCode), r => Assert.EndsWith("/10", r.Headers.GetValues("X-LS-API-Bucket-Level").Single()));
        Assert.Equal("50", responses[0].Headers.GetValues("X-LS-API-Drip-Rate").Single());
        foreach (var r in responses) r.Dispose();
    }
}

/// <summary>A simulator whose bucket never refuses and always reports level 0 (RateLimit:Enabled=false).</summary>
public sealed class UnlimitedSimulator : SimulatorFixture
{
    protected override void Configure(SimulatorOptions options) => options.RateLimit.Enabled = false;
}

public sealed class ServerLevelTests(UnlimitedSimulator fixture) : PacedClientTests(fixture), IClassFixture<UnlimitedSimulator>
{
    [Fact]
    public async Task ServerReportsAnEmptyBucket_ThePacerBelievesIt_AndNeverWaits()
    {
        var account = await Sim.CreateAccountAsync();
        var c = await Client.ConnectAsync(account);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // 150 requests are far more than the assumed initial bucket (60) holds; only the server's "0/size" can let them through unpaced.
        for (var i = 0; i < 150; i++) await Client.Api.GetShopsAsync(c, timeout.Token);

        var totals = Client.Api.GetAccountTotals(account);
        Assert.Equal(150, totals.Requests);
        Assert.Equal(TimeSpan.Zero, totals.RateLimitWait);
    }
}
