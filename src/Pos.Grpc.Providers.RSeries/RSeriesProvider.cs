using System.Globalization;
using System.Runtime.CompilerServices;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// Lightspeed Retail (R-Series) as the import engine's POS: sales read through <see cref="RSeriesApiClient"/> (cursor
/// paging, the account's leaky bucket in the read's priority), counted by docs/domain.md section 5's rule (completed, not
/// voided, not archived), lines reduced to the neutral amounts, and the timeStamp (last-modified) cursor as change probe.
/// Every R-Series failure leaves here as a <see cref="PosProviderException"/> with a stable reason and a plain message.
/// </summary>
public sealed class RSeriesProvider(RSeriesApiClient api) : IPosProvider
{
    private static readonly IReadOnlySet<PosNumber> Provided = new HashSet<PosNumber>
    {
        PosNumber.GrossSales, PosNumber.NetSales, PosNumber.Discounts, PosNumber.Returns,
        PosNumber.Transactions, PosNumber.GoodsSold, PosNumber.ReturnedGoods,
    };

    public PosSystem System => PosSystem.LightspeedRSeries;

    /// <summary>Everything but visitors: no Lightspeed Retail API gives foot traffic.</summary>
    public IReadOnlySet<PosNumber> ProvidedNumbers => Provided;

    public bool HasChangeCursor => true;

    public int ParallelReads(PosAccount account) => api.ParallelRequests(AccountIdOf(account));

    public async IAsyncEnumerable<SalesPage> ReadSalesAsync(SalesRead read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = ConnectionOf(read.Connection);
        var query = new RSeriesSalesQuery(read.FromUtc, read.UntilUtc) { ShopIds = Ids(read.Scope.ShopIds), RegisterIds = RegisterFilter(read.Scope) };
        var stats = new RSeriesRequestStats();
        var (requests, waited) = (0L, TimeSpan.Zero);
        await using var pages = api.GetSalesPagesAsync(connection, query, stats, read.Priority, read.Admission, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await NextAsync(pages))
        {
            // What this page cost: the read's counters since the previous page (retries and waits included).
            var cost = new RequestCost((int)(stats.Requests - requests), stats.RateLimitWait - waited);
            (requests, waited) = (stats.Requests, stats.RateLimitWait);
            yield return ToPage(pages.Current, read.FromUtc, cost);
        }
    }

    public async Task<ChangedSales> FindChangedSalesAsync(ChangeProbe probe, CancellationToken cancellationToken)
    {
        var connection = ConnectionOf(probe.Connection);
        var query = new RSeriesSalesQuery(probe.FromUtc, probe.UntilUtc)
        {
            ShopIds = Ids(probe.Scope.ShopIds),
            RegisterIds = RegisterFilter(probe.Scope),
            ChangedAfter = probe.ChangedAfter,
            IncludeLines = false,
        };
        var stats = new RSeriesRequestStats();
        var changed = new List<ChangedSale>();
        await using var pages = api.GetSalesPagesAsync(connection, query, stats, probe.Priority, probe.Admission, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await NextAsync(pages))
            foreach (var sale in pages.Current)
                if (sale.CompleteTime is { } time)
                    changed.Add(new ChangedSale(time, ShopOf(sale.ShopId), Id(sale.RegisterId)));
        return new ChangedSales(changed, new RequestCost((int)stats.Requests, stats.RateLimitWait));
    }

    /// <summary>Counted sales of a page in completeTime order (the query asked for that order), and what was skipped.</summary>
    private static SalesPage ToPage(IReadOnlyList<RSeriesSale> sales, DateTimeOffset from, RequestCost cost)
    {
        var counted = new List<PosSale>(sales.Count);
        Dictionary<string, int>? skipped = null;
        var readThrough = from;
        foreach (var sale in sales)
        {
            if (sale.CompleteTime is { } time && time > readThrough) readThrough = time;
            if (SkipReason(sale) is { } reason)
            {
                skipped ??= [];
                skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
                continue;
            }
            counted.Add(ToPosSale(sale));
        }
        return new SalesPage(counted, sales.Count, skipped ?? NoneSkipped, readThrough, cost);
    }

    private static readonly IReadOnlyDictionary<string, int> NoneSkipped = new Dictionary<string, int>();

    /// <summary>docs/domain.md section 5: a sale counts when completed and not voided; archived sales are excluded as the API does by default.</summary>
    private static string? SkipReason(RSeriesSale sale) =>
        !sale.Completed || sale.CompleteTime is null ? "OPEN"
        : sale.Voided ? "VOIDED"
        : sale.Archived ? "ARCHIVED"
        : null;

    private static PosSale ToPosSale(RSeriesSale sale)
    {
        var lines = new PosSaleLine[sale.Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = sale.Lines[i];
            lines[i] = new PosSaleLine(
                Quantity: line.UnitQuantity,
                AmountExcludingTax: line.CalcTotal - line.CalcTax1 - line.CalcTax2,
                AmountIncludingTax: line.CalcTotal,
                Discount: line.CalcLineDiscount + line.CalcTransactionDiscount);
        }
        return new PosSale(sale.CompleteTime!.Value, ShopOf(sale.ShopId), Id(sale.RegisterId), PosSaleKind.Sale, Covers: 0, lines);
    }

    /// <summary>One step of a read, with R-Series failures translated for the engine (details stay in the inner exception).</summary>
    private static async Task<bool> NextAsync<T>(IAsyncEnumerator<T> pages)
    {
        try
        {
            return await pages.MoveNextAsync();
        }
        catch (Exception ex) when (Translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// An R-Series failure as a <see cref="PosProviderException"/>: a stable reason and plain words, the details in the
    /// inner exception. Null for anything that is not a failure of Lightspeed (a bug, a cancellation).
    /// </summary>
    public static PosProviderException? Translate(Exception e) => e switch
    {
        RSeriesReauthorizationRequiredException => new PosProviderException("LIGHTSPEED_REAUTHORIZATION_REQUIRED",
            "Lightspeed no longer accepts this connection's authorisation: the client must authorise SameSystem again.",
            permanent: true, e, needsReauthorization: true),
        ConnectionTokensMissingException => new PosProviderException("LIGHTSPEED_UNAUTHORIZED",
            "The connection has no Lightspeed tokens: the client must authorise SameSystem again.", permanent: true, e),
        RSeriesAuthorizationException => new PosProviderException("LIGHTSPEED_UNAUTHORIZED", "Lightspeed refused the connection's token.", permanent: true, e),
        RSeriesForbiddenException => new PosProviderException("LIGHTSPEED_FORBIDDEN", "Lightspeed refused access to the account's sales.", permanent: true, e),
        RSeriesBadRequestException => new PosProviderException("LIGHTSPEED_BAD_REQUEST", "Lightspeed rejected the sales query.", permanent: true, e),
        RSeriesRateLimitException => new PosProviderException("LIGHTSPEED_RATE_LIMITED", "Lightspeed kept refusing requests for its rate limit.", permanent: false, e),
        RSeriesApiException => new PosProviderException("LIGHTSPEED_UNAVAILABLE", "Lightspeed did not answer properly, even after retries.", permanent: false, e),
        // The sign-in server refused (invalid_grant is the reauthorisation above), or could not be reached or failed.
        RSeriesOAuthException { StatusCode: not null and < global::System.Net.HttpStatusCode.InternalServerError } => new PosProviderException(
            "LIGHTSPEED_UNAUTHORIZED", "Lightspeed refused to renew the connection's token.", permanent: true, e),
        RSeriesOAuthException or HttpRequestException => new PosProviderException("LIGHTSPEED_UNAVAILABLE",
            "Lightspeed's sign-in server did not answer properly, even after retries.", permanent: false, e),
        _ => null,
    };

    private static RSeriesConnection ConnectionOf(PosConnection connection) => new(connection.ConnectionKey, AccountIdOf(connection.Account));

    private static long AccountIdOf(PosAccount account) =>
        account.System == PosSystem.LightspeedRSeries && long.TryParse(account.AccountId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ArgumentException($"{account} is not an R-Series account.", nameof(account));

    /// <summary>Lightspeed's IN operator takes at most 100 values; more registers are read unfiltered (the engine routes them).</summary>
    private static IReadOnlyList<long> RegisterFilter(SalesScope scope) => scope.RegisterIds.Count <= 100 ? Ids(scope.RegisterIds) : [];

    private static IReadOnlyList<long> Ids(IReadOnlyList<string> ids) =>
        ids.Select(id => long.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture)).Distinct().Order().ToArray();

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Lightspeed writes "0" for an empty foreign key: no shop named.</summary>
    private static string ShopOf(long shopId) => shopId == 0 ? "" : Id(shopId);
}
