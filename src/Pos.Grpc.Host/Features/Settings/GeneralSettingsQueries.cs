using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.Settings;

public static class GeneralSettingsQueries
{
    /// <summary>The client's stored settings, or the defaults (not yet stored) when it never saved any.</summary>
    public static async Task<GeneralSettingsEntity> GetOrDefaultAsync(this PosDbContext db, long clientId, CancellationToken cancellationToken) =>
        await db.GeneralSettings.SingleOrDefaultAsync(s => s.ClientId == clientId, cancellationToken)
        ?? GeneralSettingsEntity.DefaultsFor(clientId);
}
