using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Web;
using Pos.Grpc.Providers.KSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.KSeries.Tests;

/// <summary>
/// Both OAuth generations with Basic client authentication, ~15 s codes, single-use rotating refresh tokens refreshed
/// by one caller at a time through the generic token manager, and the typed errors of the token endpoints.
/// </summary>
public sealed class OAuthTests : IAsyncLifetime
{
    // Own simulator per test: the code-expiry test moves the simulator's clock.
    private KSeriesSimulatorServer _sim = null!;
    private long _location;

    public async ValueTask InitializeAsync()
    {
        _sim = await KSeriesSimulatorServer.StartAsync();
        _location = await _sim.CreateLocationAsync();
    }

    public async ValueTask DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task AuthorizationUrl_V1_HasTheDocumentedParameters()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V1");

        var url = client.OAuth.BuildAuthorizationUrl("state-1");

        Assert.Equal(KSeriesTokenGeneration.V1, client.OAuth.Generation);
        Assert.Equal($"{_sim.BaseUrl}/oauth/authorize", url.GetLeftPart(UriPartial.Path));
        var q = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("code", q["response_type"]);
        Assert.Equal(client.ClientId, q["client_id"]);
        Assert.Equal("financial-api", q["scope"]);
        Assert.Equal(KSeriesClientHarness.RedirectUri, q["redirect_uri"]);
        Assert.Equal("state-1", q["state"]);
        Assert.Null(q["code_challenge"]);
    }

    [Fact]
    public async Task AuthorizationUrl_V2_UsesTheKeycloakRealm_AndAsksForOfflineAccess()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V2");

        var url = client.OAuth.BuildAuthorizationUrl("state-2");

        Assert.Equal(KSeriesTokenGeneration.V2, client.OAuth.Generation);
        Assert.Equal($"{_sim.BaseUrl}/realms/k-series/protocol/openid-connect/auth", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("financial-api offline_access", HttpUtility.ParseQueryString(url.Query)["scope"]);
    }

    [Theory]
    [InlineData("devp-v2-demo-abc", KSeriesTokenGenerationChoice.ByClientId, KSeriesTokenGeneration.V2)]
    [InlineData("devp-abc", KSeriesTokenGenerationChoice.ByClientId, KSeriesTokenGeneration.V1)]
    [InlineData("devp-abc", KSeriesTokenGenerationChoice.V2, KSeriesTokenGeneration.V2)]
    [InlineData("devp-v2-abc", KSeriesTokenGenerationChoice.V1, KSeriesTokenGeneration.V1)]
    public void Generation_FollowsTheClientIdPrefix_UnlessConfigured(string clientId, KSeriesTokenGenerationChoice choice, KSeriesTokenGeneration expected) =>
        Assert.Equal(expected, new KSeriesOptions { ClientId = clientId, TokenGeneration = choice }.Generation);

    [Fact]
    public async Task V1_Exchange_SendsUrlParameters_AndGetsTheFixedLifetimes()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V1");
        var before = DateTimeOffset.UtcNow;

        var key = await client.ConnectAsync(_location);

        var tokens = (await client.Tokens.LoadAsync(key, default))!;
        Assert.Equal(KSeriesTokenGeneration.V1, tokens.Generation);
        Assert.InRange(tokens.ExpiresAt, before.AddMinutes(59), before.AddMinutes(61));
        Assert.InRange(tokens.RefreshExpiresAt!.Value, before.AddDays(14).AddMinutes(-1), before.AddDays(14).AddMinutes(1));
        var stats = await _sim.ClientStatsAsync(client.ClientId);
        Assert.Equal(1, stats.GetProperty("parametersInQuery").GetInt64());
        Assert.Equal(0, stats.GetProperty("parametersInBody").GetInt64());
        Assert.Equal(1, stats.GetProperty("codeExchanges").GetInt64());
    }

    [Fact]
    public async Task V1_TokenEndpoint_AcceptsTheParametersInAFormBodyToo()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V1");
        var callback = await client.AuthorizeAsync("s", _location);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_sim.BaseUrl}/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["code"] = callback["code"]!, ["redirect_uri"] = KSeriesClientHarness.RedirectUri,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:secret-{client.ClientId}")));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(1, (await _sim.ClientStatsAsync(client.ClientId)).GetProperty("parametersInBody").GetInt64());
    }

    [Fact]
    public async Task V2_Exchange_WithOfflineAccess_IsAnOfflineToken()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V2");
        var before = DateTimeOffset.UtcNow;

        var tokens = (await client.Tokens.LoadAsync(await client.ConnectAsync(_location), default))!;

        Assert.Equal(KSeriesTokenGeneration.V2, tokens.Generation);
        Assert.Null(tokens.RefreshExpiresAt); // refresh_expires_in 0
        Assert.InRange(tokens.ExpiresAt, before.AddSeconds(290), before.AddSeconds(310)); // expires_in 300
        Assert.Contains("offline_access", tokens.Scope);
    }

    [Fact]
    public async Task V2_WithoutOfflineAccess_TheRefreshTokenExpires()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V2", new() { ["V2OfflineAccess"] = "false" });
        var before = DateTimeOffset.UtcNow;

        var tokens = (await client.Tokens.LoadAsync(await client.ConnectAsync(_location), default))!;

        Assert.InRange(tokens.RefreshExpiresAt!.Value, before.AddSeconds(1790), before.AddSeconds(1810));
        Assert.DoesNotContain("offline_access", tokens.Scope);
    }

    [Theory]
    [InlineData("V1")]
    [InlineData("V2")]
    public async Task Code_OlderThanFifteenSeconds_IsInvalidGrant(string generation)
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, generation);
        var callback = await client.AuthorizeAsync("s", _location);
        await _sim.AdvanceClockAsync(16);

        var e = await Assert.ThrowsAsync<KSeriesOAuthException>(() => client.OAuth.ExchangeCodeAsync(callback["code"]!, default));

        Assert.True(e.IsInvalidGrant);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("Code not valid", e.ErrorDescription);
        Assert.IsNotType<KSeriesReauthorizationRequiredException>(e);
    }

    [Fact]
    public async Task Code_UsedTwice_IsInvalidGrant()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim);
        var callback = await client.AuthorizeAsync("s", _location);
        await client.OAuth.ExchangeCodeAsync(callback["code"]!, default);

        var e = await Assert.ThrowsAsync<KSeriesOAuthException>(() => client.OAuth.ExchangeCodeAsync(callback["code"]!, default));

        Assert.Equal("invalid_grant", e.Error);
    }

    [Fact]
    public async Task Exchange_WithAnotherRedirectUri_IsIncorrectRedirectUri()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim);
        var callback = await client.AuthorizeAsync("s", _location);
        await using var other = await KSeriesClientHarness.CreateAsync(_sim, "V2", new()
        {
            ["ClientId"] = client.ClientId, ["ClientSecret"] = "secret-" + client.ClientId, ["RedirectUri"] = "https://app.example/other",
        });

        var e = await Assert.ThrowsAsync<KSeriesOAuthException>(() => other.OAuth.ExchangeCodeAsync(callback["code"]!, default));

        Assert.Equal("Incorrect redirect_uri", e.ErrorDescription);
    }

    [Theory]
    [InlineData("V1")]
    [InlineData("V2")]
    public async Task WrongSecret_IsInvalidClient(string generation)
    {
        await using var good = await KSeriesClientHarness.CreateAsync(_sim, generation);
        var callback = await good.AuthorizeAsync("s", _location);
        await using var bad = await KSeriesClientHarness.CreateAsync(_sim, generation, new() { ["ClientId"] = good.ClientId, ["ClientSecret"] = "wrong" });

        var e = await Assert.ThrowsAsync<KSeriesOAuthException>(() => bad.OAuth.ExchangeCodeAsync(callback["code"]!, default));

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal("invalid_client", e.Error);
        Assert.Equal("Invalid client or Invalid client credentials", e.ErrorDescription);
    }

    [Theory]
    [InlineData("V1")]
    [InlineData("V2")]
    public async Task Refresh_Rotates_AndReusingTheSpentRefreshToken_NeedsReauthorization(string generation)
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, generation);
        var original = (await client.Tokens.LoadAsync(await client.ConnectAsync(_location), default))!;

        var rotated = await client.OAuth.RefreshAsync(original, default);

        Assert.NotEqual(original.RefreshToken, rotated.RefreshToken);
        Assert.NotEqual(original.AccessToken, rotated.AccessToken);
        var e = await Assert.ThrowsAsync<KSeriesReauthorizationRequiredException>(() => client.OAuth.RefreshAsync(original, default));
        Assert.Equal("invalid_grant", e.Error);
        Assert.Equal("Token is not active", e.ErrorDescription);
        Assert.NotNull(await client.OAuth.RefreshAsync(rotated, default));
    }

    [Theory]
    [InlineData("V1")]
    [InlineData("V2")]
    public async Task TwentyConcurrentCallers_WithAnExpiredToken_ShareExactlyOneRefresh(string generation)
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, generation);
        var key = await client.ConnectAsync(_location);
        var tokens = (await client.Tokens.LoadAsync(key, default))!;
        await client.Tokens.SaveAsync(key, tokens with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, default);
        var location = new KSeriesLocation(key, _location);
        var refreshesBefore = client.Tokens.RefreshCount;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            client.ReadSalesAsync(location, new KSeriesSalesQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow)))));

        Assert.Equal(1, client.Tokens.RefreshCount - refreshesBefore);
        var stats = await _sim.ClientStatsAsync(client.ClientId);
        Assert.Equal(1, stats.GetProperty("refreshes").GetInt64());
        Assert.Equal(0, stats.GetProperty("invalidGrants").GetInt64());
        Assert.Equal(0, (await _sim.LocationStatsAsync(_location)).GetProperty("unauthorized").GetInt64());
    }

    [Fact]
    public async Task Api401_RefreshesOnceAndReplays()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim);
        var location = await client.ConnectLocationAsync(_location);
        var tokens = (await client.Tokens.LoadAsync(location.ConnectionKey, default))!;
        await client.Tokens.SaveAsync(location.ConnectionKey, tokens with { AccessToken = "not-a-valid-token" }, default);
        var stats = new KSeriesRequestStats();

        await client.ReadSalesAsync(location, new KSeriesSalesQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow), stats);

        Assert.Equal(1, stats.UnauthorizedReplays);
        Assert.Equal(2, stats.Requests);
        Assert.NotEqual("not-a-valid-token", (await client.Tokens.LoadAsync(location.ConnectionKey, default))!.AccessToken);
    }

    [Fact]
    public async Task RevokedTokens_NeedReauthorization()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim);
        var location = await client.ConnectLocationAsync(_location);
        await _sim.SetFaultsAsync(_location, new { revokeTokens = true });

        var e = await Assert.ThrowsAsync<KSeriesReauthorizationRequiredException>(() =>
            client.ReadSalesAsync(location, new KSeriesSalesQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow)));

        Assert.Equal("Token is not active", e.ErrorDescription);
    }

    [Fact]
    public async Task TokensAreStoredAsOpaqueText_AndNeverPrinted()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim);
        var key = await client.ConnectAsync(_location);

        var stored = (await client.Store.LoadAsync(key, default))!;
        var tokens = new JsonTokenCodec<KSeriesTokens>().Deserialize(stored);

        Assert.Contains("\"generation\":\"V2\"", stored);
        Assert.Equal(tokens, await client.Tokens.LoadAsync(key, default));
        Assert.DoesNotContain(tokens.AccessToken, tokens.ToString());
        Assert.DoesNotContain(tokens.RefreshToken, tokens.ToString());
    }

    [Fact]
    public async Task AConnectionWithoutTokens_SaysSo()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim);

        var e = await Assert.ThrowsAsync<ConnectionTokensMissingException>(() => client.Api.GetBusinessesAsync("never-connected", default));

        Assert.Equal("never-connected", e.ConnectionKey);
    }

    [Fact]
    public async Task UserInfo_NamesTheAuthorisingUser()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim);

        var user = await client.Api.GetUserInfoAsync(await client.ConnectAsync(_location), default);

        Assert.Equal("owner@sandbox.example", user.Email);
        Assert.Equal(4345, user.UserId);
        Assert.Contains("ROLE_REPORT", user.Roles);
    }

    [Fact]
    public async Task StillUnauthorizedAfterARefresh_IsAnAuthorizationException()
    {
        await using var sim = await KSeriesSimulatorServer.StartAsync(o => o.V2AccessTokenLifetimeSeconds = 0);
        var blId = await sim.CreateLocationAsync();
        await using var client = await KSeriesClientHarness.CreateAsync(sim);
        var location = await client.ConnectLocationAsync(blId);

        var e = await Assert.ThrowsAsync<KSeriesAuthorizationException>(() =>
            client.ReadSalesAsync(location, new KSeriesSalesQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow)));

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal(KSeriesErrorShape.OAuth, e.Body!.Shape);
        Assert.Equal("invalid_token", e.Body.Error);
    }
}
