using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Features.LightspeedAuth;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Hosting;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Tests.Security;

/// <summary>The OAuth callback as a browser (or an attacker) calls it: GET with code and state, no token.</summary>
public static class Callback
{
    private static readonly HttpClient Browser = new(new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = 256 });

    public static Uri Url(PosHostFixture host, string state, string code = "abc") =>
        new($"http://127.0.0.1:{host.GrpcWebPort}{LightspeedCallbackEndpoint.Path}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}");

    public static async Task<(HttpStatusCode Status, string Page, string? RetryAfter)> GetAsync(Uri url)
    {
        using var response = await Browser.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.ToString());
    }

    /// <summary>States nobody issued: noise, the right length with a wrong MAC, and one with its expiry moved.</summary>
    public static IEnumerable<string> Forged(PosHostFixture host)
    {
        yield return "forgedforgedforged";
        yield return System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(41));
        var genuine = System.Buffers.Text.Base64Url.DecodeFromChars(host.Services.GetRequiredService<OAuthStateSigner>().Issue(DateTimeOffset.UtcNow.AddMinutes(10)));
        genuine[8] ^= 0x40; // a later expiry, same MAC
        yield return System.Buffers.Text.Base64Url.EncodeToString(genuine);
        yield return host.Services.GetRequiredService<OAuthStateSigner>().Issue(DateTimeOffset.UtcNow.AddMinutes(-1));
    }
}

/// <summary>
/// Issue 10, item 1: every callback request ran a database UPDATE. Now a state this service did not issue (or an
/// expired one) is refused before the database is asked: shown on a host whose PostgreSQL does not answer at all.
/// </summary>
public sealed class ForgedOAuthStateTests(UnreachableDatabaseHostFixture host) : IClassFixture<UnreachableDatabaseHostFixture>
{
    [Fact]
    public async Task AForgedOrExpiredState_IsRefusedWithoutTheDatabase()
    {
        foreach (var state in Callback.Forged(host))
        {
            var (status, page, _) = await Callback.GetAsync(Callback.Url(host, state));
            Assert.True(status == HttpStatusCode.BadRequest, $"{state}: {status} {page}");
            Assert.Contains("This link is not valid", page);
        }
    }
}

/// <summary>A host whose callback takes 3 requests per address, and 1 more a minute.</summary>
public sealed class SmallCallbackLimitFixture : PosHostFixture
{
    public const int Burst = 3;

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings[CallbackLimitBurst] = Burst.ToString(CultureInfo.InvariantCulture);
        settings[CallbackLimitPerMinute] = "1";
        return settings;
    }
}

/// <summary>Issue 10, item 11: the callback page sent no CSP, X-Frame-Options, Cache-Control or Referrer-Policy, and the native port served it too.</summary>
public sealed class OAuthCallbackPageTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    [Fact]
    public async Task ThePage_MayNotBeFramedCachedScriptedOrReferred()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(Callback.Url(host, "forgedforgedforged"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Fact]
    public async Task TheNativeGrpcPort_DoesNotServeIt()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{host.GrpcPort}{LightspeedCallbackEndpoint.Path}?code=abc&state=forgedforgedforged")
        {
            Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

public sealed class OAuthCallbackRateLimitTests(SmallCallbackLimitFixture host) : IClassFixture<SmallCallbackLimitFixture>
{
    [Fact]
    public async Task AnAddressOverItsCallbackBudget_Gets429WithRetryAfter()
    {
        for (var i = 0; i < SmallCallbackLimitFixture.Burst; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await Callback.GetAsync(Callback.Url(host, "forgedforgedforged"))).Status);

        var (status, page, retryAfter) = await Callback.GetAsync(Callback.Url(host, "forgedforgedforged"));
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("Too many requests", page);
        Assert.InRange(int.Parse(retryAfter!, CultureInfo.InvariantCulture), 1, 60);
    }
}

/// <summary>One authorisation completes at a time, none waits: a second one meanwhile is told the service is busy.</summary>
public sealed class CallbackConcurrencyFixture : LightspeedSandboxFixture
{
    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["RateLimit:Callback:Concurrent"] = "1";
        settings["RateLimit:Callback:Queue"] = "0";
        return settings;
    }
}

public sealed class OAuthCallbackConcurrencyTests(CallbackConcurrencyFixture host) : IClassFixture<CallbackConcurrencyFixture>
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    private async Task<Uri> ConsentedCallbackAsync(long clientId)
    {
        var auth = host.Client<LightspeedAuthService.LightspeedAuthServiceClient>(PosHostFixture.Token(PosRoles.Supervisor, clientId));
        var begin = await auth.BeginAuthorizationAsync(new() { ClientId = clientId });
        using var consent = await Browser.GetAsync(begin.AuthorizationUrl);
        return consent.Headers.Location!;
    }

    private async Task<long> CodeExchangesAsync() =>
        (await host.SimulatorAdmin.GetFromJsonAsync<JsonElement>($"/__sim/accounts/{LightspeedSandboxFixture.CopenhagenAccount}/stats")).GetProperty("codeExchanges").GetInt64();

    [Fact]
    public async Task BeyondTheCompletionsAtOnce_ACallbackIsBusy_AndItsStateStaysUsable()
    {
        var first = await ConsentedCallbackAsync(1101);
        var second = await ConsentedCallbackAsync(1102);
        // Lightspeed is slow to name the account, so the first completion holds its place a while.
        await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = 4000 });
        Task<(HttpStatusCode, string, string?)> completing;
        try
        {
            var exchanges = await CodeExchangesAsync();
            completing = Callback.GetAsync(first);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await CodeExchangesAsync() == exchanges && DateTime.UtcNow < deadline) await Task.Delay(20);

            var (status, page, retryAfter) = await Callback.GetAsync(second);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Contains("Busy", page);
            Assert.NotNull(retryAfter);
        }
        finally
        {
            await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = 0 });
        }
        Assert.Equal(HttpStatusCode.OK, (await completing).Item1);
        // The refused callback consumed nothing: the browser's reload completes it.
        Assert.Equal(HttpStatusCode.OK, (await Callback.GetAsync(second)).Status);
    }
}

/// <summary>
/// A host whose callback is limited by nothing but the state's MAC (the per-address limit is out of reach, as in every
/// test host), so the whole flood reaches the state check.
/// </summary>
public sealed class CallbackFloodFixture : PosHostFixture
{
    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Imports:Workers:Slots"] = "0";
        return settings;
    }
}

/// <summary>
/// The issue's flood (`h2load --h1 -c 600 -D 15` of forged callbacks), bounded for CI: 64 connections, 3000 requests.
/// It used to take every PostgreSQL connection the instance could get (another instance stayed NOT_SERVING for
/// minutes). Now it opens none, and another instance on the same database answers SERVING at once.
/// </summary>
public sealed class OAuthCallbackFloodTests(CallbackFloodFixture host) : IClassFixture<CallbackFloodFixture>
{
    private const int Connections = 64, Requests = 3000;

    [Fact]
    public async Task AFloodOfForgedCallbacks_OpensNoDatabaseConnection_AndAnotherInstanceServes()
    {
        var before = await PoolConnectionsAsync();
        var next = -1;
        var answers = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < Requests)
                answers.Add((await Callback.GetAsync(Callback.Url(host, System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(41))))).Status);
        }));

        Assert.Equal(Requests, answers.Count(a => a == HttpStatusCode.BadRequest));
        Assert.True(await PoolConnectionsAsync() <= before, "the flood opened database connections");

        // PostgreSQL is still there for everyone: a direct connection, and a second instance on the same database.
        await using (var direct = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(host.ConnectionString) { Pooling = false }.ConnectionString))
            await direct.OpenAsync();
        await using var sibling = await host.StartSiblingAsync();
        var health = new Health.HealthClient(sibling.Channel(null));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HealthCheckResponse.Types.ServingStatus status;
        while ((status = (await health.CheckAsync(new HealthCheckRequest())).Status) != HealthCheckResponse.Types.ServingStatus.Serving && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
    }

    /// <summary>Connections the instance's pool holds to the test's database (the LISTEN connection has its own name).</summary>
    private async Task<long> PoolConnectionsAsync()
    {
        var database = new NpgsqlConnectionStringBuilder(host.ConnectionString).Database;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(host.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @db AND application_name = 'pos-grpc'", connection);
        command.Parameters.AddWithValue("db", database!);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
