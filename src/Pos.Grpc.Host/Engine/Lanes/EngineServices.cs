using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Nightly;
using Pos.Grpc.Host.Infrastructure.Caching;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Engine.Lanes;

/// <summary>What every lane and run of the instance uses: one object, so a run is built from its work and these.</summary>
public sealed class EngineServices(
    ImportJobStore store,
    PosProviders providers,
    ConnectionDirectory connections,
    ClientConfigurationCache configurations,
    PosDatabase database,
    TimeProvider clock,
    IOptions<NightlyOptions> nightly,
    ILogger<EngineServices> logger)
{
    public ImportJobStore Store => store;
    public PosProviders Providers => providers;
    public ConnectionDirectory Connections => connections;
    public ClientConfigurationCache Configurations => configurations;
    public TimeProvider Clock => clock;
    public NightlyOptions NightlyOptions => nightly.Value;
    public ILogger Logger => logger;

    /// <summary>
    /// POS requests the instance has in flight at once, over all its lanes (each entered once the account's pacing lets
    /// it go, left once its page is read). Thousands of lanes at 02:00 would otherwise each have a request in flight,
    /// and each would wait for all the others (one instance reads a few hundred pages a second): a chain's hundred
    /// pages in a row would take minutes, memory would hold thousands of answers, and the RPCs would queue behind
    /// them. Waiting requests enter by priority (the night first), then the run with the most days left.
    /// </summary>
    public const int PagesAtOncePerCore = 32;

    public PriorityGate Pages { get; } = new(PagesAtOncePerCore * Environment.ProcessorCount);

    /// <summary>Runs a lookup the engine makes outside its store within the engine's share of the pool.</summary>
    public Task<T> InEngineShareAsync<T>(Func<Task<T>> lookup, CancellationToken cancellationToken) =>
        PosDatabase.WithinAsync(database.EngineShare, lookup, cancellationToken);
}

/// <summary>
/// Why a lane's work stops. <see cref="Reading"/> stops fetching from the POS (shutdown, a lost lane); <see cref="Writing"/>
/// also stops writing what was read (a lost lane at once, a shutdown after its grace).
/// </summary>
public sealed record LaneTokens(CancellationToken Reading, CancellationToken Writing);
