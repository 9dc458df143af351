using System.Text.Json;
using Pos.Grpc.LightspeedSimulator.Domain;

namespace Pos.Grpc.LightspeedSimulator.Api;

/// <summary>The filters, relations and paging of one Sale.json request.</summary>
public sealed class SaleQuery
{
    public static readonly string[] Sortable = ["saleID", "timeStamp", "completeTime", "updatetime"];

    private readonly List<Func<SimSale, bool>> _predicates = [];

    public required ListRequest List { get; init; }
    public required SaleSortField Sort { get; init; }
    public bool WithLines { get; private set; }
    /// <summary>Number of relations loaded, for the request cost.</summary>
    public int RelationCount { get; private set; }
    /// <summary>Bounds on the sort time (or any time filter) that narrow which generated days are walked.</summary>
    public DateTimeOffset? FromUtc { get; private set; }
    public DateTimeOffset? ToUtc { get; private set; }

    public bool Matches(SimSale s) => _predicates.All(p => p(s));

    public static SaleQuery Parse(IQueryCollection q)
    {
        var list = ListRequest.Parse(q, "saleID", Sortable);
        var query = new SaleQuery
        {
            List = list,
            Sort = list.SortField switch
            {
                "completeTime" => SaleSortField.CompleteTime,
                "timeStamp" or "updatetime" => SaleSortField.TimeStamp,
                _ => SaleSortField.SaleId,
            },
        };
        query.AddLong(q, "saleID", s => s.SaleId);
        query.AddLong(q, "shopID", s => s.ShopId);
        query.AddLong(q, "registerID", s => s.RegisterId);
        query.AddLong(q, "employeeID", s => s.EmployeeId);
        query.AddLong(q, "customerID", s => s.CustomerId);
        query.AddBool(q, "completed", s => s.Completed);
        query.AddBool(q, "voided", s => s.Voided);
        query.AddTime(q, "completeTime", s => s.CompleteTime, narrows: true);
        query.AddTime(q, "timeStamp", s => s.TimeStamp, narrows: true);
        query.AddTime(q, "updatetime", s => s.TimeStamp, narrows: true);
        query.AddTime(q, "updateTime", s => s.TimeStamp, narrows: true);
        query.AddTime(q, "createTime", s => s.CreateTime, narrows: false);
        query.AddArchived(q);
        query.ParseRelations(q);
        return query;
    }

    /// <summary>Negative when the sale comes before the cursor in the requested order.</summary>
    public int CompareToCursor(SimSale s, JsonElement cursor)
    {
        int cmp;
        if (Sort == SaleSortField.SaleId)
        {
            cmp = s.SaleId.CompareTo(CursorId(cursor, 0));
        }
        else
        {
            var time = FilterValues.Time(cursor[0].GetString() ?? "");
            cmp = Nullable.Compare(SalesCatalog.TimeKey(s, Sort), time);
            if (cmp == 0 && cursor.GetArrayLength() > 1) cmp = s.SaleId.CompareTo(CursorId(cursor, 1));
        }
        return List.Descending ? -cmp : cmp;
    }

    public string CursorOf(SimSale s) => ListRequest.EncodeCursor(w =>
    {
        if (Sort != SaleSortField.SaleId) w.WriteStringValue(WireJson.Time(SalesCatalog.TimeKey(s, Sort)!.Value));
        w.WriteNumberValue(s.SaleId);
    });

    /// <summary>
    /// Day-walk bounds once the cursor is known: an `after` cursor on an ascending time sort starts the walk at
    /// the cursor's time instead of the beginning of history.
    /// </summary>
    public (DateTimeOffset? From, DateTimeOffset? To) WalkBounds()
    {
        var (from, to) = (FromUtc, ToUtc);
        if (List.After is { } after && Sort != SaleSortField.SaleId)
        {
            var t = FilterValues.Time(after[0].GetString() ?? "");
            if (List.Descending) to = to is null || t < to ? t : to;
            else from = from is null || t > from ? t : from;
        }
        return (from, to);
    }

    /// <summary>The time of an `after` cursor on an ascending time sort: no sale sorting before it is on the page.</summary>
    public DateTimeOffset? AfterTime =>
        List.After is { } after && Sort != SaleSortField.SaleId && !List.Descending ? FilterValues.Time(after[0].GetString() ?? "") : null;

    private static long CursorId(JsonElement cursor, int index) =>
        cursor[index].ValueKind == JsonValueKind.Number ? cursor[index].GetInt64() : FilterValues.Id(cursor[index].GetString() ?? "");

    private void AddLong(IQueryCollection q, string field, Func<SimSale, long> get)
    {
        if (q[field].ToString() is not { Length: > 0 } raw) return;
        var filter = QueryFilter<long>.Parse(field, raw, FilterValues.Id);
        _predicates.Add(s => filter.Matches(get(s)));
    }

    private void AddBool(IQueryCollection q, string field, Func<SimSale, bool> get)
    {
        if (q[field].ToString() is not { Length: > 0 } raw) return;
        var filter = QueryFilter<bool>.Parse(field, raw, FilterValues.Bool);
        _predicates.Add(s => filter.Matches(get(s)));
    }

    private void AddTime(IQueryCollection q, string field, Func<SimSale, DateTimeOffset?> get, bool narrows)
    {
        if (q[field].ToString() is not { Length: > 0 } raw) return;
        var filter = QueryFilter<DateTimeOffset>.Parse(field, raw, FilterValues.Time);
        _predicates.Add(s => get(s) is { } t && filter.Matches(t));
        if (!narrows) return;
        if (filter.LowerBound is (true, var lo) && (FromUtc is null || lo > FromUtc)) FromUtc = lo;
        if (filter.UpperBound is (true, var hi) && (ToUtc is null || hi < ToUtc)) ToUtc = hi;
    }

    /// <summary>archived: false (default) excludes archived sales, true includes them, only returns just them.</summary>
    private void AddArchived(IQueryCollection q)
    {
        switch (q["archived"].ToString())
        {
            case "" or "false" or "0": _predicates.Add(s => !s.Archived); break;
            case "true" or "1": break;
            case "only": _predicates.Add(s => s.Archived); break;
            default: throw new BadQueryException($"Invalid value '{q["archived"]}' for archived.");
        }
    }

    private void ParseRelations(IQueryCollection q)
    {
        var raw = q["load_relations"].ToString();
        if (raw == "") return;
        if (raw == "all")
        {
            WithLines = true;
            RelationCount = 1;
            return;
        }
        try
        {
            using var doc = JsonDocument.Parse(raw);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new JsonException();
            var relations = doc.RootElement.EnumerateArray().Select(e => e.GetString() ?? "").ToList();
            WithLines = relations.Any(r => r == "SaleLines" || r.StartsWith("SaleLines.", StringComparison.Ordinal));
            RelationCount = relations.Count;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new BadQueryException("load_relations must be a JSON array of relation names, or all.");
        }
    }
}
