using Pos.Grpc.Lightspeed.Tests.Infrastructure;

namespace Pos.Grpc.Lightspeed.Tests;

/// <summary>
/// A connection's tokens are read from the store once per TokenCacheLifetime, not for every request, and tokens
/// replaced elsewhere (another instance's refresh, a new authorisation) are still found when they matter.
/// </summary>
public sealed class TokenCacheTests : IAsyncLifetime
{
    private SimulatorServer _sim = null!;
    private LightspeedClientHarness _client = null!;

    public async Task InitializeAsync()
    {
        _sim = await SimulatorServer.StartAsync();
        _client = new LightspeedClientHarness(_sim);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _sim.DisposeAsync();
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
        var stats = new LightspeedRequestStats();

        await foreach (var _ in _client.Api.GetSalesAsync(c, new LightspeedSalesQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow), stats)) { }

        Assert.Equal(1, stats.UnauthorizedReplays);
        Assert.Equal(refreshesBefore, _client.Tokens.RefreshCount);
        Assert.Equal(second, await _client.Store.LoadAsync(c.ConnectionKey, default));
        Assert.Equal(second.AccessToken, await _client.Tokens.GetAccessTokenAsync(c.ConnectionKey, default));
    }
}
