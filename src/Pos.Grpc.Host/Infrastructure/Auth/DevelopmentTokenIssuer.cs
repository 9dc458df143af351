using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using System.Globalization;

namespace Pos.Grpc.Host.Infrastructure.Auth;

/// <summary>Mints tokens signed with the development key (the `token` command and tests).</summary>
public static class DevelopmentTokenIssuer
{
    public static string Issue(AuthOptions options, string subject, IEnumerable<string> roles, IEnumerable<long> clientIds,
        IEnumerable<long>? departmentIds = null, TimeSpan? lifetime = null, DateTime? now = null)
    {
        var key = options.GetSigningKey() ?? throw new InvalidOperationException(
            "No Auth:SigningKey is configured: development tokens can only be minted in the Development environment.");
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new List<Claim> { new(PosClaims.Subject, subject) };
        claims.AddRange(roles.Select(r => new Claim(PosClaims.Role, r)));
        claims.AddRange(clientIds.Select(c => new Claim(PosClaims.Client, c.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64)));
        claims.AddRange((departmentIds ?? []).Select(d => new Claim(PosClaims.Department, d.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt.AddMinutes(-1),
            Expires = issuedAt + (lifetime ?? TimeSpan.FromHours(12)),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
