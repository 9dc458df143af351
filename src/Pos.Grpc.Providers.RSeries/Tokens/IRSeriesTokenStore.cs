using System.Collections.Concurrent;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// Where the tokens of each connection live. The host implements it over PostgreSQL (encrypted at rest);
/// <see cref="InMemoryRSeriesTokenStore"/> serves tests and the sandbox. The connection key is the host's
/// own identifier of a connection (e.g. "client 1 / account 120645").
/// </summary>
public interface IRSeriesTokenStore
{
    /// <summary>The current tokens, or null when the connection has none (never authorized, or removed).</summary>
    Task<RSeriesTokens?> LoadAsync(string connectionKey, CancellationToken ct);

    /// <summary>
    /// Replaces the tokens. Called right after a refresh, before the new access token is used: once it is used
    /// Lightspeed revokes the previous refresh token, so losing this write would lose the connection.
    /// </summary>
    Task SaveAsync(string connectionKey, RSeriesTokens tokens, CancellationToken ct);
}

/// <summary>Process-memory token store for tests and the local sandbox. Not durable.</summary>
public sealed class InMemoryRSeriesTokenStore : IRSeriesTokenStore
{
    private readonly ConcurrentDictionary<string, RSeriesTokens> _tokens = new();

    public Task<RSeriesTokens?> LoadAsync(string connectionKey, CancellationToken ct) =>
        Task.FromResult(_tokens.TryGetValue(connectionKey, out var t) ? t : null);

    public Task SaveAsync(string connectionKey, RSeriesTokens tokens, CancellationToken ct)
    {
        _tokens[connectionKey] = tokens;
        return Task.CompletedTask;
    }
}
