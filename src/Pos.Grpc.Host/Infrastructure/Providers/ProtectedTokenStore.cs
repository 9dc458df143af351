using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Providers;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host.Infrastructure.Providers;

/// <summary>
/// The tokens of every provider's connections, kept in lightspeed_connections only as Data Protection ciphertext
/// (key ring in PostgreSQL, shared by every instance). The connection key is the connection id. To the store the
/// tokens are opaque text each provider serialises itself (<see cref="IConnectionTokenStore"/>, K-Series); R-Series
/// still has its own typed interface, whose records are kept in the format they always had. Reads and writes run
/// within the pool's token share: thousands of lanes starting at 02:00 each load a token, and they wait for each other,
/// not the RPCs for them.
/// </summary>
public sealed class ProtectedTokenStore(IServiceScopeFactory scopes, IDataProtectionProvider dataProtection, PosDatabase database)
    : IConnectionTokenStore, IRSeriesTokenStore
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Pos.Grpc.LightspeedTokens.v1");

    public async Task<string?> LoadAsync(string connectionKey, CancellationToken ct)
    {
        if (!Guid.TryParse(connectionKey, out var id)) return null;
        var protectedTokens = await PosDatabase.WithinAsync(database.TokenShare, async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
            return await db.LightspeedConnections.AsNoTracking()
                .Where(c => c.Id == id).Select(c => c.ProtectedTokens).SingleOrDefaultAsync(ct);
        }, ct);
        return protectedTokens is null ? null : _protector.Unprotect(protectedTokens);
    }

    public async Task SaveAsync(string connectionKey, string serializedTokens, CancellationToken ct)
    {
        var id = Guid.Parse(connectionKey);
        var cipher = Protect(serializedTokens);
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

    /// <summary>The ciphertext of serialised tokens, for a write that stores them with other changes of the connection.</summary>
    public string Protect(string serializedTokens) => _protector.Protect(serializedTokens);

    async Task<RSeriesTokens?> IRSeriesTokenStore.LoadAsync(string connectionKey, CancellationToken ct) =>
        await LoadAsync(connectionKey, ct) is { } text ? RSeriesFormat.Deserialize(text) : null;

    Task IRSeriesTokenStore.SaveAsync(string connectionKey, RSeriesTokens tokens, CancellationToken ct) =>
        SaveAsync(connectionKey, RSeriesFormat.Serialize(tokens), ct);

    public string Protect(RSeriesTokens tokens) => Protect(RSeriesFormat.Serialize(tokens));

    /// <summary>R-Series tokens as they have always been stored: {"Access","Refresh","ExpiresAt"}.</summary>
    private static class RSeriesFormat
    {
        public static string Serialize(RSeriesTokens tokens) =>
            JsonSerializer.Serialize(new StoredTokens(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt));

        public static RSeriesTokens Deserialize(string text)
        {
            var stored = JsonSerializer.Deserialize<StoredTokens>(text)!;
            return new RSeriesTokens(stored.Access, stored.Refresh, stored.ExpiresAt);
        }

        private sealed record StoredTokens(string Access, string Refresh, DateTimeOffset ExpiresAt);
    }
}
