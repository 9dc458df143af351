using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>
/// Reading K-Series JSON, and nowhere else: property names looked up without regard to case (blID / blId,
/// timeofCloseAndPaid / timeOfCloseAndPaid), money and quantities as strings parsed to decimal in the invariant
/// culture, ids as JSON numbers (int64) or digit strings (payment deviceId), and the three timestamp forms of
/// lightspeed-k-series.md A7: UTC with "Z", a local offset "+02:00", and Spring's "+0000" without a colon.
/// </summary>
internal static partial class Wire
{
    /// <summary>The first of the names present (compared without case), or null.</summary>
    public static JsonElement? Find(JsonElement obj, params string[] names)
    {
        if (obj.ValueKind != JsonValueKind.Object) return null;
        foreach (var name in names)
        {
            if (obj.TryGetProperty(name, out var exact)) return exact;
            foreach (var p in obj.EnumerateObject())
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        }
        return null;
    }

    /// <summary>Text of a string, number or boolean; null when absent or null.</summary>
    public static string? String(JsonElement obj, params string[] names) => Find(obj, names) is { } v ? Text(v) : null;

    private static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => null,
    };

    /// <summary>Money and quantities ("11.00", "1.666667", "0.450"); absent or "" reads as 0.</summary>
    public static decimal Decimal(JsonElement obj, params string[] names) => DecimalOrNull(obj, names) ?? 0m;

    public static decimal? DecimalOrNull(JsonElement obj, params string[] names) =>
        String(obj, names) is { Length: > 0 } s ? decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    /// <summary>Ids: a JSON number (or digit string); absent, null or "" read as null.</summary>
    public static long? Long(JsonElement obj, params string[] names) =>
        String(obj, names) is { Length: > 0 } s ? long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    public static bool Bool(JsonElement obj, params string[] names) =>
        Find(obj, names) is { } v && (v.ValueKind == JsonValueKind.True
            || v.ValueKind == JsonValueKind.String && string.Equals(v.GetString(), "true", StringComparison.OrdinalIgnoreCase));

    public static DateTimeOffset? Time(JsonElement obj, params string[] names) =>
        String(obj, names) is { Length: > 0 } s ? ParseTime(s) : null;

    /// <summary>"2023-02-14T20:04:08.734Z", "2020-01-14T14:30:00+02:00" and "2023-05-12T13:29:05.028+0000".</summary>
    public static DateTimeOffset ParseTime(string s) =>
        DateTimeOffset.Parse(OffsetWithoutColon().Replace(s.Trim(), "$1:$2"), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal);

    /// <summary>The objects of an array property (nothing when absent or not an array).</summary>
    public static IEnumerable<JsonElement> Array(JsonElement obj, params string[] names)
    {
        if (Find(obj, names) is not { ValueKind: JsonValueKind.Array } array) yield break;
        foreach (var item in array.EnumerateArray())
            if (item.ValueKind == JsonValueKind.Object) yield return item;
    }

    /// <summary>A nested object property, or an undefined element.</summary>
    public static JsonElement Object(JsonElement obj, params string[] names) =>
        Find(obj, names) is { ValueKind: JsonValueKind.Object } o ? o : default;

    [GeneratedRegex(@"([+-]\d{2})(\d{2})$")]
    private static partial Regex OffsetWithoutColon();
}
