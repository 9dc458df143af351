using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Nightly;
using Pos.Grpc.Host.Infrastructure.Caching;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Providers;

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

    /// <summary>Runs a lookup the engine makes outside its store within the engine's share of the pool.</summary>
    public Task<T> InEngineShareAsync<T>(Func<Task<T>> lookup, CancellationToken cancellationToken) =>
        PosDatabase.WithinAsync(database.EngineShare, lookup, cancellationToken);
}

/// <summary>
/// Why a lane's work stops. <see cref="Reading"/> stops fetching from the POS (shutdown, a lost lane); <see cref="Writing"/>
/// also stops writing what was read (a lost lane at once, a shutdown after its grace).
/// </summary>
public sealed record LaneTokens(CancellationToken Reading, CancellationToken Writing);
