using System.Collections.Concurrent;

namespace Pos.Grpc.Providers;

/// <summary>How a <see cref="ConnectionTokenManager{TTokens}"/> treats expiry and its memory of tokens.</summary>
/// <param name="RefreshBeforeExpiry">Access tokens are refreshed this long before they expire, so a request never races the expiry.</param>
/// <param name="TokenCacheLifetime">How long tokens once read are used without reading the store again (zero: read for
/// every request). Bounds how long this process keeps using tokens that were revoked or replaced elsewhere.</param>
public sealed record ConnectionTokenSettings(TimeSpan RefreshBeforeExpiry, TimeSpan TokenCacheLifetime);

/// <summary>
/// Hands out access tokens per connection and refreshes them one caller at a time, for any provider whose refresh
/// tokens rotate: two concurrent refreshes with the same refresh token break the chain, so a per-connection lock
/// (this process) plus an <see cref="IRefreshLock"/> (across processes) make the others wait and then use the
/// token the first one obtained.
/// <para>
/// The tokens last read or obtained are remembered per connection for <see cref="ConnectionTokenSettings.TokenCacheLifetime"/>,
/// so a long import does not read the store for every page. That is safe because every decision that could be
/// spoiled by a change made elsewhere reads the store again under the lock: a token near its expiry, and a 401
/// (the store may already hold the pair another instance obtained). An access token replaced elsewhere stays
/// valid at the provider until it expires.
/// </para>
/// </summary>
public sealed class ConnectionTokenManager<TTokens>(
    IConnectionTokenStore store,
    ITokenCodec<TTokens> codec,
    ITokenRefresher<TTokens> refresher,
    ConnectionTokenSettings settings,
    TimeProvider timeProvider,
    IRefreshLock refreshLock)
    where TTokens : class, IAccessTokens
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<string, KnownTokens> _known = new();
    private long _refreshes;

    /// <summary>Refreshes performed by this process (all connections); for diagnostics and tests.</summary>
    public long RefreshCount => Interlocked.Read(ref _refreshes);

    /// <summary>
    /// A usable access token: the stored one, or a fresh one when it expires within
    /// <see cref="ConnectionTokenSettings.RefreshBeforeExpiry"/>.
    /// </summary>
    public async Task<string> GetAccessTokenAsync(string connectionKey, CancellationToken ct)
    {
        var tokens = KnownRecently(connectionKey) ?? await LoadRequiredAsync(connectionKey, ct);
        if (!NeedsRefresh(tokens)) return tokens.AccessToken;

        return await UnderLockAsync(connectionKey, async () =>
        {
            // Someone may have refreshed while we waited for the lock: check again before refreshing.
            var current = await LoadRequiredAsync(connectionKey, ct);
            return NeedsRefresh(current) ? (await RefreshAsync(connectionKey, current, ct)).AccessToken : current.AccessToken;
        }, ct);
    }

    /// <summary>
    /// The API answered 401 to <paramref name="rejectedAccessToken"/>. Refresh, unless another caller already
    /// replaced that token while we waited, then return the token to replay with.
    /// </summary>
    public Task<string> RefreshAfterUnauthorizedAsync(string connectionKey, string rejectedAccessToken, CancellationToken ct) =>
        UnderLockAsync(connectionKey, async () =>
        {
            var current = await LoadRequiredAsync(connectionKey, ct);
            return current.AccessToken != rejectedAccessToken
                ? current.AccessToken
                : (await RefreshAsync(connectionKey, current, ct)).AccessToken;
        }, ct);

    /// <summary>The stored tokens of a connection (read from the store, not from memory), or null when there are none.</summary>
    public async Task<TTokens?> LoadAsync(string connectionKey, CancellationToken ct) =>
        await store.LoadAsync(connectionKey, ct) is { } text ? codec.Deserialize(text) : null;

    /// <summary>The text the store keeps for <paramref name="tokens"/>, for a host that stores a new authorisation in its own unit of work.</summary>
    public string Serialize(TTokens tokens) => codec.Serialize(tokens);

    /// <summary>Stores the first tokens of a connection (after the code exchange) and remembers them.</summary>
    public async Task SaveAsync(string connectionKey, TTokens tokens, CancellationToken ct)
    {
        await store.SaveAsync(connectionKey, codec.Serialize(tokens), ct);
        Remember(connectionKey, tokens);
    }

    /// <summary>
    /// Forgets what this process remembers of the connection's tokens. Call it when they change other than
    /// through this manager (a new authorisation elsewhere, a revocation), so the next request reads the store.
    /// </summary>
    public void Forget(string connectionKey) => _known.TryRemove(connectionKey, out _);

    private TTokens? KnownRecently(string connectionKey) =>
        _known.TryGetValue(connectionKey, out var known) && timeProvider.GetUtcNow() - known.At < settings.TokenCacheLifetime
            ? known.Tokens
            : null;

    private void Remember(string connectionKey, TTokens tokens) =>
        _known[connectionKey] = new KnownTokens(tokens, timeProvider.GetUtcNow());

    private bool NeedsRefresh(TTokens tokens) => tokens.ExpiresAt - settings.RefreshBeforeExpiry <= timeProvider.GetUtcNow();

    private async Task<TTokens> RefreshAsync(string connectionKey, TTokens current, CancellationToken ct)
    {
        var fresh = await refresher.RefreshAsync(current, ct);
        Interlocked.Increment(ref _refreshes);
        // Save before anyone uses the new access token: the old refresh token is already spent.
        // The save must complete even if the caller gave up meanwhile, or the new pair would be lost.
        await store.SaveAsync(connectionKey, codec.Serialize(fresh), CancellationToken.None);
        Remember(connectionKey, fresh);
        return fresh;
    }

    private async Task<TTokens> LoadRequiredAsync(string connectionKey, CancellationToken ct)
    {
        var tokens = await LoadAsync(connectionKey, ct);
        if (tokens is null)
        {
            Forget(connectionKey);
            throw new ConnectionTokensMissingException(connectionKey);
        }
        Remember(connectionKey, tokens);
        return tokens;
    }

    private async Task<T> UnderLockAsync<T>(string connectionKey, Func<Task<T>> action, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(connectionKey, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            // Then across processes; the action re-reads the stored tokens, so a refresh made elsewhere is seen.
            await using var _ = await refreshLock.AcquireAsync(connectionKey, ct);
            return await action();
        }
        finally
        {
            gate.Release();
        }
    }

    private sealed record KnownTokens(TTokens Tokens, DateTimeOffset At);
}
