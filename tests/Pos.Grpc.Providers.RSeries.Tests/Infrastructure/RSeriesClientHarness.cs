using System.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Pos.Grpc.Providers.RSeries.Tests.Infrastructure;

/// <summary>
/// The real client, wired by AddRSeriesClient from configuration exactly as the host will do it, pointed at a
/// simulator, with an in-memory token store. Backoffs are short so fault tests stay quick.
/// </summary>
public sealed class RSeriesClientHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public RSeriesClientHarness(SimulatorServer server, Dictionary<string, string?>? overrides = null)
    {
        Server = server;
        var settings = new Dictionary<string, string?>
        {
            ["Lightspeed:AuthBaseUrl"] = server.BaseUrl,
            ["Lightspeed:ApiBaseUrl"] = server.BaseUrl,
            ["Lightspeed:ClientId"] = "sim-client",
            ["Lightspeed:ClientSecret"] = "sim-secret",
            ["Lightspeed:RedirectUri"] = "http://localhost:5080/lightspeed/callback",
            ["Lightspeed:RequestTimeout"] = "00:00:10",
            ["Lightspeed:InitialBackoff"] = "00:00:00.050",
            ["Lightspeed:MaxBackoff"] = "00:00:00.500",
        };
        foreach (var (key, value) in overrides ?? []) settings["Lightspeed:" + key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _services = new ServiceCollection()
            .AddSingleton<IRSeriesTokenStore>(Store)
            .AddRSeriesClient(configuration.GetSection("Lightspeed"))
            .BuildServiceProvider();
    }

    public SimulatorServer Server { get; }
    public CountingTokenStore Store { get; } = new();
    public RSeriesOAuthClient OAuth => _services.GetRequiredService<RSeriesOAuthClient>();
    public RSeriesApiClient Api => _services.GetRequiredService<RSeriesApiClient>();
    public RSeriesTokenManager Tokens => _services.GetRequiredService<RSeriesTokenManager>();

    /// <summary>
    /// The whole consent flow over HTTP: authorize (the simulator consents at once and redirects), check the
    /// state, exchange the code with the PKCE verifier, store the tokens under a new connection key.
    /// </summary>
    public async Task<RSeriesConnection> ConnectAsync(long accountId)
    {
        var callback = await AuthorizeAsync(accountId, out var pkce, out var state);
        Assert.Equal(state, callback["state"]);
        var tokens = await OAuth.ExchangeCodeAsync(callback["code"]!, pkce.Verifier, CancellationToken.None);
        var key = $"test/{accountId}/{Guid.NewGuid():N}";
        await Store.SaveAsync(key, tokens, CancellationToken.None);
        return new RSeriesConnection(key, accountId);
    }

    /// <summary>Runs authorize (account picked with the simulator's account_id extra) and returns the callback query.</summary>
    public Task<System.Collections.Specialized.NameValueCollection> AuthorizeAsync(long accountId, out PkcePair pkce, out string state)
    {
        pkce = Pkce.Create();
        state = Guid.NewGuid().ToString("N");
        var url = OAuth.BuildAuthorizationUrl(state, pkce.Challenge) + $"&account_id={accountId}";
        return FollowAuthorizeAsync(url);
    }

    private static async Task<System.Collections.Specialized.NameValueCollection> FollowAuthorizeAsync(string url)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await http.GetAsync(url);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return HttpUtility.ParseQueryString(response.Headers.Location!.Query);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>The in-memory store, counting how often the client reads it.</summary>
public sealed class CountingTokenStore : IRSeriesTokenStore
{
    private readonly InMemoryRSeriesTokenStore _inner = new();
    private int _loads;

    public int Loads => Volatile.Read(ref _loads);

    public Task<RSeriesTokens?> LoadAsync(string connectionKey, CancellationToken ct)
    {
        Interlocked.Increment(ref _loads);
        return _inner.LoadAsync(connectionKey, ct);
    }

    public Task SaveAsync(string connectionKey, RSeriesTokens tokens, CancellationToken ct) => _inner.SaveAsync(connectionKey, tokens, ct);
}
