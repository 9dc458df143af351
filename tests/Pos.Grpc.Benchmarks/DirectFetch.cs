using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Benchmarks;

/// <summary>
/// The yardstick of import-throughput: only fetching and parsing the sales pages with
/// <see cref="RSeriesApiClient.GetSalesAsync"/>, for the same accounts and department-day windows as the import,
/// in the same order (departments of one account one after another, accounts side by side), nothing aggregated or written.
/// </summary>
public sealed class DirectFetch : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly RSeriesApiClient _api;

    private DirectFetch(ServiceProvider services)
    {
        _services = services;
        _api = services.GetRequiredService<RSeriesApiClient>();
    }

    public static async Task<DirectFetch> ConnectAsync(BenchEnvironment env)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IRSeriesTokenStore, InMemoryRSeriesTokenStore>();
        services.AddRSeriesClient(o =>
        {
            o.AuthBaseUrl = env.SimulatorUrl.ToString();
            o.ApiBaseUrl = env.SimulatorUrl.ToString();
            o.ClientId = Bench.SimulatorClientId;
            o.ClientSecret = Bench.SimulatorClientSecret;
            o.RedirectUri = env.Host.CallbackUrl;
        });
        var provider = services.BuildServiceProvider();
        var oauth = provider.GetRequiredService<RSeriesOAuthClient>();
        var store = provider.GetRequiredService<IRSeriesTokenStore>();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        foreach (var account in env.Layout.AccountIds)
        {
            var pkce = Pkce.Create();
            var url = oauth.BuildAuthorizationUrl(Guid.NewGuid().ToString("N"), pkce.Challenge) + "&account_id=" + account;
            using var consent = await browser.GetAsync(url);
            if (consent.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Consent answered {consent.StatusCode}");
            var code = System.Web.HttpUtility.ParseQueryString(consent.Headers.Location!.Query)["code"]!;
            await store.SaveAsync(Key(account), await oauth.ExchangeCodeAsync(code, pkce.Verifier, CancellationToken.None), CancellationToken.None);
        }
        return new DirectFetch(provider);
    }

    private static string Key(long account) => $"bench-{account}";

    public sealed record Result(long Sales, long Requests, TimeSpan Elapsed)
    {
        public double SalesPerSecond => Sales / Elapsed.TotalSeconds;
    }

    public async Task<Result> FetchAsync(IReadOnlyList<DepartmentSpec> departments, DateOnly from, DateOnly until)
    {
        var zone = TimeZones.Find(Bench.Zone);
        var stats = new RSeriesRequestStats();
        long sales = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(departments.GroupBy(d => d.AccountId).Select(async lane =>
        {
            await Task.Yield();
            var connection = new RSeriesConnection(Key(lane.Key), lane.Key);
            foreach (var department in lane.OrderBy(d => d.DepartmentId))
            {
                for (var day = from; day <= until; day = day.AddDays(1))
                {
                    var query = new RSeriesSalesQuery(TimeZones.StartOfDayUtc(day, zone), TimeZones.StartOfDayUtc(day.AddDays(1), zone))
                    {
                        ShopIds = department.ShopId is { } shop ? [shop] : [],
                        RegisterIds = department.RegisterIds,
                    };
                    long count = 0;
                    await foreach (var _ in _api.GetSalesAsync(connection, query, stats)) count++;
                    Interlocked.Add(ref sales, count);
                }
            }
        }));
        return new Result(sales, stats.Requests, stopwatch.Elapsed);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
