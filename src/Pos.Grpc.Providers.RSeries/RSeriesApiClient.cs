using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;

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
        IOptions<RSeriesOptions> options)
    {
        _runner = new RSeriesRequestRunner(httpClientFactory, pacers, options);
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

    /// <summary>The account of a stored connection (refreshing its token when needed).</summary>
    public Task<RSeriesAccount> GetAccountAsync(string connectionKey, CancellationToken ct) =>
        ReadAccountAsync(TokensOf(connectionKey), null, ct);

    /// <summary>The account's shops with their time zones. Archived shops only when asked for.</summary>
    public Task<IReadOnlyList<RSeriesShop>> GetShopsAsync(
        RSeriesConnection connection, CancellationToken ct, bool includeArchived = false) =>
        ReadAllAsync(connection, "Shop", "shopID", includeArchived, RSeriesShop.Parse, ct);

    /// <summary>The account's registers (each names its shop). Archived registers only when asked for.</summary>
    public Task<IReadOnlyList<RSeriesRegister>> GetRegistersAsync(
        RSeriesConnection connection, CancellationToken ct, bool includeArchived = false) =>
        ReadAllAsync(connection, "Register", "registerID", includeArchived, RSeriesRegister.Parse, ct);

    /// <summary>
    /// Completed, non-voided (and, by Lightspeed's default, non-archived) sales of a completeTime window,
    /// streamed page by page: only one page (at most 100 sales) is held at a time.
    /// </summary>
    public async IAsyncEnumerable<RSeriesSale> GetSalesAsync(
        RSeriesConnection connection, RSeriesSalesQuery query, RSeriesRequestStats? stats = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? url = SalesUrl(connection.AccountId, query);
        var tokens = TokensOf(connection.ConnectionKey);
        while (url is not null)
        {
            List<RSeriesSale> page;
            string? next;
            using (var doc = await _runner.GetJsonAsync(url, connection.AccountId, query.IncludeLines ? SalesPageCost : 1, tokens, stats, ct))
            {
                page = Wire.Many(doc.RootElement, "Sale").Select(RSeriesSale.Parse).ToList();
                next = Wire.NextUrl(doc.RootElement);
            }
            foreach (var sale in page) yield return sale;
            url = NextPage(url, next);
        }
    }

    /// <summary>One sale by id with its lines, or null when Lightspeed does not know it.</summary>
    public async Task<RSeriesSale?> GetSaleAsync(RSeriesConnection connection, long saleId, CancellationToken ct)
    {
        var url = $"{ApiBase}/Account/{connection.AccountId}/Sale/{saleId}.json?load_relations={Relations}";
        try
        {
            using var doc = await _runner.GetJsonAsync(url, connection.AccountId, 1.2, TokensOf(connection.ConnectionKey), null, ct);
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
        var parts = new List<string>
        {
            "completed=true",
            "voided=false",
            $"completeTime=%3E%3C%2C{WireTime(query.From)}%2C{WireTime(query.Until.AddSeconds(-1))}",
        };
        if (query.ShopId is { } shopId) parts.Add($"shopID={shopId.ToString(CultureInfo.InvariantCulture)}");
        if (query.RegisterIds.Count > 0)
            parts.Add("registerID=" + Uri.EscapeDataString(
                $"IN,[{string.Join(",", query.RegisterIds.Select(id => id.ToString(CultureInfo.InvariantCulture)))}]"));
        if (query.IncludeLines) parts.Add("load_relations=" + Relations);
        parts.Add("sort=completeTime");
        parts.Add($"limit={PageSize}");
        return $"{ApiBase}/Account/{accountId}/Sale.json?{string.Join("&", parts)}";
    }

    internal static string WireTime(DateTimeOffset t) =>
        t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture).Replace("+", "%2B");

    private int PageSize => Math.Clamp(_options.Value.PageSize, 1, 100);

    private async Task<RSeriesAccount> ReadAccountAsync(TokenSource tokens, long? accountFromToken, CancellationToken ct)
    {
        try
        {
            using var doc = await _runner.GetJsonAsync($"{ApiBase}/Account.json", accountFromToken ?? 0, 1, tokens, null, ct);
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
        Func<JsonElement, T> parse, CancellationToken ct)
    {
        var tokens = TokensOf(connection.ConnectionKey);
        var archived = includeArchived ? "archived=true&" : "";
        string? url = $"{ApiBase}/Account/{connection.AccountId}/{resource}.json?{archived}sort={sortField}&limit={PageSize}";
        var all = new List<T>();
        while (url is not null)
        {
            using var doc = await _runner.GetJsonAsync(url, connection.AccountId, 1, tokens, null, ct);
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
