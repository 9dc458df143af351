using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Locks;

/// <summary>
/// The client's configuration lock: a transaction-scoped advisory lock on the client id. Everything that checks a
/// rule across a client's configuration and then writes (no overlapping POS scope, terminal numbers need multi cash
/// registers, one import per request id, one scheduled job a day, auto-confirm once a day) runs inside it, so two
/// concurrent transactions on any instances cannot both pass the check. Released when the transaction ends.
/// </summary>
public static class ClientConfigurationLock
{
    /// <summary>Begins a transaction that holds the client's lock.</summary>
    public static async Task<IDbContextTransaction> BeginAsync(PosDbContext db, long clientId, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({clientId})", cancellationToken);
        return transaction;
    }
}
