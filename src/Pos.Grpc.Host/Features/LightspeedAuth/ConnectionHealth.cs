using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

/// <summary>Moves a connection whose refresh failed for good to REAUTHORIZATION_REQUIRED, from wherever that was found out.</summary>
public sealed class ConnectionHealth(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ConnectionHealth> logger)
{
    public async Task MarkReauthorizationRequiredAsync(Guid connectionId, string reason)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
        var now = clock.GetStorableUtcNow();
        var connection = await db.LightspeedConnections.SingleOrDefaultAsync(c => c.Id == connectionId);
        if (connection is null || connection.State is (int)ConnectionState.Revoked or (int)ConnectionState.ReauthorizationRequired) return;
        connection.State = (int)ConnectionState.ReauthorizationRequired;
        connection.LastError = reason.Length > 900 ? reason[..900] : reason;
        connection.UpdatedAt = now;
        AuditTrail.Record(db, "lightspeed", connection.ClientId, null, "connection.reauthorization_required", "lightspeed_connection",
            connection.Id.ToString(), new { reason }, now);
        // Whatever the caller was doing was cancelled or failed: this must still be recorded.
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogWarning("Lightspeed connection {ConnectionId} of client {ClientId} needs reauthorisation: {Reason}", connection.Id, connection.ClientId, reason);
    }
}
