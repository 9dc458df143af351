using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>A connection the API is read through: the host's key for its tokens, and its Lightspeed account.</summary>
public sealed record RSeriesConnection(string ConnectionKey, long AccountId);

/// <summary>
/// Reads of the Lightspeed Retail R-Series API V3: account discovery, shops, registers and sales.
/// Every request goes through the account's pacer and the retry policy of <see cref="RSeriesRequestRunner"/>.
/// </summary>
public sealed class RSeriesApiClient
{
    public const string HttpClientName = "Pos.Grpc.Providers.RSeries.Api";

    private readonly RSeriesRequestRunner _runner;
    private readonly RSeriesTokenManager _tokens;
    private readonly RSeriesPacerRegistry _pacers;
    private readonly IOptions<RSeriesOptions> _options;

    public RSeriesApiClient(
        IHttpClientFactory httpClientFactory, RSeriesTokenManager tokens, RSeriesPacerRegistry pacers,
        IOptions<RSeriesOptions> options, RSeriesMetrics? metrics = null, ILogger<RSeriesApiClient>? logger = null)
    {
        _runner = new RSeriesRequestRunner(httpClientFactory, pacers, options, metrics?.Requests, logger);
        _tokens = tokens;
        _pacers = pacers;
        _options = options;
    }

    private string ApiBase => _options.Value.ApiBaseUrl.TrimEnd('/') + "/API/V3";

    /// <summary>Process-wide counters of an account (all callers): requests made, time waited, 429s.</summary>
    public RSeriesRequestStats GetAccountTotals(long accountId) => _pacers.For(accountId).Totals;

    /// <summary>
    /// Which account freshly obtained tokens belong to (right after the code exchange, before the connection is
    /// stored). Uses the access token as is, no refresh. Falls back to the JWT `acct` claim when Account.json
    /// names no account.
    /// </summary>
    public async Task<RSeriesAccount> DiscoverAccountAsync(RSeriesTokens tokens, CancellationToken ct)
    {
        var fromToken = RSeriesJwt.TryReadAccountId(tokens.AccessToken);
        var source = new TokenSource(_ => Task.FromResult(tokens.AccessToken), null);
        return await ReadAccountAsync(source, fromToken, ct);
    }

    /// <summary>The account's shops with their time zones. Archived shops only when asked for.</summary>
    public Task<IReadOnlyList<RSeriesShop>> GetShopsAsync(
        RSeriesConnection connection, CancellationToken ct, bool includeArchived = false, RequestPriority priority = RequestPriority.Interactive) =>
        ReadAllAsync(connection, "Shop", "shopID", includeArchived, RSeriesShop.Parse, priority, ct);

    /// <summary>The account's registers (each names its shop). Archived registers only when asked for.</summary>
    public Task<IReadOnlyList<RSeriesRegister>> GetRegistersAsync(
        RSeriesConnection connection, CancellationToken ct, bool includeArchived = false, RequestPriority priority = RequestPriority.Interactive) =>
        ReadAllAsync(connection, "Register", "registerID", includeArchived, RSeriesRegister.Parse, priority, ct);

    /// <summary>
    /// Completed, non-voided (and, by Lightspeed's default, non-archived) sales of a completeTime window,
    /// streamed sale by sale (see <see cref="GetSalesPagesAsync"/>).
    /// </summary>
    public async IAsyncEnumerable<RSeriesSale> GetSalesAsync(
        RSeriesConnection connection, RSeriesSalesQuery query, RSeriesRequestStats? stats = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var page in GetSalesPagesAsync(connection, query, stats, RequestPriority.Manual, ct: ct))
            foreach (var sale in page)
                yield return sale;
    }

    /// <summary>
    /// The sales of <paramref name="query"/> page by page (at most 100 sales each), following Lightspeed's cursor: only
    /// one page is held at a time, and the next is requested only when the caller asks for it.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<RSeriesSale>> GetSalesPagesAsync(
        RSeriesConnection connection, RSeriesSalesQuery query, RSeriesRequestStats? stats, RequestPriority priority,
        RequestAdmission? admission = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? url = SalesUrl(connection.AccountId, query);
        var tokens = TokensOf(connection.ConnectionKey);
        var cost = query.IncludeLines ? SalesPageCost : 1;
        while (url is not null)
        {
            List<RSeriesSale> page;
            string? next;
            using (var doc = await _runner.GetJsonAsync(url, connection.AccountId, cost, tokens, stats, priority, ct, admission))
            {
                page = Wire.Many(doc.RootElement, "Sale").Select(RSeriesSale.Parse).ToList();
                next = Wire.NextUrl(doc.RootElement);
            }
            yield return page;
            url = NextPage(url, next);
        }
    }

    /// <summary>How many requests of the account may be in flight at once to use its rate limit (see the pacer).</summary>
    public int ParallelRequests(long accountId) => _pacers.For(accountId).ParallelRequests();

    /// <summary>One sale by id with its lines, or null when Lightspeed does not know it.</summary>
    public async Task<RSeriesSale?> GetSaleAsync(RSeriesConnection connection, long saleId, CancellationToken ct)
    {
        var url = $"{ApiBase}/Account/{connection.AccountId}/Sale/{saleId}.json?load_relations={Relations}";
        try
        {
            using var doc = await _runner.GetJsonAsync(url, connection.AccountId, 1.2, TokensOf(connection.ConnectionKey), null, RequestPriority.Interactive, ct);
            return Wire.Many(doc.RootElement, "Sale").Select(RSeriesSale.Parse).FirstOrDefault();
        }
        catch (RSeriesNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// A sales page: 1 drip plus 0.2 for the to-many SaleLines relation, doubled on list reads (lightspeed-api.md §6).
    /// </summary>
    private const double SalesPageCost = 1.4;

    /// <summary>URL-encoded ["SaleLines"].</summary>
    private const string Relations = "%5B%22SaleLines%22%5D";

    /// <summary>
    /// The hourly-import query of lightspeed-api.md §3. The "between" operator is inclusive and timestamps
    /// have whole seconds, so the exclusive end becomes end − 1 s. A '+' in an offset must travel as %2B,
    /// or the server decodes it to a space.
    /// </summary>
    internal string SalesUrl(long accountId, RSeriesSalesQuery query)
    {
        var parts = new List<string>();
        // A change probe wants every state a sale can change into (voided, reopened), so it filters on none.
        if (query.ChangedAfter is null) parts.AddRange(["completed=true", "voided=false"]);
        parts.Add($"completeTime=%3E%3C%2C{WireTime(query.From)}%2C{WireTime(query.Until.AddSeconds(-1))}");
        if (query.ChangedAfter is { } changedAfter) parts.Add($"timeStamp=%3E%2C{WireTime(changedAfter)}");
        if (query.ShopIds.Count == 1) parts.Add($"shopID={query.ShopIds[0].ToString(CultureInfo.InvariantCulture)}");
        else if (query.ShopIds.Count > 1) parts.Add("shopID=" + InList(query.ShopIds));
        if (query.RegisterIds.Count > 0) parts.Add("registerID=" + InList(query.RegisterIds));
        if (query.IncludeLines) parts.Add("load_relations=" + Relations);
        parts.Add(query.ChangedAfter is null ? "sort=completeTime" : "sort=timeStamp");
        parts.Add($"limit={PageSize}");
        return $"{ApiBase}/Account/{accountId}/Sale.json?{string.Join("&", parts)}";
    }

    private static string InList(IReadOnlyList<long> ids) =>
        Uri.EscapeDataString($"IN,[{string.Join(",", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)))}]");

    internal static string WireTime(DateTimeOffset t) =>
        t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture).Replace("+", "%2B");

    private int PageSize => Math.Clamp(_options.Value.PageSize, 1, 100);

    private async Task<RSeriesAccount> ReadAccountAsync(TokenSource tokens, long? accountFromToken, CancellationToken ct)
    {
        try
        {
            using var doc = await _runner.GetJsonAsync($"{ApiBase}/Account.json", accountFromToken ?? 0, 1, tokens, null, RequestPriority.Interactive, ct);
            var account = Wire.Many(doc.RootElement, "Account").FirstOrDefault();
            if (account.ValueKind == JsonValueKind.Object && Wire.Long(account, "accountID") is > 0 and var id)
                return new RSeriesAccount(id, Wire.String(account, "name") ?? "");
        }
        catch (RSeriesNotFoundException) when (accountFromToken is not null)
        {
            // Fall through to the acct claim.
        }
        return accountFromToken is { } fallback
            ? new RSeriesAccount(fallback, "")
            : throw new RSeriesApiException("Lightspeed named no account for this token.", null, null, $"{ApiBase}/Account.json");
    }

    private async Task<IReadOnlyList<T>> ReadAllAsync<T>(
        RSeriesConnection connection, string resource, string sortField, bool includeArchived,
        Func<JsonElement, T> parse, RequestPriority priority, CancellationToken ct)
    {
        var tokens = TokensOf(connection.ConnectionKey);
        var archived = includeArchived ? "archived=true&" : "";
        string? url = $"{ApiBase}/Account/{connection.AccountId}/{resource}.json?{archived}sort={sortField}&limit={PageSize}";
        var all = new List<T>();
        while (url is not null)
        {
            using var doc = await _runner.GetJsonAsync(url, connection.AccountId, 1, tokens, null, priority, ct);
            all.AddRange(Wire.Many(doc.RootElement, resource).Select(parse));
            url = NextPage(url, Wire.NextUrl(doc.RootElement));
        }
        return all;
    }

    /// <summary>
    /// `next` is used exactly as given (Lightspeed says not to craft cursors); a relative one is resolved
    /// against the API base. A `next` equal to the current URL would loop for ever, so it is an error; so is a
    /// `next` on another host: the request carries the connection's bearer token, which must never leave Lightspeed.
    /// </summary>
    private string? NextPage(string current, string? next)
    {
        if (next is null) return null;
        var apiBase = new Uri(_options.Value.ApiBaseUrl);
        var absolute = Uri.IsWellFormedUriString(next, UriKind.Absolute) ? new Uri(next) : new Uri(apiBase, next);
        if (Uri.Compare(absolute, apiBase, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            throw new RSeriesApiException($"Lightspeed paging pointed to another host ({absolute.Host}); the page is not followed.", null, null, current);
        return absolute.AbsoluteUri == current
            ? throw new RSeriesApiException("Lightspeed paging did not advance (next = current page).", null, null, current)
            : absolute.AbsoluteUri;
    }

    private TokenSource TokensOf(string connectionKey) => new(
        ct => _tokens.GetAccessTokenAsync(connectionKey, ct),
        (rejected, ct) => _tokens.RefreshAfterUnauthorizedAsync(connectionKey, rejected, ct));
}
