using Pos.Grpc.Providers.RSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.RSeries.Tests;

/// <summary>
/// The simulator with Simulator:StateDirectory (as scripts/run.sh starts the sandbox): a restart keeps the OAuth state,
/// so the tokens the host stored before the restart still work after it. Without one, a restart forgets them.
/// The seeded account 120645 is used: accounts added through the admin API are not kept.
/// </summary>
public sealed class StateDirectoryTests : IAsyncLifetime
{
    private const long Copenhagen = 120645;
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), $"lssim-state-{Guid.NewGuid():N}");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_stateDirectory)) Directory.Delete(_stateDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Restart_OnTheSameStateDirectory_AcceptsTheAccessTokenAndRefreshesTheRefreshTokenIssuedBefore()
    {
        await using var sim = await SimulatorServer.StartAsync(o => o.StateDirectory = _stateDirectory);
        await using var client = new RSeriesClientHarness(sim);
        var connection = await client.ConnectAsync(Copenhagen);
        var before = (await client.Store.LoadAsync(connection.ConnectionKey, default))!;

        await sim.RestartAsync();

        Assert.NotEmpty(await client.Api.GetShopsAsync(connection, default)); // the signing key was kept
        Assert.Equal(0, client.Tokens.RefreshCount);
        var rotated = await client.OAuth.RefreshAsync(before.RefreshToken, default); // and the refresh token
        Assert.NotEqual(before.RefreshToken, rotated.RefreshToken);
        Assert.True(File.Exists(Path.Combine(_stateDirectory, "r-series-oauth.json")));
        Assert.Empty(Directory.GetFiles(_stateDirectory, "*.tmp"));
    }

    [Fact]
    public async Task Restart_KeepsRotationAndRevocation()
    {
        await using var sim = await SimulatorServer.StartAsync(o => o.StateDirectory = _stateDirectory);
        await using var client = new RSeriesClientHarness(sim);
        var rotatedConnection = await client.ConnectAsync(Copenhagen);
        var original = (await client.Store.LoadAsync(rotatedConnection.ConnectionKey, default))!;
        var rotated = await client.OAuth.RefreshAsync(original.RefreshToken, default);
        await client.Store.SaveAsync(rotatedConnection.ConnectionKey, rotated, default);
        await client.Api.GetShopsAsync(rotatedConnection, default); // first use of the new access token kills the old refresh token
        var revokedConnection = await client.ConnectAsync(Copenhagen);
        var revoked = (await client.Store.LoadAsync(revokedConnection.ConnectionKey, default))!;
        await client.OAuth.RevokeAsync(revoked.RefreshToken, default);

        await sim.RestartAsync();

        await Assert.ThrowsAsync<RSeriesReauthorizationRequiredException>(() => client.OAuth.RefreshAsync(original.RefreshToken, default));
        await Assert.ThrowsAsync<RSeriesReauthorizationRequiredException>(() => client.OAuth.RefreshAsync(revoked.RefreshToken, default));
        Assert.NotNull(await client.OAuth.RefreshAsync(rotated.RefreshToken, default));
    }

    [Fact]
    public async Task Restart_WithoutStateDirectory_ForgetsTheTokens()
    {
        await using var sim = await SimulatorServer.StartAsync();
        await using var client = new RSeriesClientHarness(sim);
        var connection = await client.ConnectAsync(Copenhagen);
        var before = (await client.Store.LoadAsync(connection.ConnectionKey, default))!;

        await sim.RestartAsync();

        var e = await Assert.ThrowsAsync<RSeriesReauthorizationRequiredException>(() => client.OAuth.RefreshAsync(before.RefreshToken, default));
        Assert.Equal("invalid_grant", e.Error);
    }
}
