using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pos.Grpc.Providers.RSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.RSeries.Tests;

/// <summary>
/// Authorization code with state and PKCE, the token endpoint, rotating refresh tokens, one refresh at a time; a
/// connection's tokens read from the store once per TokenCacheLifetime, not for every request, and tokens replaced
/// elsewhere (another instance's refresh, a new authorisation) still found when they matter.
/// </summary>
public sealed class OAuthTests : IAsyncLifetime
{
    // Own simulator per class instance: the expired-code test moves the simulator's clock.
    private SimulatorServer _sim = null!;
    private RSeriesClientHarness _client = null!;

    public async ValueTask InitializeAsync()
    {
        _sim = await SimulatorServer.StartAsync();
        _client = new RSeriesClientHarness(_sim);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _sim.DisposeAsync();
    }

    [Fact]
    public void AuthorizationUrl_HasDocumentedParameters_AndNoRedirectUri()
    {
        var pkce = Pkce.Create();
        var url = _client.OAuth.BuildAuthorizationUrl("state-1", pkce.Challenge);

        Assert.Equal($"{_sim.BaseUrl}/auth/oauth/authorize", url.GetLeftPart(UriPartial.Path));
        var q = System.Web.HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("code", q["response_type"]);
        Assert.Equal("sim-client", q["client_id"]);
        Assert.Equal("employee:register_read employee:reports", q["scope"]);
        Assert.Equal("state-1", q["state"]);
        Assert.Equal(pkce.Challenge, q["code_challenge"]);
        Assert.Equal("S256", q["code_challenge_method"]);
        Assert.Null(q["redirect_uri"]);
        Assert.Equal(43, pkce.Verifier.Length);
    }

    [Fact]
    public async Task Authorize_RedirectsToRegisteredUriWithCodeAndState()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var url = _client.OAuth.BuildAuthorizationUrl("my-state", Pkce.Create().Challenge);

        using var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith("http://localhost:5080/lightspeed/callback?", location.ToString());
        var q = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("my-state", q["state"]);
        Assert.False(string.IsNullOrEmpty(q["code"]));
    }

    [Fact]
    public async Task Exchange_WithPkce_ReturnsTokensWithExpiry()
    {
        var callback = await _client.AuthorizeAsync(120645, out var pkce, out _);
        var before = DateTimeOffset.UtcNow;

        var tokens = await _client.OAuth.ExchangeCodeAsync(callback["code"]!, pkce.Verifier, default);

        Assert.Equal(3, tokens.AccessToken.Split('.').Length);
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
        Assert.InRange(tokens.ExpiresAt, before.AddSeconds(3590), before.AddSeconds(3610));
        var claims = RSeriesJwt.TryReadClaims(tokens.AccessToken)!.Value;
        Assert.Equal("sim-client", claims.GetProperty("aud").GetString());
        Assert.Equal(JsonValueKind.Number, claims.GetProperty("exp").ValueKind);
        Assert.Equal("employee:register_read employee:reports", claims.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task TokenEndpoint_AcceptsJsonAndMultipart_AndAnswersExactlyFourFields()
    {
        using var http = new HttpClient();
        var jsonCallback = await _client.AuthorizeAsync(120645, out var jsonPkce, out _);
        var json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["client_id"] = "sim-client", ["client_secret"] = "sim-secret", ["grant_type"] = "authorization_code",
            ["code"] = jsonCallback["code"]!, ["code_verifier"] = jsonPkce.Verifier,
        });
        using var jsonResponse = await http.PostAsync($"{_sim.BaseUrl}/auth/oauth/token", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await jsonResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["token_type", "expires_in", "access_token", "refresh_token"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Number, body.GetProperty("expires_in").ValueKind);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());

        var multipart = new MultipartFormDataContent
        {
            { new StringContent("sim-client"), "client_id" },
            { new StringContent("sim-secret"), "client_secret" },
            { new StringContent("refresh_token"), "grant_type" },
            { new StringContent(body.GetProperty("refresh_token").GetString()!), "refresh_token" },
        };
        using var multipartResponse = await http.PostAsync($"{_sim.BaseUrl}/auth/oauth/token", multipart);
        Assert.Equal(HttpStatusCode.OK, multipartResponse.StatusCode);
    }

    [Fact]
    public async Task Exchange_WrongVerifier_IsInvalidGrant()
    {
        var callback = await _client.AuthorizeAsync(120645, out _, out _);

        var e = await Assert.ThrowsAsync<RSeriesOAuthException>(() =>
            _client.OAuth.ExchangeCodeAsync(callback["code"]!, Pkce.CreateVerifier(), default));

        Assert.True(e.IsInvalidGrant);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Contains("code_verifier", e.Hint);
    }

    [Fact]
    public async Task Exchange_CodeUsedTwice_IsInvalidGrant()
    {
        var callback = await _client.AuthorizeAsync(120645, out var pkce, out _);
        await _client.OAuth.ExchangeCodeAsync(callback["code"]!, pkce.Verifier, default);

        var e = await Assert.ThrowsAsync<RSeriesOAuthException>(() =>
            _client.OAuth.ExchangeCodeAsync(callback["code"]!, pkce.Verifier, default));

        Assert.True(e.IsInvalidGrant);
        Assert.IsNotType<RSeriesReauthorizationRequiredException>(e);
    }

    [Fact]
    public async Task Exchange_CodeOlderThan60Seconds_IsInvalidGrant()
    {
        var callback = await _client.AuthorizeAsync(120645, out var pkce, out _);
        await _sim.AdvanceClockAsync(61);

        var e = await Assert.ThrowsAsync<RSeriesOAuthException>(() =>
            _client.OAuth.ExchangeCodeAsync(callback["code"]!, pkce.Verifier, default));

        Assert.True(e.IsInvalidGrant);
        Assert.Contains("expired", e.Hint);
    }

    [Fact]
    public async Task Refresh_Rotates_AndOldRefreshTokenDiesWhenNewAccessTokenIsUsed()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);
        var original = (await _client.Store.LoadAsync(c.ConnectionKey, default))!;

        var rotated = await _client.OAuth.RefreshAsync(original.RefreshToken, default);
        Assert.NotEqual(original.RefreshToken, rotated.RefreshToken);
        Assert.NotEqual(original.AccessToken, rotated.AccessToken);
        await _client.Store.SaveAsync(c.ConnectionKey, rotated, default);
        await _client.Api.GetShopsAsync(c, default); // first use of the new access token

        await Assert.ThrowsAsync<RSeriesReauthorizationRequiredException>(() =>
            _client.OAuth.RefreshAsync(original.RefreshToken, default));
        Assert.NotNull(await _client.OAuth.RefreshAsync(rotated.RefreshToken, default));
    }

    [Fact]
    public async Task TwentyConcurrentCallers_WithExpiredToken_ShareExactlyOneRefresh()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);
        var tokens = (await _client.Store.LoadAsync(c.ConnectionKey, default))!;
        await _client.Store.SaveAsync(c.ConnectionKey, tokens with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, default);
        var refreshesBefore = _client.Tokens.RefreshCount;

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _client.Api.GetShopsAsync(c, default))));

        Assert.All(results, shops => Assert.Single(shops));
        Assert.Equal(1, _client.Tokens.RefreshCount - refreshesBefore);
        var stats = await _sim.StatsAsync(account);
        Assert.Equal(1, stats.GetProperty("refreshes").GetInt64());
        Assert.Equal(0, stats.GetProperty("invalidGrants").GetInt64());
        Assert.Equal(0, stats.GetProperty("unauthorized").GetInt64());
    }

    [Fact]
    public async Task TokenCloseToExpiry_IsRefreshedBeforeUse()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);
        var tokens = (await _client.Store.LoadAsync(c.ConnectionKey, default))!;
        // Within RefreshBeforeExpiry (2 minutes by default) of its end.
        await _client.Store.SaveAsync(c.ConnectionKey, tokens with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(60) }, default);

        var token = await _client.Tokens.GetAccessTokenAsync(c.ConnectionKey, default);

        Assert.NotEqual(tokens.AccessToken, token);
        Assert.True((await _client.Store.LoadAsync(c.ConnectionKey, default))!.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Equal(token, await _client.Tokens.GetAccessTokenAsync(c.ConnectionKey, default));
    }

    [Fact]
    public async Task Api401_RefreshesOnceAndReplays()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);
        var tokens = (await _client.Store.LoadAsync(c.ConnectionKey, default))!;
        // An access token the API does not accept although it has not expired locally.
        await _client.Store.SaveAsync(c.ConnectionKey, tokens with { AccessToken = "not-a-valid-token" }, default);
        var stats = new RSeriesRequestStats();

        var sales = new List<RSeriesSale>();
        await foreach (var s in _client.Api.GetSalesAsync(c, new RSeriesSalesQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow), stats))
            sales.Add(s);

        Assert.Empty(sales);
        Assert.Equal(1, stats.UnauthorizedReplays);
        Assert.Equal(2, stats.Requests);
        Assert.NotEqual("not-a-valid-token", (await _client.Store.LoadAsync(c.ConnectionKey, default))!.AccessToken);
    }

    [Fact]
    public async Task RevokedTokens_RefreshFailsForGood_WithReauthorizationRequired()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);
        await _sim.SetFaultsAsync(account, new { revokeTokens = true });

        var e = await Assert.ThrowsAsync<RSeriesReauthorizationRequiredException>(() => _client.Api.GetShopsAsync(c, default));

        Assert.Equal("invalid_grant", e.Error);
        Assert.Equal(1, (await _sim.StatsAsync(account)).GetProperty("unauthorized").GetInt64());
    }

    [Fact]
    public async Task Still401AfterRefresh_IsAuthorizationException()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);
        await _sim.DeleteAccountAsync(account); // tokens still refresh, but the API no longer knows the account

        var e = await Assert.ThrowsAsync<RSeriesAuthorizationException>(() => _client.Api.GetShopsAsync(c, default));

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal("access_denied", e.OAuthError);
    }

    [Fact]
    public async Task RevokeEndpoint_KillsRefreshTokenAndItsAccessTokens()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);
        var tokens = (await _client.Store.LoadAsync(c.ConnectionKey, default))!;

        await _client.OAuth.RevokeAsync(tokens.RefreshToken, default);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{_sim.BaseUrl}/API/V3/Account.json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("access_denied", body.GetProperty("error").GetString());
        Assert.Equal("Access token has been revoked", body.GetProperty("hint").GetString());
        await Assert.ThrowsAsync<RSeriesReauthorizationRequiredException>(() => _client.OAuth.RefreshAsync(tokens.RefreshToken, default));
    }

    [Fact]
    public async Task ManyRequests_ReadTheStoreOnce()
    {
        var c = await _client.ConnectAsync(await _sim.CreateAccountAsync());
        var loadsBefore = _client.Store.Loads;

        for (var i = 0; i < 5; i++) Assert.Single(await _client.Api.GetShopsAsync(c, default));

        Assert.Equal(1, _client.Store.Loads - loadsBefore);
    }

    [Fact]
    public async Task Forget_TheNextRequestReadsTheStore()
    {
        var c = await _client.ConnectAsync(await _sim.CreateAccountAsync());
        await _client.Api.GetShopsAsync(c, default);
        var loadsBefore = _client.Store.Loads;

        _client.Tokens.Forget(c.ConnectionKey);
        await _client.Api.GetShopsAsync(c, default);

        Assert.Equal(1, _client.Store.Loads - loadsBefore);
    }

    [Fact]
    public async Task TokensReplacedElsewhere_The401ReadsTheStoreAgain_AndReplaysWithTheirPairWithoutRefreshing()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);
        await _client.Api.GetShopsAsync(c, default); // this process now remembers the first pair
        var first = (await _client.Store.LoadAsync(c.ConnectionKey, default))!;

        // Another instance refreshes and stores the new pair; the first pair's access token then stops working.
        var second = await _client.OAuth.RefreshAsync(first.RefreshToken, default);
        await _client.Store.SaveAsync(c.ConnectionKey, second, default);
        await _client.OAuth.RevokeAsync(first.RefreshToken, default);
        var refreshesBefore = _client.Tokens.RefreshCount;
        var stats = new RSeriesRequestStats();

        await foreach (var _ in _client.Api.GetSalesAsync(c, new RSeriesSalesQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow), stats)) { }

        Assert.Equal(1, stats.UnauthorizedReplays);
        Assert.Equal(refreshesBefore, _client.Tokens.RefreshCount);
        Assert.Equal(second, await _client.Store.LoadAsync(c.ConnectionKey, default));
        Assert.Equal(second.AccessToken, await _client.Tokens.GetAccessTokenAsync(c.ConnectionKey, default));
    }
}
