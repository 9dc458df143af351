using Microsoft.IdentityModel.JsonWebTokens;

namespace Pos.Grpc.Host.Infrastructure.Auth;

/// <summary>
/// What a token needs besides a good signature, issuer, audience and expiry (checked by the JWT handler): a subject,
/// because every audit entry and every budget names the caller by it (without one the audit said "unknown"), and an
/// expiry within <see cref="AuthOptions.MaxTokenLifetime"/> from now, so a leaked token cannot be valid for years
/// (one with exp in 9999 was accepted).
/// </summary>
public static class TokenRules
{
    /// <summary>Why the token is refused, or null when it is fine.</summary>
    public static string? Problem(JsonWebToken token, DateTimeOffset now, AuthOptions options)
    {
        if (!token.TryGetPayloadValue<string>(PosClaims.Subject, out var subject) || string.IsNullOrWhiteSpace(subject))
            return "The token names no subject (sub).";
        if (token.ValidTo - now.UtcDateTime > options.MaxTokenLifetime)
            return $"The token is valid for longer than {options.MaxTokenLifetime.TotalHours:0} hours.";
        return null;
    }
}
