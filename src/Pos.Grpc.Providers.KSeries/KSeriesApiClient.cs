using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>
/// Reads of the Lightspeed Restaurant (K-Series) API: the businesses and locations a connection sees, who
/// authorised it, Financial API V2 sales, and the devices seen in recent sales. Every request goes through its
/// location's pacer and the retry policy of <see cref="KSeriesRequestRunner"/>.
/// </summary>
public sealed partial class KSeriesApiClient
{
    public const string HttpClientName = "Pos.Grpc.Providers.KSeries.Api";

    /// <summary>Businesses per page of /f/data/businesses (Lightspeed's maximum).</summary>
    private const int BusinessPageSize = 1000;

    private readonly KSeriesRequestRunner _runner;
    private readonly ConnectionTokenManager<KSeriesTokens> _tokens;
    private readonly KSeriesPacerRegistry _pacers;
    private readonly IOptions<KSeriesOptions> _options;
    private readonly TimeProvider _time;

    public KSeriesApiClient(
        IHttpClientFactory httpClientFactory, ConnectionTokenManager<KSeriesTokens> tokens, KSeriesPacerRegistry pacers,
        IOptions<KSeriesOptions> options, TimeProvider timeProvider, KSeriesMetrics? metrics = null, ILogger<KSeriesApiClient>? logger = null)
    {
        _runner = new KSeriesRequestRunner(httpClientFactory, options, timeProvider, metrics?.Requests, logger);
        _tokens = tokens;
        _pacers = pacers;
        _options = options;
        _time = timeProvider;
    }

    private KSeriesOptions Options => _options.Value;

    private string Api => Options.ApiBaseUrl.TrimEnd('/');

    /// <summary>Process-wide counters of a location (all callers): requests made, time waited, 429s.</summary>
    public KSeriesRequestStats GetLocationTotals(string connectionKey, long businessLocationId) =>
        _pacers.For(connectionKey, businessLocationId).Totals;

    /// <summary>
    /// The businesses and locations freshly obtained tokens see (right after the code exchange, before the connection
    /// is stored): the access token as is, no refresh.
    /// </summary>
    public Task<IReadOnlyList<KSeriesBusiness>> DiscoverBusinessesAsync(KSeriesTokens tokens, CancellationToken ct) =>
        ReadBusinessesAsync(_pacers.For("", 0), new TokenSource(_ => Task.FromResult(tokens.AccessToken), null), RequestPriority.Interactive, ct);

    /// <summary>The businesses and business locations (with their time zones) the connection's user can see.</summary>
    public Task<IReadOnlyList<KSeriesBusiness>> GetBusinessesAsync(
        string connectionKey, CancellationToken ct, RequestPriority priority = RequestPriority.Interactive) =>
        ReadBusinessesAsync(_pacers.For(connectionKey, 0), TokensOf(connectionKey), priority, ct);

    /// <summary>The user who authorised the connection (/oauth/userinfo): the token has exactly this user's rights.</summary>
    public async Task<KSeriesUserInfo> GetUserInfoAsync(string connectionKey, CancellationToken ct)
    {
        var context = new RequestContext(_pacers.For(connectionKey, 0), 0, RequestPriority.Interactive, null);
        using var doc = await _runner.GetJsonAsync($"{Api}/oauth/userinfo", context, TokensOf(connectionKey), ct);
        return KSeriesUserInfo.Parse(doc.RootElement);
    }

    /// <summary>
    /// Sales of a location whose timeClosed is in [From, To), oldest first, page by page: one page (at most 100
    /// sales) is held at a time. Ranges longer than <see cref="KSeriesOptions.MaxSalesRange"/> are read as consecutive
    /// windows. Each page tells where to resume (<see cref="KSeriesSalesPage.Resume"/>). A From before the location's
    /// first operational day is moved to that day (Lightspeed names it in its 400).
    /// </summary>
    public async IAsyncEnumerable<KSeriesSalesPage> GetSalesPagesAsync(
        KSeriesLocation location, KSeriesSalesQuery query, KSeriesRequestStats? stats = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var context = new RequestContext(
            _pacers.For(location.ConnectionKey, location.BusinessLocationId), location.BusinessLocationId, query.Priority, stats, query.Admission);
        var tokens = TokensOf(location.ConnectionKey);
        var pageSize = Math.Clamp(query.PageSize ?? Options.PageSize, 1, 100);
        var window = query.ResumeAt ?? FirstWindow(query.From, query.To);

        while (window is not null && window.WindowFrom < window.WindowTo)
        {
            var page = await ReadSalesPageAsync(location, window, query.IncludePayments, pageSize, context, tokens, ct);
            var resume = page.NextPageToken is not null
                ? window with { WindowFrom = page.WindowFrom, PageToken = page.NextPageToken }
                : FirstWindow(window.WindowTo, query.To);
            yield return page with { Resume = resume };
            window = resume;
        }
    }

    /// <summary>
    /// The devices seen in the location's recent sales (<see cref="KSeriesOptions.DeviceDiscoveryWindow"/>, newest day
    /// first, at most <see cref="KSeriesOptions.DeviceDiscoveryMaxPages"/> pages): the account's device and each line's.
    /// K-Series has no device list; a device without sales in the window is not found.
    /// </summary>
    public async Task<IReadOnlyList<KSeriesDevice>> DiscoverDevicesAsync(
        KSeriesLocation location, CancellationToken ct, RequestPriority priority = RequestPriority.Interactive)
    {
        var devices = new Dictionary<long, KSeriesDevice>();
        var end = _time.GetUtcNow();
        var start = end - Options.DeviceDiscoveryWindow;
        var pages = 0;
        for (var dayEnd = end; dayEnd > start && pages < Options.DeviceDiscoveryMaxPages; dayEnd = dayEnd.AddDays(-1))
        {
            var query = new KSeriesSalesQuery(Max(dayEnd.AddDays(-1), start), dayEnd) { Priority = priority };
            await foreach (var page in GetSalesPagesAsync(location, query, null, ct))
            {
                foreach (var sale in page.Sales)
                {
                    See(devices, sale.DeviceId, sale.DeviceName, sale.TimeClosed);
                    foreach (var line in sale.Lines) See(devices, line.DeviceId, line.DeviceName, line.TimeOfSale ?? sale.TimeClosed);
                }
                if (++pages >= Options.DeviceDiscoveryMaxPages) break;
            }
        }
        return devices.Values.OrderBy(d => d.DeviceId).ToList();
    }

    private static void See(Dictionary<long, KSeriesDevice> devices, long? deviceId, string? name, DateTimeOffset? at)
    {
        if (deviceId is not { } id || at is not { } seen) return;
        devices[id] = devices.TryGetValue(id, out var known)
            ? known with
            {
                // The name the device had when it was last seen.
                Name = seen >= known.LastSeen && !string.IsNullOrEmpty(name) ? name : known.Name,
                LastSeen = Max(seen, known.LastSeen),
                SalesSeen = known.SalesSeen + 1,
            }
            : new KSeriesDevice(id, name ?? "", seen, 1);
    }

    private KSeriesSalesCursor? FirstWindow(DateTimeOffset from, DateTimeOffset to) =>
        from < to ? new KSeriesSalesCursor(from, Min(from + Options.MaxSalesRange, to), null) : null;

    /// <summary>
    /// One page of a window. Sales outside [WindowFrom, WindowTo) are dropped: whether Lightspeed's `to` is inclusive is
    /// not documented, and consecutive windows must not both return a sale closed exactly on their boundary.
    /// </summary>
    private async Task<KSeriesSalesPage> ReadSalesPageAsync(
        KSeriesLocation location, KSeriesSalesCursor window, bool includePayments, int pageSize, RequestContext context,
        TokenSource tokens, CancellationToken ct)
    {
        var from = window.WindowFrom;
        JsonDocument doc;
        while (true)
        {
            try
            {
                doc = await _runner.GetJsonAsync(SalesUrl(location.BusinessLocationId, from, window.WindowTo, pageSize, includePayments, window.PageToken),
                    context, tokens, ct);
                break;
            }
            catch (KSeriesBadRequestException e) when (window.PageToken is null && EarliestAvailable(e) is { } earliest && earliest > from)
            {
                if (earliest >= window.WindowTo) return new KSeriesSalesPage([], from, window.WindowTo, null, null);
                from = earliest;
            }
        }
        using (doc)
        {
            var root = doc.RootElement;
            var url = SalesUrl(location.BusinessLocationId, from, window.WindowTo, pageSize, includePayments, window.PageToken);
            var sales = ParseSales(root, url)
                .Where(s => s.TimeClosed is not { } closed || closed >= from && closed < window.WindowTo)
                .ToList();
            var next = Wire.String(root, "nextPageToken") is { Length: > 0 } token ? token : null;
            if (next is not null && next == window.PageToken)
                throw new KSeriesApiException("K-Series paging did not advance (nextPageToken = the token just used).", null, null, url);
            return new KSeriesSalesPage(sales, from, window.WindowTo, next, null);
        }
    }

    /// <summary>A sale that is valid JSON but not a valid sale (a number that is not one) is an error, not a retry.</summary>
    private static List<KSeriesSale> ParseSales(JsonElement root, string url)
    {
        try
        {
            return Wire.Array(root, "sales").Select(KSeriesSale.Parse).ToList();
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new KSeriesApiException($"K-Series sent a sale that cannot be read: {e.Message}", null, null, url, e);
        }
    }

    internal string SalesUrl(long businessLocationId, DateTimeOffset from, DateTimeOffset to, int pageSize, bool includePayments, string? pageToken)
    {
        var parts = new List<string>
        {
            "from=" + Uri.EscapeDataString(WireTime(from)),
            "to=" + Uri.EscapeDataString(WireTime(to)),
            "pageSize=" + pageSize.ToString(CultureInfo.InvariantCulture),
        };
        if (includePayments) parts.Add("include=payments");
        if (pageToken is not null) parts.Add("nextPageToken=" + Uri.EscapeDataString(pageToken));
        return $"{Api}/f/v2/business-location/{businessLocationId.ToString(CultureInfo.InvariantCulture)}/sales?{string.Join("&", parts)}";
    }

    /// <summary>UTC with milliseconds and Z, as K-Series writes its own timestamps.</summary>
    internal static string WireTime(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The earliest date of the 400 "not operational on the provided date ... after: {date}, which is ...".</summary>
    private static DateTimeOffset? EarliestAvailable(KSeriesBadRequestException e)
    {
        if (e.ServerMessage is not { } message || EarliestDate().Match(message) is not { Success: true } match) return null;
        try
        {
            return Wire.ParseTime(match.Groups[1].Value);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"not operational.*?after:\s*([0-9][0-9T:.+\-Z]*)", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex EarliestDate();

    private async Task<IReadOnlyList<KSeriesBusiness>> ReadBusinessesAsync(
        KSeriesLocationPacer pacer, TokenSource tokens, RequestPriority priority, CancellationToken ct)
    {
        var context = new RequestContext(pacer, 0, priority, null);
        var all = new List<KSeriesBusiness>();
        for (var page = 0; ; page++)
        {
            using var doc = await _runner.GetJsonAsync($"{Api}/f/data/businesses?page={page}&size={BusinessPageSize}", context, tokens, ct);
            var businesses = KSeriesBusiness.ParseList(doc.RootElement);
            all.AddRange(businesses);
            if (businesses.Count < BusinessPageSize) return all;
        }
    }

    private TokenSource TokensOf(string connectionKey) => new(
        ct => _tokens.GetAccessTokenAsync(connectionKey, ct),
        (rejected, ct) => _tokens.RefreshAfterUnauthorizedAsync(connectionKey, rejected, ct));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
