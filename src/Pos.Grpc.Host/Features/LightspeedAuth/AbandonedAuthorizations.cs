using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Scheduling;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

public sealed class AbandonedAuthorizationOptions
{
    public const string Section = "LightspeedAuth";

    /// <summary>How often abandoned authorisations of every client are deleted (each BeginAuthorization also tidies its client's).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Authorisations begun and never finished. Each BeginAuthorization leaves a PENDING_CONSENT connection and a state:
/// 300 calls left 239 of them, and a client's first page of ListConnections was full of them. A pending connection is
/// deleted with its state once the state has expired unused (it can never be completed), or an hour after it expired
/// if it was used (a completion that failed; the hour leaves any completion in flight alone). A client also has at most
/// <see cref="MaxPendingPerClient"/> usable authorisations at once: beginning another supersedes the oldest, whose state
/// then stops working. Only unconsumed states are superseded, so no completion in flight loses its connection.
/// </summary>
public sealed class AbandonedAuthorizations(IServiceScopeFactory scopes, TimeProvider clock, IOptions<AbandonedAuthorizationOptions> options,
    ILogger<AbandonedAuthorizations> logger) : BackgroundService
{
    public const int MaxPendingPerClient = 5;

    private const int PendingConsent = (int)ConnectionState.PendingConsent;

    /// <summary>Deletes the abandoned authorisations of one client, or of every client (0); returns the connections deleted.</summary>
    public static Task<int> DeleteAsync(PosDbContext db, long clientId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            WITH gone AS (
              DELETE FROM oauth_states s
              WHERE ({clientId} = 0 OR s.client_id = {clientId})
                AND ((s.consumed_at IS NULL AND s.expires_at <= {now}) OR s.expires_at <= {now - TimeSpan.FromHours(1)})
              RETURNING s.connection_id)
            DELETE FROM lightspeed_connections c WHERE c.state = {PendingConsent} AND c.id IN (SELECT connection_id FROM gone)
            """, cancellationToken);

    /// <summary>Makes room for one more authorisation of the client: at most <see cref="MaxPendingPerClient"/> - 1 usable ones stay.</summary>
    public static async Task MakeRoomAsync(PosDbContext db, long clientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await DeleteAsync(db, clientId, now, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            WITH superseded AS (
              DELETE FROM oauth_states s
              WHERE s.consumed_at IS NULL AND s.state_hash IN (
                SELECT state_hash FROM oauth_states
                WHERE client_id = {clientId} AND consumed_at IS NULL AND expires_at > {now}
                ORDER BY created_at DESC OFFSET {MaxPendingPerClient - 1})
              RETURNING s.connection_id)
            DELETE FROM lightspeed_connections c WHERE c.state = {PendingConsent} AND c.id IN (SELECT connection_id FROM superseded)
            """, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        while (await timer.NextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var deleted = await DeleteAsync(scope.ServiceProvider.GetRequiredService<PosDbContext>(), 0, clock.GetUtcNow(), stoppingToken);
                if (deleted > 0) logger.LogInformation("Deleted {Count} abandoned Lightspeed authorisation(s)", deleted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be away for a while; the next sweep catches up.
                logger.LogWarning("Deleting abandoned Lightspeed authorisations failed: {Message}", ex.Message);
            }
        }
    }
}
