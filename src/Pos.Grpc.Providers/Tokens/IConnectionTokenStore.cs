using System.Collections.Concurrent;

namespace Pos.Grpc.Providers;

/// <summary>
/// Where the tokens of each connection live, for any provider. The tokens are opaque text to the store: each
/// provider serialises its own token record (<see cref="ITokenCodec{TTokens}"/>), and the host encrypts that
/// text at rest. The connection key is the host's own identifier of a connection.
/// </summary>
public interface IConnectionTokenStore
{
    /// <summary>The serialised tokens, or null when the connection has none (never authorised, or removed).</summary>
    Task<string?> LoadAsync(string connectionKey, CancellationToken ct);

    /// <summary>
    /// Replaces the tokens. Called right after a refresh, before the new access token is used: providers with
    /// single-use refresh tokens have already invalidated the previous one, so losing this write loses the connection.
    /// </summary>
    Task SaveAsync(string connectionKey, string serializedTokens, CancellationToken ct);
}

/// <summary>Process-memory token store for tests and the local sandbox. Not durable.</summary>
public sealed class InMemoryConnectionTokenStore : IConnectionTokenStore
{
    private readonly ConcurrentDictionary<string, string> _tokens = new();

    public Task<string?> LoadAsync(string connectionKey, CancellationToken ct) =>
        Task.FromResult(_tokens.TryGetValue(connectionKey, out var t) ? t : null);

    public Task SaveAsync(string connectionKey, string serializedTokens, CancellationToken ct)
    {
        _tokens[connectionKey] = serializedTokens;
        return Task.CompletedTask;
    }
}
