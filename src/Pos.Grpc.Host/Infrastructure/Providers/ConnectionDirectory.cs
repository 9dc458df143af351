using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Infrastructure.Providers;

/// <summary>
/// Which stored connection reads a client's POS account, under the one rule of who imports: only an ACTIVE
/// connection does. The RPCs (readiness of an import), the nightly planner and the engine's lanes all ask here, and
/// whoever finds a connection's refresh failed for good records it here (REAUTHORIZATION_REQUIRED).
/// </summary>
public sealed class ConnectionDirectory(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ConnectionDirectory> logger)
{
    /// <summary>
    /// The accounts of a client's POS with an ACTIVE connection, inside the caller's unit of work: R-Series the
    /// connection's account, K-Series every business location its user could see when it was authorised.
    /// </summary>
    public static async Task<IReadOnlySet<string>> ActiveAccountsAsync(PosDbContext db, long clientId, PosSystem system, CancellationToken cancellationToken) =>
        (await db.LightspeedConnections.AsNoTracking()
            .Where(c => c.ClientId == clientId && c.Provider == (int)system && c.State == (int)ConnectionState.Active)
            .SelectMany(c => c.Accounts.Select(a => a.AccountId))
            .ToListAsync(cancellationToken))
            .ToHashSet();

    /// <summary>
    /// The time zone the POS gives each of the client's accounts (K-Series: a business location's timezone, learnt at
    /// authorisation); accounts without one are absent. The latest authorisation wins. It is the default zone of the
    /// departments naming the account (<see cref="Domain.TimeZones.ForDepartment"/>).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> AccountZonesAsync(PosDbContext db, long clientId, CancellationToken cancellationToken) =>
        (await AccountZonesAsync(db, [clientId], cancellationToken)).GetValueOrDefault(clientId) ?? new Dictionary<string, string>();

    /// <summary>The same for several clients at once (the fleet's import health), by client.</summary>
    public static async Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, string>>> AccountZonesAsync(PosDbContext db,
        IReadOnlyCollection<long> clientIds, CancellationToken cancellationToken)
    {
        var ids = clientIds.ToArray();
        var zones = await db.LightspeedConnections.AsNoTracking()
            .Where(c => ids.Contains(c.ClientId) && c.AuthorizedAt != null)
            .OrderBy(c => c.AuthorizedAt)
            .SelectMany(c => c.Accounts.Where(a => a.TimeZone != null).Select(a => new { c.ClientId, a.AccountId, a.TimeZone }))
            .ToListAsync(cancellationToken);
        var byClient = new Dictionary<long, IReadOnlyDictionary<string, string>>();
        foreach (var client in zones.GroupBy(z => z.ClientId))
        {
            var byAccount = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var zone in client) byAccount[zone.AccountId] = zone.TimeZone!;
            byClient[client.Key] = byAccount;
        }
        return byClient;
    }

    /// <summary>The ACTIVE connection that reads <paramref name="account"/> for the client, or why there is none.</summary>
    public async Task<(PosConnection? Connection, PosProviderException? Missing)> FindActiveAsync(long clientId, PosAccount account,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
        // Of several connections covering the account (K-Series: two users who both see the location), the latest
        // authorisation reads it.
        var connections = await db.LightspeedConnections.AsNoTracking()
            .Where(c => c.ClientId == clientId && c.Provider == (int)account.System && c.Accounts.Any(a => a.AccountId == account.AccountId))
            .OrderByDescending(c => c.AuthorizedAt)
            .Select(c => new { c.Id, c.State })
            .ToListAsync(cancellationToken);
        if (connections.FirstOrDefault(c => c.State == (int)ConnectionState.Active) is { } active)
            return (new PosConnection(active.Id.ToString(), account), null);
        // A connection that lost its authorisation gives every department of the account the same reason and remedy.
        if (connections.Any(c => c.State == (int)ConnectionState.ReauthorizationRequired))
            return (null, ReauthorizationRequired());
        return (null, new PosProviderException("NO_ACTIVE_CONNECTION",
            $"{AccountName(account)} has no ACTIVE connection for this client: authorise and activate it first.", permanent: true));
    }

    /// <summary>"Lightspeed account 120645" (R-Series), "Lightspeed business location 45454565682155" (K-Series).</summary>
    public static string AccountName(PosAccount account) =>
        account.System == PosSystem.LightspeedKSeries ? $"Lightspeed business location {account.AccountId}" : $"Lightspeed account {account.AccountId}";

    public static PosProviderException ReauthorizationRequired() =>
        new("LIGHTSPEED_REAUTHORIZATION_REQUIRED",
            "Lightspeed no longer accepts this connection's authorisation: the client must authorise SameSystem again.", permanent: true);

    /// <summary>Moves a connection whose refresh failed for good to REAUTHORIZATION_REQUIRED, from wherever that was found out.</summary>
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
