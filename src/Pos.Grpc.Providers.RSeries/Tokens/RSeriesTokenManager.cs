using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// Hands out access tokens per connection and refreshes them one caller at a time. Lightspeed rotates refresh
/// tokens, so two concurrent refreshes with the same refresh token break the chain: a per-connection lock
/// makes the others wait and then use the token the first one obtained.
/// The lock is per process; the host must make sure one connection is refreshed by one instance at a time
/// (or accept a rare invalid_grant race across instances).
/// <para>
/// The tokens last read or obtained are remembered per connection for <see cref="RSeriesOptions.TokenCacheLifetime"/>,
/// so a long import does not read the store for every page. That is safe because every decision that could be
/// spoiled by a change made elsewhere reads the store again under the lock: a token near its expiry, and a 401
/// (the store may already hold the pair another instance obtained). An access token replaced elsewhere stays
/// valid at Lightspeed until it expires.
/// </para>
/// </summary>
public sealed class RSeriesTokenManager(
    IRSeriesTokenStore store,
    RSeriesOAuthClient oauth,
    IOptions<RSeriesOptions> options,
    TimeProvider timeProvider,
    IRSeriesRefreshLock refreshLock)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<string, KnownTokens> _known = new();
    private long _refreshes;

    /// <summary>Refreshes performed by this process (all connections); for diagnostics and tests.</summary>
    public long RefreshCount => Interlocked.Read(ref _refreshes);

    /// <summary>
    /// A usable access token: the stored one, or a fresh one when it expires within
    /// <see cref="RSeriesOptions.RefreshBeforeExpiry"/>.
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

    /// <summary>
    /// Forgets what this process remembers of the connection's tokens. Call it when they change other than
    /// through this manager (a new authorisation, a revocation), so the next request reads the store.
    /// </summary>
    public void Forget(string connectionKey) => _known.TryRemove(connectionKey, out _);

    private RSeriesTokens? KnownRecently(string connectionKey) =>
        _known.TryGetValue(connectionKey, out var known) && timeProvider.GetUtcNow() - known.At < options.Value.TokenCacheLifetime
            ? known.Tokens
            : null;

    private void Remember(string connectionKey, RSeriesTokens tokens) =>
        _known[connectionKey] = new KnownTokens(tokens, timeProvider.GetUtcNow());

    private bool NeedsRefresh(RSeriesTokens tokens) =>
        tokens.ExpiresWithin(options.Value.RefreshBeforeExpiry, timeProvider.GetUtcNow());

    private async Task<RSeriesTokens> RefreshAsync(string connectionKey, RSeriesTokens current, CancellationToken ct)
    {
        var fresh = await oauth.RefreshAsync(current.RefreshToken, ct);
        Interlocked.Increment(ref _refreshes);
        // Save before anyone uses the new access token: its first use revokes the old refresh token.
        // The save must complete even if the caller gave up meanwhile, or the new pair would be lost.
        await store.SaveAsync(connectionKey, fresh, CancellationToken.None);
        Remember(connectionKey, fresh);
        return fresh;
    }

    private async Task<RSeriesTokens> LoadRequiredAsync(string connectionKey, CancellationToken ct)
    {
        var tokens = await store.LoadAsync(connectionKey, ct);
        if (tokens is null)
        {
            Forget(connectionKey);
            throw new RSeriesAuthorizationException($"No Lightspeed tokens stored for connection '{connectionKey}'.", null, null, null);
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

    private sealed record KnownTokens(RSeriesTokens Tokens, DateTimeOffset At);
}
