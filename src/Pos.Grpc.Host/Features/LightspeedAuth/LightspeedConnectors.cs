using Pos.Grpc.Host.Features.LightspeedAuth.Connectors;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

/// <summary>The connector of each Lightspeed POS this host speaks, found by a connection's provider.</summary>
public sealed class LightspeedConnectors(IEnumerable<ILightspeedConnector> connectors)
{
    private readonly IReadOnlyDictionary<PosSystem, ILightspeedConnector> _bySystem = connectors.ToDictionary(c => c.System);

    public ILightspeedConnector For(PosSystem system) =>
        _bySystem.TryGetValue(system, out var connector) ? connector : throw new InvalidOperationException($"No Lightspeed connector for {system}.");

    public ILightspeedConnector For(LightspeedConnectionEntity connection) => For((PosSystem)connection.Provider);
}
