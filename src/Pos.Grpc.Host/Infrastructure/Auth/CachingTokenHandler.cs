using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Pos.Grpc.Host.Infrastructure.Auth;

/// <summary>
/// Validates JWTs like <see cref="JsonWebTokenHandler"/> and remembers each successful result until the token
/// expires. Callers send the same token on every call for its whole life, and parsing plus signature checking
/// on every call costs more than the cheap reads themselves. The cache is bounded and keyed by the token
/// text; a failed validation is never cached.
/// </summary>
public sealed class CachingTokenHandler(TimeProvider clock, int capacity = 10_000) : TokenHandler
{
    private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, (TokenValidationResult Result, DateTime ExpiresUtc)> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(token, out var cached) && cached.ExpiresUtc - validationParameters.ClockSkew > now) return cached.Result;

        var result = await _inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.ValidTo != DateTime.MinValue)
        {
            if (_validated.Count >= capacity) Evict(now);
            _validated[token] = (result, jwt.ValidTo);
        }
        return result;
    }

    public override SecurityToken ReadToken(string token) => _inner.ReadToken(token);

    /// <summary>Drops expired entries, and everything if that is not enough: a full cache only costs re-validation.</summary>
    private void Evict(DateTime now)
    {
        foreach (var (token, entry) in _validated)
            if (entry.ExpiresUtc <= now) _validated.TryRemove(token, out _);
        if (_validated.Count >= capacity) _validated.Clear();
    }
}
