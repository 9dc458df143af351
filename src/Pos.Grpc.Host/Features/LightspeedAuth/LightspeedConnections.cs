using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

/// <summary>Loading connections by id with the tenant check, and the one rule of who imports.</summary>
public static class LightspeedConnections
{
    public const string ResourceType = "lightspeed_connection";

    public static async Task<LightspeedConnectionEntity> LoadAsync(PosDbContext db, Caller caller, string connectionId, Capability capability, CancellationToken cancellationToken)
    {
        var name = $"connections/{connectionId}";
        if (!Guid.TryParse(connectionId, out var id)) throw InvalidArgumentException.For("connection_id", "must be a connection id (a UUID)");
        var connection = await db.LightspeedConnections.Include(c => c.Accounts).SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException(ResourceType, name);
        AccessPolicy.EnsureClientResource(caller, connection.ClientId, capability, ResourceType, name);
        return connection;
    }

    /// <summary>The connection that imports an account for a client: only ACTIVE ones do.</summary>
    public static Task<LightspeedConnectionEntity?> FindActiveAsync(PosDbContext db, long clientId, string accountId, CancellationToken cancellationToken) =>
        db.LightspeedConnections.AsNoTracking()
            .SingleOrDefaultAsync(c => c.ClientId == clientId && c.AccountId == accountId && c.State == (int)ConnectionState.Active, cancellationToken);

    /// <summary>ACTIVE connections of other clients to the same Lightspeed account: one account imported into several clients.</summary>
    public static Task<List<LightspeedConnectionEntity>> ActiveForOtherClientsAsync(PosDbContext db, LightspeedConnectionEntity connection, CancellationToken cancellationToken) =>
        db.LightspeedConnections.AsNoTracking()
            .Where(c => c.Provider == connection.Provider && c.AccountId == connection.AccountId && c.ClientId != connection.ClientId
                && c.State == (int)ConnectionState.Active)
            .OrderBy(c => c.ClientId).ToListAsync(cancellationToken);

    public static PreconditionFailedException WrongState(LightspeedConnectionEntity connection, string wanted) =>
        new("CONNECTION_STATE", "CONNECTION_STATE", $"connections/{connection.Id}",
            $"The connection is {(ConnectionState)connection.State}; {wanted}.");
}
