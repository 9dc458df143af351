using System.Buffers.Text;
using System.Text;

namespace Pos.Grpc.Host.Infrastructure.Validation;

/// <summary>
/// AIP-158 paging: page_size 0 means the default, larger than the maximum is lowered, negative is invalid.
/// Tokens are opaque (base64url of the last key) and bound to the list they came from.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static int ResolvePageSize(int pageSize, Violations violations)
    {
        violations.AddIf(pageSize < 0, "page_size", "must not be negative");
        return pageSize <= 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
    }

    /// <summary>The key after which the page starts; null for the first page.</summary>
    public static string? DecodeToken(string? token, string listName, Violations violations)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var prefix = listName + ":";
            if (text.StartsWith(prefix, StringComparison.Ordinal)) return text[prefix.Length..];
        }
        catch (FormatException) { }
        violations.Add("page_token", "is not a token this list issued");
        return null;
    }

    public static long? DecodeLongToken(string? token, string listName, Violations violations)
    {
        var key = DecodeToken(token, listName, violations);
        if (key is null) return null;
        if (long.TryParse(key, out var value)) return value;
        violations.Add("page_token", "is not a token this list issued");
        return null;
    }

    public static string EncodeToken(string listName, string lastKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(listName + ":" + lastKey));
}
