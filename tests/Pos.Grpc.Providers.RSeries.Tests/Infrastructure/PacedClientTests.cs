namespace Pos.Grpc.Providers.RSeries.Tests.Infrastructure;

/// <summary>
/// Tests of pacing against a simulator fixture's rate-limit rules, through a client that never retries a 429: a 429
/// the client caused fails the call instead of hiding behind a retry.
/// </summary>
public abstract class PacedClientTests(SimulatorFixture fixture) : IAsyncLifetime
{
    protected SimulatorServer Sim { get; } = fixture.Server;

    protected RSeriesClientHarness Client { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Client = new RSeriesClientHarness(Sim, new() { ["MaxRateLimitRetries"] = "0" });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await Client.DisposeAsync();
}
