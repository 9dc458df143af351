using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// Reads (never verifies) the claims of a Lightspeed access token. The token is a JWT whose `acct` claim is the
/// R-Series account ID: a fallback for account discovery when Account.json is not usable.
/// </summary>
public static class RSeriesJwt
{
    /// <summary>The `acct` claim as a number, or null when the token is not a JWT or carries no usable acct.</summary>
    public static long? TryReadAccountId(string accessToken)
    {
        var claims = TryReadClaims(accessToken);
        if (claims is null || !claims.Value.TryGetProperty("acct", out var acct)) return null;
        var text = acct.ValueKind == JsonValueKind.Number ? acct.GetRawText() : acct.GetString();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    /// <summary>The payload object of a JWT, or null when the text is not a JWT.</summary>
    public static JsonElement? TryReadClaims(string accessToken)
    {
        var parts = accessToken.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
