using System.Text;
using System.Text.Json;

namespace Pos.Grpc.LightspeedSimulator.Api;

/// <summary>
/// V3 list parameters common to every resource: limit (0-100, default 100), sort (field or -field),
/// after/before cursors (base64 of a JSON array of the boundary record's sort key), count=1.
/// </summary>
public sealed class ListRequest
{
    public const int MaxLimit = 100;

    public required int Limit { get; init; }
    public required string SortField { get; init; }
    public required bool Descending { get; init; }
    public JsonElement? After { get; init; }
    public JsonElement? Before { get; init; }
    public bool CountOnly { get; init; }
    public required bool SortGiven { get; init; }
    public required bool LimitGiven { get; init; }

    public static ListRequest Parse(IQueryCollection q, string defaultSort, IReadOnlyList<string> sortable)
    {
        var sortRaw = q["sort"].ToString();
        var descending = sortRaw.StartsWith('-');
        var sortField = sortRaw == "" ? defaultSort : sortRaw.TrimStart('-');
        var match = sortable.FirstOrDefault(s => s.Equals(sortField, StringComparison.OrdinalIgnoreCase))
            ?? throw new BadQueryException(
                $"Unable to sort by '{sortField}'. Sortable fields are: {string.Join(", ", sortable)}.");

        var limit = MaxLimit;
        if (q["limit"].ToString() is { Length: > 0 } limitRaw)
        {
            if (!int.TryParse(limitRaw, out limit) || limit < 0)
                throw new BadQueryException($"Invalid limit '{limitRaw}'. Must be between 0 and {MaxLimit}.");
            // What Lightspeed does above 100 is unconfirmed; the simulator caps it, the documented maximum.
            limit = Math.Min(limit, MaxLimit);
        }

        var countOnly = q["count"] == "1";
        if (countOnly && (q.ContainsKey("limit") || q.ContainsKey("sort") || q.ContainsKey("after") || q.ContainsKey("before")))
            throw new BadQueryException("count cannot be combined with limit, sort, after or before.");

        return new ListRequest
        {
            Limit = limit, SortField = match, Descending = descending, CountOnly = countOnly,
            After = Cursor(q, "after"), Before = Cursor(q, "before"),
            SortGiven = sortRaw != "", LimitGiven = q.ContainsKey("limit"),
        };
    }

    public static string EncodeCursor(Action<Utf8JsonWriter> writeArrayItems)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            writeArrayItems(writer);
            writer.WriteEndArray();
        }
        return Uri.EscapeDataString(Convert.ToBase64String(stream.ToArray()));
    }

    private static JsonElement? Cursor(IQueryCollection q, string name)
    {
        if (q[name].ToString() is not { Length: > 0 } raw) return null;
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(raw)));
            return doc.RootElement.ValueKind == JsonValueKind.Array && doc.RootElement.GetArrayLength() > 0
                ? doc.RootElement.Clone()
                : throw new BadQueryException($"Invalid {name} cursor.");
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new BadQueryException($"Invalid {name} cursor.");
        }
    }
}

public sealed record Page<T>(IReadOnlyList<T> Items, string Next, string Previous);

public static class Pager
{
    /// <summary>
    /// One page in the requested order. <paramref name="source"/>(reversed) walks the records in (reverse)
    /// requested order; <paramref name="compareToCursor"/> is negative when a record comes before the cursor in
    /// the requested order. `next`/`previous` are "" when there is nothing in that direction.
    /// </summary>
    public static Page<T> Take<T>(
        ListRequest r, Func<bool, IEnumerable<T>> source, Func<T, JsonElement, int> compareToCursor,
        Func<T, string> cursorOf, Func<string, string> urlWith)
    {
        if (r.Limit == 0) return new Page<T>([], "", "");
        if (r.Before is { } before)
        {
            var back = source(true).SkipWhile(x => compareToCursor(x, before) >= 0).Take(r.Limit + 1).ToList();
            var more = back.Count > r.Limit;
            var items = back.Take(r.Limit).Reverse().ToList();
            return new Page<T>(items,
                items.Count > 0 ? urlWith("after=" + cursorOf(items[^1])) : "",
                more ? urlWith("before=" + cursorOf(items[0])) : "");
        }
        var forward = source(false);
        if (r.After is { } after) forward = forward.SkipWhile(x => compareToCursor(x, after) <= 0);
        var list = forward.Take(r.Limit + 1).ToList();
        var hasNext = list.Count > r.Limit;
        if (hasNext) list.RemoveAt(list.Count - 1);
        return new Page<T>(list,
            hasNext ? urlWith("after=" + cursorOf(list[^1])) : "",
            r.After is not null && list.Count > 0 ? urlWith("before=" + cursorOf(list[0])) : "");
    }

    /// <summary>
    /// The URL of another page: every original parameter except the cursors, the defaults Lightspeed appends
    /// (sort, limit) when they were omitted, then the cursor. Values are re-encoded, so a '+' travels as %2B.
    /// </summary>
    public static Func<string, string> UrlBuilder(HttpRequest request, string baseUrl, ListRequest r)
    {
        var parts = request.Query
            .Where(p => p.Key is not ("after" or "before"))
            .SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "").Replace("%3A", ":")}"))
            .ToList();
        if (!r.SortGiven) parts.Add($"sort={(r.Descending ? "-" : "")}{r.SortField}");
        if (!r.LimitGiven) parts.Add($"limit={r.Limit}");
        var prefix = $"{baseUrl}{request.Path}?{string.Join("&", parts)}";
        return cursor => $"{prefix}&{cursor}";
    }
}
