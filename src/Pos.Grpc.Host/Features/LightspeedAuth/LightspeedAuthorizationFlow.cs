using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Features.LightspeedAuth.Connectors;
using Pos.Grpc.Host.Features.Settings;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Caching;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

public sealed record AuthorizationStart(Uri Url, string State, DateTimeOffset ExpiresAt);

/// <summary>
/// The OAuth authorisation-code flow, one for every Lightspeed POS (the POS's part is its <see cref="ILightspeedConnector"/>:
/// R-Series with PKCE, K-Series with Basic client authentication). Begin issues a single-use state bound to the client,
/// the user and a PENDING_CONSENT connection of the client's POS; Complete (the RPC or the HTTP callback) consumes it,
/// exchanges the code, records the accounts the consent covers (K-Series: every business location its user sees, with
/// its time zone) and stores the tokens encrypted. A state that <see cref="OAuthStateSigner"/> did not sign (or that has
/// expired) is unknown before the database is asked.
/// </summary>
public sealed class LightspeedAuthorizationFlow(
    PosDbContext db, LightspeedConnectors connectors, OAuthStateSigner states, ClientConfigurationChanges changes,
    IDataProtectionProvider dataProtection, TimeProvider clock, ILogger<LightspeedAuthorizationFlow> logger)
{
    public static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    public const string VerifierProtectorPurpose = "Pos.Grpc.OAuthCodeVerifier.v1";

    private readonly IDataProtector _verifierProtector = dataProtection.CreateProtector(VerifierProtectorPurpose);

    public async Task<AuthorizationStart> BeginAsync(long clientId, string user, CancellationToken cancellationToken)
    {
        var now = clock.GetStorableUtcNow();
        var state = states.Issue(now + StateLifetime);
        // The client's POS decides which Lightspeed is authorised (R-Series when none is chosen yet, as ever).
        var settings = await db.GetOrDefaultAsync(clientId, cancellationToken);
        var system = PosProviders.SystemOf(settings.PosIntegrationService) ?? PosSystem.LightspeedRSeries;
        var (url, verifier) = connectors.For(system).BeginAuthorization(state);
        await AbandonedAuthorizations.MakeRoomAsync(db, clientId, now, cancellationToken);
        var connection = new LightspeedConnectionEntity
        {
            Id = Guid.NewGuid(), ClientId = clientId, Provider = (int)system, State = (int)ConnectionState.PendingConsent, AuthorizedBy = user,
            CreatedAt = now, UpdatedAt = now,
        };
        db.LightspeedConnections.Add(connection);
        db.OAuthStates.Add(new OAuthStateEntity
        {
            StateHash = Hash(state), ClientId = clientId, ConnectionId = connection.Id, CreatedBy = user,
            ProtectedCodeVerifier = _verifierProtector.Protect(verifier), CreatedAt = now, ExpiresAt = now + StateLifetime,
        });
        AuditTrail.Record(db, user, clientId, null, "connection.begin_authorization", LightspeedConnections.ResourceType, connection.Id.ToString(), null, now);
        await db.SaveChangesAsync(cancellationToken);
        return new AuthorizationStart(url, state, now + StateLifetime);
    }

    /// <summary>The state's client and user, for the access check before it is consumed; NOT_FOUND when unusable.</summary>
    public async Task<OAuthStateEntity> FindUsableStateAsync(string state, CancellationToken cancellationToken)
    {
        if (!states.IsGenuine(state)) throw StateNotFound();
        var now = clock.GetUtcNow();
        var hash = Hash(state);
        return await db.OAuthStates.AsNoTracking()
            .SingleOrDefaultAsync(s => s.StateHash == hash && s.ConsumedAt == null && s.ExpiresAt > now, cancellationToken)
            ?? throw StateNotFound();
    }

    public async Task<LightspeedConnectionEntity> CompleteAsync(string state, string code, CancellationToken cancellationToken)
    {
        var consumed = await ConsumeStateAsync(state, cancellationToken);
        var verifier = UnprotectVerifier(consumed.ProtectedCodeVerifier);
        var pending = await db.LightspeedConnections.SingleAsync(c => c.Id == consumed.ConnectionId, cancellationToken);
        var connector = connectors.For(pending);
        var consent = await connector.CompleteAuthorizationAsync(code, verifier, cancellationToken);

        var now = clock.GetStorableUtcNow();
        var existing = await db.LightspeedConnections.Include(c => c.Accounts)
            .SingleOrDefaultAsync(c => c.ClientId == consumed.ClientId && c.Provider == pending.Provider && c.AccountId == consent.AccountId, cancellationToken);
        var connection = pending;
        if (existing is not null)
        {
            // Authorising an account the client already had renews that connection rather than adding a second one.
            db.LightspeedConnections.Remove(pending);
            connection = existing;
        }
        // Activation is SameSystem's decision about an account; once given (and not revoked) it survives a re-consent.
        var wasActivated = connection.ActivatedAt is not null && connection.State != (int)ConnectionState.Revoked;
        connection.AccountId = consent.AccountId;
        connection.AccountName = consent.AccountName;
        // What the consent covers now (a K-Series user may have gained or lost locations since the last time).
        connection.Accounts.Clear();
        connection.Accounts.AddRange(consent.Accounts.Select(a => new LightspeedConnectionAccountEntity
        {
            ConnectionId = connection.Id, AccountId = a.AccountId, Name = Cut(a.Name, 200), TimeZone = a.TimeZone is { Length: <= 64 } zone ? zone : null,
        }));
        connection.State = (int)(wasActivated ? ConnectionState.Active : ConnectionState.Authorized);
        connection.AuthorizedBy = consumed.CreatedBy;
        connection.AuthorizedAt = now;
        connection.LastError = null;
        connection.ProtectedTokens = consent.ProtectedTokens;
        connection.TokenVersion++;
        connection.UpdatedAt = now;
        AuditTrail.Record(db, consumed.CreatedBy, consumed.ClientId, null, "connection.authorized", LightspeedConnections.ResourceType,
            connection.Id.ToString(), new
            {
                account_id = consent.AccountId, accounts = consent.Accounts.Select(a => a.AccountId).ToArray(),
                state = ((ConnectionState)connection.State).ToString(),
            }, now);
        // The accounts' zones are the default zones of the client's departments: every instance re-reads its configuration.
        await changes.SaveAsync(db, consumed.ClientId, null, cancellationToken);
        // A renewed connection's old tokens may still be remembered by this instance; others notice through a 401.
        connector.Forget(connection.Id.ToString());
        return connection;
    }

    /// <summary>Forgets the tokens and tells Lightspeed; a failure to tell Lightspeed does not keep the connection alive.</summary>
    public async Task RevokeAtLightspeedAsync(LightspeedConnectionEntity connection, CancellationToken cancellationToken)
    {
        var connector = connectors.For(connection);
        connector.Forget(connection.Id.ToString());
        if (connection.ProtectedTokens is null) return;
        try
        {
            await connector.RevokeAtLightspeedAsync(connection.Id.ToString(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Lightspeed did not confirm revoking connection {ConnectionId}: {Message}", connection.Id, ex.Message);
        }
    }

    private static string Cut(string text, int length) => text.Length > length ? text[..length] : text;

    /// <summary>Single use, atomically: of two callers with the same state exactly one gets it.</summary>
    private async Task<OAuthStateEntity> ConsumeStateAsync(string state, CancellationToken cancellationToken)
    {
        if (!states.IsGenuine(state)) throw StateNotFound();
        var hash = Hash(state);
        var now = clock.GetStorableUtcNow();
        var consumed = await db.OAuthStates
            .Where(s => s.StateHash == hash && s.ConsumedAt == null && s.ExpiresAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.ConsumedAt, now), cancellationToken);
        if (consumed == 0) throw StateNotFound();
        return await db.OAuthStates.AsNoTracking().SingleAsync(s => s.StateHash == hash, cancellationToken);
    }

    /// <summary>A verifier that no key of the ring can read (a lost key ring) leaves only starting again.</summary>
    private string UnprotectVerifier(string protectedVerifier)
    {
        try
        {
            return _verifierProtector.Unprotect(protectedVerifier);
        }
        catch (CryptographicException)
        {
            throw new PreconditionFailedException("OAUTH_STATE_UNREADABLE", "OAUTH_STATE", "state",
                "This authorisation can no longer be completed (its secret cannot be read). Begin the authorisation again.");
        }
    }

    private static NotFoundException StateNotFound() => new("oauth_state", "state");

    internal static string Hash(string state) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(state)));
}
