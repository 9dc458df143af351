using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host.Infrastructure.Providers;

/// <summary>
/// Lightspeed tokens of a connection, kept in lightspeed_connections only as Data Protection ciphertext
/// (key ring in PostgreSQL, shared by every instance). The connection key is the connection id. Reads and writes run
/// within the pool's token share: thousands of lanes starting at 02:00 each load a token, and they wait for each other,
/// not the RPCs for them.
/// </summary>
public sealed class ProtectedTokenStore(IServiceScopeFactory scopes, IDataProtectionProvider dataProtection, PosDatabase database)
    : IRSeriesTokenStore
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Pos.Grpc.LightspeedTokens.v1");

    public async Task<RSeriesTokens?> LoadAsync(string connectionKey, CancellationToken ct)
    {
        if (!Guid.TryParse(connectionKey, out var id)) return null;
        var protectedTokens = await PosDatabase.WithinAsync(database.TokenShare, async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
            return await db.LightspeedConnections.AsNoTracking()
                .Where(c => c.Id == id).Select(c => c.ProtectedTokens).SingleOrDefaultAsync(ct);
        }, ct);
        return protectedTokens is null ? null : Unprotect(protectedTokens);
    }

    public async Task SaveAsync(string connectionKey, RSeriesTokens tokens, CancellationToken ct)
    {
        var id = Guid.Parse(connectionKey);
        var cipher = Protect(tokens);
        await PosDatabase.WithinAsync(database.TokenShare, async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
            // Only a connection that still has tokens gets the new pair: a revoked connection stays revoked.
            return await db.LightspeedConnections.Where(c => c.Id == id && c.ProtectedTokens != null)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(c => c.ProtectedTokens, cipher)
                    .SetProperty(c => c.TokenVersion, c => c.TokenVersion + 1)
                    .SetProperty(c => c.UpdatedAt, DateTimeOffset.UtcNow), ct);
        }, ct);
    }

    public string Protect(RSeriesTokens tokens) =>
        _protector.Protect(JsonSerializer.Serialize(new StoredTokens(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt)));

    private RSeriesTokens Unprotect(string cipher)
    {
        var stored = JsonSerializer.Deserialize<StoredTokens>(_protector.Unprotect(cipher))!;
        return new RSeriesTokens(stored.Access, stored.Refresh, stored.ExpiresAt);
    }

    private sealed record StoredTokens(string Access, string Refresh, DateTimeOffset ExpiresAt);
}
