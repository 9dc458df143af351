using System.Text;
using Microsoft.IdentityModel.Tokens;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Infrastructure.Auth;

/// <summary>
/// Token validation settings (section "Auth"). Production sets <see cref="Authority"/> (an OpenID issuer);
/// development sets <see cref="SigningKey"/> in appsettings.Development.json only, so the host can mint tokens.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string? Authority { get; set; }
    public string Issuer { get; set; } = "pos-grpc-dev";
    public string Audience { get; set; } = "pos-grpc";
    /// <summary>Symmetric HS256 key of at least 32 characters; development and tests only.</summary>
    public string? SigningKey { get; set; }
    /// <summary>The longest a token may be valid for: a token that expires later than this from now is refused.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrEmpty(Authority) && string.IsNullOrEmpty(SigningKey))
            yield return "set Authority (production: the token issuer's URL) or SigningKey (development)";
        if (!string.IsNullOrEmpty(Authority) && !HttpUrls.IsHttp(Authority))
            yield return $"Authority '{Authority}' must be an absolute http(s) URL of an OpenID issuer";
        if (!string.IsNullOrEmpty(SigningKey) && SigningKey.Length < 32) yield return "SigningKey must be at least 32 characters (HS256)";
        if (string.IsNullOrWhiteSpace(Issuer)) yield return "Issuer must not be empty";
        if (string.IsNullOrWhiteSpace(Audience)) yield return "Audience must not be empty";
        if (MaxTokenLifetime <= TimeSpan.Zero) yield return "MaxTokenLifetime must be positive";
    }

    public SymmetricSecurityKey? GetSigningKey() =>
        string.IsNullOrEmpty(SigningKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey));
}
