using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// Reading Lightspeed's JSON: every scalar is a string ("1", "317.1", "true"), a collection of one is an
/// object instead of an array, and an empty relation or result has no key at all. All of that is
/// handled here and nowhere else. Numbers, flags and times are parsed from the UTF-8 bytes of the page (no string
/// per value: a page of 100 sales with their lines has thousands of them); anything unusual takes the string path.
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
        if (!TryGet(obj, name, out var v)) return 0;
        if (TryUtf8(v, out var raw))
        {
            if (raw.IsEmpty) return 0;
            if (Utf8Parser.TryParse(raw, out long parsed, out var used) && used == raw.Length) return parsed;
        }
        var s = Text(v);
        return string.IsNullOrEmpty(s) ? 0 : long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>Money and quantities: invariant culture, never double. Absent or "" reads as 0.</summary>
    public static decimal Decimal(JsonElement obj, string name)
    {
        if (!TryGet(obj, name, out var v)) return 0m;
        if (TryUtf8(v, out var raw))
        {
            if (raw.IsEmpty) return 0m;
            if (Utf8Parser.TryParse(raw, out decimal parsed, out var used) && used == raw.Length) return parsed;
        }
        var s = Text(v);
        return string.IsNullOrEmpty(s) ? 0m : decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public static bool Bool(JsonElement obj, string name)
    {
        if (!TryGet(obj, name, out var v)) return false;
        if (v.ValueKind == JsonValueKind.True) return true;
        if (v.ValueKind != JsonValueKind.String || v.ValueEquals("false"u8)) return false;
        return v.ValueEquals("true"u8) || string.Equals(v.GetString(), "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Timestamps like "2021-06-13T14:43:29+00:00"; absent or "" (an open sale's completeTime) is null; no offset means UTC.</summary>
    public static DateTimeOffset? Time(JsonElement obj, string name)
    {
        if (!TryGet(obj, name, out var v)) return null;
        if (TryUtf8(v, out var raw) && HasOffset(raw) && v.TryGetDateTimeOffset(out var parsed)) return parsed;
        var s = Text(v);
        return string.IsNullOrEmpty(s)
            ? null
            : DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    private static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value);
    }

    /// <summary>A string's or number's UTF-8 text as on the wire (quotes off); false when it has escapes (take the string path).</summary>
    private static bool TryUtf8(JsonElement v, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (v.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)) return false;
        var raw = JsonMarshal.GetRawUtf8Value(v);
        if (v.ValueKind == JsonValueKind.String) raw = raw[1..^1];
        if (raw.IndexOf((byte)'\\') >= 0) return false;
        text = raw;
        return true;
    }

    /// <summary>Ends in Z or ±hh:mm: the offset is on the wire (System.Text.Json would take a missing one as local time).</summary>
    private static bool HasOffset(ReadOnlySpan<byte> raw) =>
        raw.Length > 6 && (raw[^1] == (byte)'Z' || raw[^3] == (byte)':' && raw[^6] is (byte)'+' or (byte)'-');

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
