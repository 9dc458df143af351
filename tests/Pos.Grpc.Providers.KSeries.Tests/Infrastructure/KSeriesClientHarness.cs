using System.Collections.Specialized;
using System.Net;
using System.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Pos.Grpc.Providers.KSeries.Tests.Infrastructure;

/// <summary>
/// The real client, wired by AddKSeriesClient from configuration exactly as a host will do it, pointed at a simulator
/// (API, V1 and V2 OAuth all on it), with an in-memory token store. Backoffs are short so fault tests stay quick.
/// </summary>
public sealed class KSeriesClientHarness : IAsyncDisposable
{
    public const string RedirectUri = "https://app.example/cb";
    private readonly ServiceProvider _services;

    private KSeriesClientHarness(KSeriesSimulatorServer server, string clientId, Dictionary<string, string?>? overrides)
    {
        Server = server;
        ClientId = clientId;
        var settings = new Dictionary<string, string?>
        {
            ["KSeries:ApiBaseUrl"] = server.BaseUrl,
            ["KSeries:V2OAuthBaseUrl"] = server.BaseUrl,
            ["KSeries:ClientId"] = clientId,
            ["KSeries:ClientSecret"] = "secret-" + clientId,
            ["KSeries:RedirectUri"] = RedirectUri,
            ["KSeries:RequestTimeout"] = "00:00:10",
            ["KSeries:InitialBackoff"] = "00:00:00.050",
            ["KSeries:MaxBackoff"] = "00:00:00.300",
            ["KSeries:RequestsPerSecondPerLocation"] = "200",
        };
        foreach (var (key, value) in overrides ?? []) settings["KSeries:" + key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _services = new ServiceCollection()
            .AddSingleton<IConnectionTokenStore>(Store)
            .AddKSeriesClient(configuration.GetSection("KSeries"))
            .BuildServiceProvider();
    }

    /// <summary>A harness with its own freshly registered OAuth client of <paramref name="generation"/>.</summary>
    public static async Task<KSeriesClientHarness> CreateAsync(
        KSeriesSimulatorServer server, string generation = "V2", Dictionary<string, string?>? overrides = null) =>
        new(server, await server.RegisterClientAsync(generation, RedirectUri), overrides);

    public KSeriesSimulatorServer Server { get; }
    public string ClientId { get; }
    public InMemoryConnectionTokenStore Store { get; } = new();
    public KSeriesOAuthClient OAuth => _services.GetRequiredService<KSeriesOAuthClient>();
    public KSeriesApiClient Api => _services.GetRequiredService<KSeriesApiClient>();
    public ConnectionTokenManager<KSeriesTokens> Tokens => _services.GetRequiredService<ConnectionTokenManager<KSeriesTokens>>();
    public KSeriesPacerRegistry Pacers => _services.GetRequiredService<KSeriesPacerRegistry>();

    /// <summary>
    /// The whole consent flow over HTTP: authorise (the simulator consents at once for the given locations and
    /// redirects), check the state, exchange the code at once, store the tokens under a new connection key.
    /// </summary>
    public async Task<string> ConnectAsync(params long[] locationIds)
    {
        var state = Guid.NewGuid().ToString("N");
        var callback = await AuthorizeAsync(state, locationIds);
        Assert.Equal(state, callback["state"]);
        var tokens = await OAuth.ExchangeCodeAsync(callback["code"]!, CancellationToken.None);
        var key = $"test/{Guid.NewGuid():N}";
        await Tokens.SaveAsync(key, tokens, CancellationToken.None);
        return key;
    }

    public async Task<KSeriesLocation> ConnectLocationAsync(long locationId) => new(await ConnectAsync(locationId), locationId);

    /// <summary>Runs authorise (locations picked with the simulator's bl_ids extra) and returns the callback's query.</summary>
    public async Task<NameValueCollection> AuthorizeAsync(string state, params long[] locationIds)
    {
        var url = OAuth.BuildAuthorizationUrl(state) + (locationIds.Length > 0 ? "&bl_ids=" + string.Join(",", locationIds) : "");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(RedirectUri + "?", response.Headers.Location!.ToString());
        return HttpUtility.ParseQueryString(response.Headers.Location!.Query);
    }

    public async Task<List<KSeriesSale>> ReadSalesAsync(
        KSeriesLocation location, KSeriesSalesQuery query, KSeriesRequestStats? stats = null, CancellationToken ct = default)
    {
        var sales = new List<KSeriesSale>();
        await foreach (var page in Api.GetSalesPagesAsync(location, query, stats, ct)) sales.AddRange(page.Sales);
        return sales;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
