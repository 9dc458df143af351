using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Pos.Grpc.LightspeedSimulator;
using Pos.Grpc.Providers;
using Pos.Grpc.Providers.RSeries.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Providers.RSeries.Tests;

/// <summary>Lightspeed's rules as they are, unscaled: a 90-drip bucket draining 1 drip a second, 20 requests per one-second window.</summary>
public sealed class RealRulesSimulator : SimulatorFixture
{
    protected override void Configure(SimulatorOptions options) => options.RateLimit.TimeScale = 1;
}

/// <summary>
/// The burst limiter (lightspeed-api.md §6): the simulator refuses the 21st request of a one-second window with an
/// api-burst-limiter 429; the client, told the limit by X-LS-API-Burst-Level, never gets there, and a burst 429 does
/// not make it believe the bucket is full.
/// </summary>
public sealed class BurstLimiterTests(RealRulesSimulator fixture) : PacedClientTests(fixture), IClassFixture<RealRulesSimulator>
{
    private const int BurstLimit = 20;

    [Fact]
    public async Task Simulator_MoreThanTheBurstLimitInOneSecond_Is429FromTheBurstLimiter()
    {
        var account = await Sim.CreateAccountAsync();
        var c = await Client.ConnectAsync(account);
        var token = (await Client.Store.LoadAsync(c.ConnectionKey, default))!.AccessToken;
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // 60 requests as fast as one connection goes: well under a second here, so one window sees at least 30.
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 60; i++) responses.Add(await http.GetAsync($"{Sim.BaseUrl}/API/V3/Account/{account}/Shop.json"));

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r =>
        {
            Assert.Equal("api-burst-limiter", r.Headers.GetValues("X-LS-API-RateLimit-Type").Single());
            Assert.Equal("1", r.Headers.GetValues("Retry-After").Single());
        });
        Assert.Contains("burst rate limit exceeded", await refused[0].Content.ReadAsStringAsync());
        Assert.All(responses.Where(r => r.IsSuccessStatusCode), r =>
        {
            var parts = r.Headers.GetValues("X-LS-API-Burst-Level").Single().Split('/');
            Assert.Equal(BurstLimit.ToString(CultureInfo.InvariantCulture), parts[1]);
            Assert.InRange(int.Parse(parts[0], CultureInfo.InvariantCulture), 1, BurstLimit);
        });
        var stats = await Sim.StatsAsync(account);
        Assert.Equal(refused.Count, stats.GetProperty("burstLimited").GetInt64());
        foreach (var r in responses) r.Dispose();
    }

    [Fact]
    public async Task Client_ABurstOfSequentialRequests_StaysUnderTheBurstLimit_WithoutOne429()
    {
        var account = await Sim.CreateAccountAsync();
        var c = await Client.ConnectAsync(account);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Twice the burst limit: the bucket (90) has room for all of them, only the burst limiter could refuse.
        for (var i = 0; i < 2 * BurstLimit + 5; i++) await Client.Api.GetShopsAsync(c, timeout.Token);

        var stats = await Sim.StatsAsync(account);
        Assert.Equal(0, stats.GetProperty("rateLimited").GetInt64());
        Assert.Equal(0, Client.Api.GetAccountTotals(account).RateLimitedResponses);
        Assert.Equal(2 * BurstLimit + 5, Client.Api.GetAccountTotals(account).Requests);
    }

    [Fact]
    public async Task Client_RequestsHeldBackTogetherAfterTheirTurn_GoOutUnderTheBurstLimit_WithoutOne429()
    {
        var account = await Sim.CreateAccountAsync();
        var c = await Client.ConnectAsync(account);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // The engine's admission gate, shut until every read has had its turn with the pacer; then all go at once, as
        // they did when a busy night freed the gate. Counted at their turns, they would reach one server window together.
        const int reads = BurstLimit + 10;
        var arrived = 0;
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RequestAdmission gate = async ct =>
        {
            if (Interlocked.Increment(ref arrived) >= reads) open.TrySetResult();
            await open.Task.WaitAsync(ct);
            return new Admitted();
        };
        var day = new RSeriesSalesQuery(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(-1));
        await Task.WhenAll(Enumerable.Range(0, reads).Select(async _ =>
        {
            await foreach (var page in Client.Api.GetSalesPagesAsync(c, day, null, RequestPriority.Manual, gate, timeout.Token)) { }
        }));

        var stats = await Sim.StatsAsync(account);
        Assert.Equal(0, stats.GetProperty("rateLimited").GetInt64());
        Assert.Equal(0, stats.GetProperty("burstLimited").GetInt64());
    }

    private sealed class Admitted : IDisposable
    {
        public void Dispose() { }
    }

    [Fact]
    public void Pacer_AfterABurst429_OnlyWaitsRetryAfter_AndKeepsTheBucketLevel()
    {
        var pacer = new RSeriesPacerRegistry(Options.Create(new RSeriesOptions())).For(SimulatorServer.NewAccountId());
        var before = pacer.Snapshot().Level;

        pacer.OnRateLimited(TimeSpan.FromSeconds(1), byBurstLimiter: true);
        var afterBurst = pacer.Snapshot();
        pacer.OnRateLimited(TimeSpan.FromSeconds(1));
        var afterBucket = pacer.Snapshot();

        Assert.Equal(before, afterBurst.Level);
        Assert.Equal(afterBucket.Size, afterBucket.Level, precision: 3);
    }
}
