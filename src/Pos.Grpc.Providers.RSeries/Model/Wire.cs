using System.Globalization;
using System.Text.Json;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// Reading Lightspeed's JSON: every scalar is a string ("1", "317.1", "true"), a collection of one is an
/// object instead of an array, and an empty relation or result has no key at all. All of that is
/// handled here and nowhere else.
/// </summary>
internal static class Wire
{
    /// <summary>The property as text; numbers and booleans are accepted in their raw form too. Null when absent.</summary>
    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) ? Text(v) : null;

    private static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => null,
    };

    /// <summary>Ids: "0" (Lightspeed's empty foreign key), absent and "" all read as 0.</summary>
    public static long Long(JsonElement obj, string name)
    {
        var s = String(obj, name);
        return string.IsNullOrEmpty(s) ? 0 : long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>Money and quantities: invariant culture, never double. Absent or "" reads as 0.</summary>
    public static decimal Decimal(JsonElement obj, string name)
    {
        var s = String(obj, name);
        return string.IsNullOrEmpty(s)
            ? 0m
            : decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public static bool Bool(JsonElement obj, string name) =>
        string.Equals(String(obj, name), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Timestamps like "2021-06-13T14:43:29+00:00"; absent or "" (an open sale's completeTime) is null.</summary>
    public static DateTimeOffset? Time(JsonElement obj, string name)
    {
        var s = String(obj, name);
        return string.IsNullOrEmpty(s)
            ? null
            : DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    /// <summary>The first of several spellings that is present (updatetime vs updateTime).</summary>
    public static DateTimeOffset? Time(JsonElement obj, params string[] names)
    {
        foreach (var name in names)
            if (Time(obj, name) is { } t) return t;
        return null;
    }

    /// <summary>
    /// One-object-or-array: yields the objects under <paramref name="name"/> whether it is one object, an array
    /// of them, or missing (nothing).
    /// </summary>
    public static IEnumerable<JsonElement> Many(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) yield break;
        if (v.ValueKind == JsonValueKind.Object)
        {
            yield return v;
        }
        else if (v.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in v.EnumerateArray())
                if (item.ValueKind == JsonValueKind.Object) yield return item;
        }
    }

    /// <summary>Nested relations: `"SaleLines":{"SaleLine":…}`; the outer key is omitted when there are no rows.</summary>
    public static IEnumerable<JsonElement> Nested(JsonElement obj, string relation, string item) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(relation, out var rel)
            ? Many(rel, item)
            : [];

    /// <summary>`@attributes.next`: a full URL, or "" (or absent) on the last page.</summary>
    public static string? NextUrl(JsonElement root) =>
        root.TryGetProperty("@attributes", out var attributes) && String(attributes, "next") is { Length: > 0 } next
            ? next
            : null;
}
