using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Infrastructure.Caching;

/// <summary>Saves changes to a client's configuration and tells every instance about them.</summary>
public sealed class ClientConfigurationChanges(ClientConfigurationCache cache)
{
    public const string Channel = "pos_client_config";

    /// <summary>
    /// Saves, notifies and, when the caller holds <paramref name="transaction"/>, commits. Inside a transaction
    /// PostgreSQL delivers the notification only if and when the change commits. This instance forgets its
    /// cached entry after the commit, so a read that reloaded meanwhile cannot keep the old configuration.
    /// </summary>
    public async Task SaveAsync(PosDbContext db, long clientId, IDbContextTransaction? transaction, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        var payload = clientId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {payload})", cancellationToken);
        if (transaction is not null) await transaction.CommitAsync(cancellationToken);
        cache.Invalidate(clientId);
    }
}
