using Pos.Grpc.Providers.KSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.KSeries.Tests;

/// <summary>
/// The simulator with Simulator:StateDirectory (as scripts/run.sh starts the sandbox): a restart keeps the K-Series OAuth
/// state (clients registered through the admin API, access tokens, single-use refresh tokens and their rotation), so the
/// tokens the host stored before the restart still work after it. The seeded sandbox location is used: locations added
/// through the admin API are not kept.
/// </summary>
public sealed class StateDirectoryTests : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), $"lssim-kstate-{Guid.NewGuid():N}");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_stateDirectory)) Directory.Delete(_stateDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("V1")]
    [InlineData("V2")]
    public async Task Restart_OnTheSameStateDirectory_AcceptsTheTokensIssuedBefore_AndKeepsRotation(string generation)
    {
        await using var sim = await KSeriesSimulatorServer.StartAsync(stateDirectory: _stateDirectory);
        await using var client = await KSeriesClientHarness.CreateAsync(sim, generation);
        var key = await client.ConnectAsync(KSeriesSimulatorServer.SandboxLocationId);
        var original = (await client.Tokens.LoadAsync(key, default))!;
        var rotated = await client.OAuth.RefreshAsync(original, default);
        await client.Tokens.SaveAsync(key, rotated, default);

        await sim.RestartAsync();

        Assert.NotEmpty(await client.Api.GetBusinessesAsync(key, default)); // the access token, and the client registered before
        await Assert.ThrowsAsync<KSeriesReauthorizationRequiredException>(() => client.OAuth.RefreshAsync(original, default));
        Assert.NotEqual(rotated.RefreshToken, (await client.OAuth.RefreshAsync(rotated, default)).RefreshToken);
        Assert.True(File.Exists(Path.Combine(_stateDirectory, "k-series-oauth.json")));
        Assert.Empty(Directory.GetFiles(_stateDirectory, "*.tmp"));
    }

    [Fact]
    public async Task Restart_WithoutStateDirectory_ForgetsTheTokens()
    {
        await using var sim = await KSeriesSimulatorServer.StartAsync();
        await using var client = await KSeriesClientHarness.CreateAsync(sim);
        var key = await client.ConnectAsync(KSeriesSimulatorServer.SandboxLocationId);
        var tokens = (await client.Tokens.LoadAsync(key, default))!;

        await sim.RestartAsync();

        // The client registered through the admin API is gone too: the token call is refused outright.
        await Assert.ThrowsAnyAsync<KSeriesOAuthException>(() => client.OAuth.RefreshAsync(tokens, default));
    }
}
