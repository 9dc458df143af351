using System.Text;
using Microsoft.IdentityModel.Tokens;

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

    public SymmetricSecurityKey? GetSigningKey() =>
        string.IsNullOrEmpty(SigningKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey));
}
