using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Pos.Grpc.LightspeedSimulator.KSeries.Domain;

namespace Pos.Grpc.LightspeedSimulator.KSeries.Api;

/// <summary>
/// The K-Series API: /oauth/userinfo, /f/data/businesses, Financial V2 /sales and /sales-daily, V1 /financials.
/// </summary>
public static class KApiEndpoints
{
    private static readonly string[] StaffRoles = ["ROLE_BACK_OFFICE", "ROLE_BO_WRITE", "ROLE_REPORT", "ROLE_CONFIG"];

    private const int V2DefaultPageSize = 50;
    private const int V2MaxPageSize = 100;
    private const int V1MaxPageSize = 1000;
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(365);

    public static void MapKSeriesApi(this WebApplication app)
    {
        app.MapGet("/oauth/userinfo", (HttpContext c, KApiPipeline p) => p.RunAsync(c, null, UserInfo));
        app.MapGet("/f/data/businesses", (HttpContext c, KApiPipeline p, KLocationStore l, KSeriesSimulatorOptions o) =>
            p.RunAsync(c, null, call => Businesses(call, l, o)));
        app.MapGet("/f/v2/business-location/{blId:long}/sales",
            (HttpContext c, long blId, KApiPipeline p, KSalesCatalog catalog, KSeriesSimulatorOptions o, SimClock clock) =>
                p.RunAsync(c, blId, call => Sales(call, catalog, o, clock)));
        app.MapGet("/f/v2/business-location/{blId:long}/sales-daily",
            (HttpContext c, long blId, KApiPipeline p, KSalesCatalog catalog, SimClock clock) =>
                p.RunAsync(c, blId, call => SalesDaily(call, catalog, clock)));
        app.MapGet("/f/finance/{blId:long}/financials/{from}/{to}",
            (HttpContext c, long blId, string from, string to, KApiPipeline p, KSalesCatalog catalog, KSeriesSimulatorOptions o, SimClock clock) =>
                p.RunAsync(c, blId, call => Financials(call, from, to, catalog, o, clock)));
    }

    private static KAnswer Ok(byte[] body) => new(200, body);

    private static KAnswer UserInfo(KApiCall call) => Ok(KWireJson.Build(w =>
    {
        var email = call.Grant.Client.UserEmail;
        w.WriteString("name", email);
        w.WriteStartObject("attributes");
        w.WriteStartObject("staff");
        w.WriteStartArray("roles");
        foreach (var role in StaffRoles) w.WriteStringValue(role);
        w.WriteEndArray();
        w.WriteString("emailAddress", email);
        w.WriteString("firstName", "Sandra");
        w.WriteString("lastName", "Box");
        w.WriteNumber("userId", 4345);
        w.WriteEndObject();
        w.WriteEndObject();
    }));

    /// <summary>The locations of the token's user, grouped by business; everything fits on page 0.</summary>
    private static KAnswer Businesses(KApiCall call, KLocationStore locations, KSeriesSimulatorOptions options)
    {
        var page = int.TryParse(call.Request.Query["page"], out var p) ? p : 0;
        var visible = page > 0 ? [] : call.Grant.LocationIds.Select(locations.Find).OfType<KLocation>();
        return Ok(KWireJson.Businesses(visible, options.LocationIdFieldName));
    }

    /// <summary>
    /// Sales with timeClosed in [from, to] (both inclusive here: the documentation does not say, and inclusive is the
    /// case a client must survive), ascending, pageSize 1..100 (default 50), opaque nextPageToken bound to from/to.
    /// </summary>
    private static KAnswer Sales(KApiCall call, KSalesCatalog catalog, KSeriesSimulatorOptions options, SimClock clock)
    {
        var q = call.Request.Query;
        var location = call.Location!;
        var rawFrom = q["from"].ToString();
        var rawTo = q["to"].ToString();
        var (from, to) = Range(rawFrom, rawTo, location, clock);
        var pageSize = PageSize(q["pageSize"].ToString(), options);
        var includePayments = Includes(q["include"].ToString()).Contains("payments");
        var token = q["nextPageToken"].ToString() is { Length: > 0 } t ? PageToken.Decode(t, rawFrom, rawTo) : null;
        if (token is not null) to = token.EffectiveTo;
        var after = token is null ? null : new KSale { AccountFiscId = token.AfterId, TimeClosed = token.AfterClosed, Device = new KDevice(0, "") };
        var items = catalog.Closed(location, from, to, after).Take(pageSize + 1).ToList();
        var page = items.Take(pageSize).ToList();
        Interlocked.Increment(ref location.Stats.SalesPages);
        location.Stats.SeeRange((to - from).TotalDays);
        return Ok(KWireJson.Build(w =>
        {
            KWireJson.Sales(w, page, includePayments, SaleSpelling.V2(location.Zone));
            if (items.Count > pageSize)
                w.WriteString("nextPageToken", new PageToken(rawFrom, rawTo, to, page[^1].TimeClosed, page[^1].AccountFiscId).Encode());
            else if (options.LastPageToken == "empty")
                w.WriteString("nextPageToken", "");
            else if (options.LastPageToken == "null")
                w.WriteNull("nextPageToken");
        }));
    }

    /// <summary>One business day (from the location's day start to the next), no paging; dataComplete once it has ended.</summary>
    private static KAnswer SalesDaily(KApiCall call, KSalesCatalog catalog, SimClock clock)
    {
        var location = call.Location!;
        if (!DateOnly.TryParseExact(call.Request.Query["date"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw new KBadRequestException($"Invalid date format: {call.Request.Query["date"]}");
        var start = DayStart(location, date);
        var end = DayStart(location, date.AddDays(1));
        var includePayments = Includes(call.Request.Query["include"].ToString()).Contains("payments");
        var sales = catalog.Closed(location, start, end.AddTicks(-1)).ToList();
        return Ok(KWireJson.Build(w =>
        {
            KWireJson.Sales(w, sales, includePayments, SaleSpelling.V2(location.Zone));
            w.WriteString("nextStartOfDayAsIso8601", KWireJson.DayBoundary(end, location.Zone));
            w.WriteBoolean("dataComplete", clock.UtcNow >= end);
        }));
    }

    /// <summary>
    /// V1 financials: from/to in the path, pageSize up to 1000, nextPageToken = the accountFiscId the next page begins
    /// with, _links.nextPage.href while there is more; V1 field names and local offsets.
    /// </summary>
    private static KAnswer Financials(KApiCall call, string rawFrom, string rawTo, KSalesCatalog catalog, KSeriesSimulatorOptions options, SimClock clock)
    {
        var location = call.Location!;
        var q = call.Request.Query;
        var (from, to) = Range(rawFrom, rawTo, location, clock);
        var pageSize = int.TryParse(q["pageSize"], out var size) ? Math.Clamp(size, 1, V1MaxPageSize) : V1MaxPageSize;
        var includePayments = Includes(q["include"].ToString()).Contains("payments");
        var all = catalog.Closed(location, from, to).ToList();
        var start = 0;
        if (q["nextPageToken"].ToString() is { Length: > 0 } token)
        {
            start = all.FindIndex(s => s.AccountFiscId == token);
            if (start < 0) throw new KBadRequestException($"Unknown nextPageToken: {token}");
        }
        var page = all.Skip(start).Take(pageSize).ToList();
        var next = start + pageSize < all.Count ? all[start + pageSize].AccountFiscId : "";
        var self = $"{call.Request.Scheme}://{call.Request.Host}{call.Request.Path}";
        var query = $"pageSize={pageSize}{(includePayments ? "&include=payments" : "")}";
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.UtcNow, location.Zone).DateTime);
        var nextDay = DayStart(location, today) > clock.UtcNow ? DayStart(location, today) : DayStart(location, today.AddDays(1));
        return Ok(KWireJson.Build(w =>
        {
            w.WriteString("businessName", location.BusinessName);
            w.WriteString("nextStartOfDayAsIso8601", KWireJson.DayBoundary(nextDay, location.Zone));
            w.WriteNumber("businessLocationId", location.BusinessLocationId);
            KWireJson.Sales(w, page, includePayments, new SaleSpelling(true, options.V1CloseFieldName, location.Zone));
            w.WriteBoolean("dataComplete", to < clock.UtcNow.AddMinutes(-1));
            w.WriteString("nextPageToken", next);
            w.WriteStartObject("_links");
            w.WriteStartObject("self");
            w.WriteString("href", $"{self}?{query}{(start > 0 ? "&nextPageToken=" + Uri.EscapeDataString(all[start].AccountFiscId) : "")}");
            w.WriteBoolean("templated", false);
            w.WriteEndObject();
            if (next != "")
            {
                w.WriteStartObject("nextPage");
                w.WriteString("href", $"{self}?{query}&nextPageToken={Uri.EscapeDataString(next)}");
                w.WriteBoolean("templated", false);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }));
    }

    /// <summary>The 400s of the reference for from/to, verbatim where it gives them; to missing or in the future is now.</summary>
    private static (DateTimeOffset From, DateTimeOffset To) Range(string rawFrom, string rawTo, KLocation location, SimClock clock)
    {
        if (rawFrom == "")
            throw new KBadRequestException("Required request parameter 'from' for method parameter type OffsetDateTime is not present");
        var from = ParseInstant(rawFrom);
        var now = clock.UtcNow;
        var to = rawTo == "" ? now : ParseInstant(rawTo);
        if (to > now) to = now;
        if (from > to)
            throw new KBadRequestException($"Invalid date range: 'from' date {rawFrom} should not be after 'to' date {(rawTo == "" ? KWireJson.UtcTime(to) : rawTo)}");
        if (to - from > MaxRange)
            throw new KBadRequestException($"Invalid date range: the period between 'from' date {rawFrom} and 'to' date {rawTo} exceeds 365 days");
        var opened = DayStart(location, location.OpenedOn, TimeOnly.MinValue);
        if (from < opened)
            throw new KBadRequestException("Invalid 'from' date query parameter. The requested business location was not operational on the provided date.\n"
                + $"Please specify a date and time after: {KWireJson.UtcTime(opened)}, which is the earliest available date for this location.\n");
        return (from, to);
    }

    private static DateTimeOffset ParseInstant(string raw)
    {
        // ISO-8601 with an offset or Z; a '+' that arrived as a space (not URL-encoded) is put back.
        var text = raw.Contains('T') ? raw.Replace(' ', '+') : raw;
        return text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
               && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T'))
            ? t.ToUniversalTime()
            : throw new KBadRequestException($"Invalid date format: {raw}");
    }

    private static int PageSize(string raw, KSeriesSimulatorOptions options)
    {
        if (raw == "") return V2DefaultPageSize;
        if (!int.TryParse(raw, out var size) || size < 1) throw new KBadRequestException($"Invalid pageSize: {raw}. It must be between 1 and {V2MaxPageSize}");
        if (size <= V2MaxPageSize) return size;
        return options.PageSizeAboveMaximum == "reject"
            ? throw new KBadRequestException($"Invalid pageSize: {raw}. It must be between 1 and {V2MaxPageSize}")
            : V2MaxPageSize;
    }

    private static HashSet<string> Includes(string raw) =>
        raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static DateTimeOffset DayStart(KLocation location, DateOnly date) => DayStart(location, date, location.BusinessDayStart);

    private static DateTimeOffset DayStart(KLocation location, DateOnly date, TimeOnly at)
    {
        var local = date.ToDateTime(at, DateTimeKind.Unspecified);
        if (location.Zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, location.Zone), TimeSpan.Zero);
    }

    /// <summary>The opaque page token: where the last page ended, and the from/to (as sent) it belongs to.</summary>
    private sealed record PageToken(string From, string To, DateTimeOffset EffectiveTo, DateTimeOffset AfterClosed, string AfterId)
    {
        public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

        public static PageToken Decode(string token, string from, string to)
        {
            PageToken? decoded;
            try
            {
                decoded = JsonSerializer.Deserialize<PageToken>(Base64Url.DecodeFromChars(token));
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                decoded = null;
            }
            if (decoded is null) throw new KBadRequestException($"Invalid nextPageToken: {token}");
            return decoded.From == from && decoded.To == to
                ? decoded
                : throw new KBadRequestException("Invalid nextPageToken: it belongs to another from/to");
        }
    }
}
