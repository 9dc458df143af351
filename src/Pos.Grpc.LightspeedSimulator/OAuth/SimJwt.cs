using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Globalization;

namespace Pos.Grpc.LightspeedSimulator.OAuth;

/// <summary>Claims of a simulator access token (the real ones are RS256 JWTs with the same claims).</summary>
public sealed record AccessTokenClaims(
    string Issuer, string ClientId, string Subject, long AccountId, string Scope,
    DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string Jti);

/// <summary>HS256 JWTs with Lightspeed's claim set: iss, aud, sub, acct, scope, iat/nbf/exp as floats, jti.</summary>
public sealed class SimJwt(byte[] key)
{
    public string Create(AccessTokenClaims c)
    {
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "HS256", ["kid"] = "SIM_OAUTH2_2024_07_08" };
        var payload = new JsonObject
        {
            ["iss"] = c.Issuer,
            ["aud"] = c.ClientId,
            ["jti"] = c.Jti,
            ["iat"] = UnixSeconds(c.IssuedAt),
            ["nbf"] = UnixSeconds(c.IssuedAt),
            ["exp"] = UnixSeconds(c.ExpiresAt),
            ["sub"] = c.Subject,
            ["scope"] = c.Scope,
            ["acct"] = c.AccountId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var unsigned = $"{Encode(header.ToJsonString())}.{Encode(payload.ToJsonString())}";
        return $"{unsigned}.{Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned)))}";
    }

    /// <summary>The claims when the signature is ours, else null. Expiry is the caller's check.</summary>
    public AccessTokenClaims? Read(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        var expected = Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}")));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts[2])))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(Decode(parts[1]));
            var p = doc.RootElement;
            return new AccessTokenClaims(
                p.GetProperty("iss").GetString()!, p.GetProperty("aud").GetString()!, p.GetProperty("sub").GetString()!,
                long.Parse(p.GetProperty("acct").GetString()!, CultureInfo.InvariantCulture), p.GetProperty("scope").GetString()!,
                FromUnix(p.GetProperty("iat").GetDouble()), FromUnix(p.GetProperty("exp").GetDouble()),
                p.GetProperty("jti").GetString()!);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static double UnixSeconds(DateTimeOffset t) => Math.Round(t.ToUnixTimeMilliseconds() / 1000.0 + 0.000123, 6);

    private static DateTimeOffset FromUnix(double seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));

    private static string Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static byte[] Decode(string text) => Base64Url.DecodeFromChars(text);
}
