using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>
/// Lightspeed Restaurant (K-Series) as the import engine's POS: a department's account is a business location, its
/// registers are devices. Sales are read through <see cref="KSeriesApiClient"/> (Financial API V2 by timeClosed, paged,
/// the location's pacer in the read's priority) and counted by docs/domain.md section 6: an account counts when it is
/// not cancelled and of type SALE or REFUND (every other type is skipped and reported by type), voided lines are left
/// out, a line's amounts are its totalNetAmount without and with tax, its discount totalDiscountAmount, and a line with
/// a parentLineId is a modifier (money, no quantity). Tips, service charges, surcharges and rounding are not in those
/// line amounts, so they are excluded by construction. K-Series has no last-modified cursor: the night reads its
/// trailing days again in full. Every K-Series failure leaves here as a <see cref="PosProviderException"/>.
/// </summary>
public sealed class KSeriesProvider(KSeriesApiClient api) : IPosProvider
{
    private static readonly IReadOnlySet<PosNumber> Provided = Enum.GetValues<PosNumber>().ToHashSet();

    private static readonly IReadOnlyDictionary<string, int> NoneSkipped = new Dictionary<string, int>();

    public PosSystem System => PosSystem.LightspeedKSeries;

    /// <summary>Every number, visitors included: covers (nbCovers) are the first foot-traffic figure a POS gives.</summary>
    public IReadOnlySet<PosNumber> ProvidedNumbers => Provided;

    public bool HasChangeCursor => false;

    /// <summary>
    /// One read per location at a time: K-Series documents no rate limit, so the client keeps a polite pace per location
    /// (<see cref="KSeriesOptions.RequestsPerSecondPerLocation"/>) that one read already uses.
    /// </summary>
    public int ParallelReads(PosAccount account) => 1;

    public Task<ChangedSales> FindChangedSalesAsync(ChangeProbe probe, CancellationToken cancellationToken) =>
        throw new NotSupportedException("K-Series has no change cursor: its trailing days are read again in full.");

    public async IAsyncEnumerable<SalesPage> ReadSalesAsync(SalesRead read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var location = new KSeriesLocation(read.Connection.ConnectionKey, LocationIdOf(read.Connection.Account));
        var query = new KSeriesSalesQuery(read.FromUtc, read.UntilUtc) { Priority = read.Priority, Admission = read.Admission };
        var devices = read.Scope.RegisterIds.Count == 0 ? null : read.Scope.RegisterIds.ToHashSet(StringComparer.Ordinal);
        var stats = new KSeriesRequestStats();
        var (requests, waited) = (0L, TimeSpan.Zero);
        var readThrough = read.FromUtc;
        await using var pages = api.GetSalesPagesAsync(location, query, stats, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await NextAsync(pages, location.BusinessLocationId))
        {
            // What this page cost: the read's counters since the previous page (retries and waits included).
            var cost = new RequestCost((int)(stats.Requests - requests), stats.RateLimitWait - waited);
            (requests, waited) = (stats.Requests, stats.RateLimitWait);
            var page = pages.Current;
            readThrough = ReadThrough(page, readThrough, read.UntilUtc);
            yield return ToPage(page.Sales, devices, readThrough, cost);
        }
    }

    /// <summary>
    /// How far the read is complete after <paramref name="page"/>: the read's end after its last page, the window's end
    /// when a 365-day window is done, else the last sale's timeClosed (sales closed at that instant may follow).
    /// </summary>
    private static DateTimeOffset ReadThrough(KSeriesSalesPage page, DateTimeOffset before, DateTimeOffset until)
    {
        var through = page.Resume is null ? until : page.NextPageToken is null ? page.WindowTo : page.LastTimeClosed ?? before;
        return through > before ? through : before;
    }

    /// <summary>Counted sales of a page in timeClosed order (the API's order), and what was skipped, by type.</summary>
    private static SalesPage ToPage(IReadOnlyList<KSeriesSale> sales, HashSet<string>? devices, DateTimeOffset readThrough, RequestCost cost)
    {
        var counted = new List<PosSale>(sales.Count);
        Dictionary<string, int>? skipped = null;
        foreach (var sale in sales)
        {
            var device = Id(sale.DeviceId);
            // The API cannot filter by device; sales of other devices belong to other departments (or none).
            if (devices is not null && !devices.Contains(device)) continue;
            if (SkipReason(sale) is { } reason)
            {
                skipped ??= [];
                skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
                continue;
            }
            counted.Add(ToPosSale(sale, device));
        }
        return new SalesPage(counted, sales.Count, skipped ?? NoneSkipped, readThrough, cost);
    }

    /// <summary>
    /// docs/domain.md section 6: an account counts when not cancelled and of type SALE or REFUND. The others (SPLIT and
    /// TRANSFER echoes, VOID, FLOAT, ... and types nobody has seen yet) are reported under their own name.
    /// </summary>
    private static string? SkipReason(KSeriesSale sale)
    {
        if (sale.TimeClosed is null) return "OPEN";
        if (sale.Cancelled) return "CANCELLED";
        var type = sale.Type.Trim().ToUpperInvariant();
        return type is "SALE" or "REFUND" ? null : type.Length == 0 ? "NO_TYPE" : type;
    }

    private static PosSale ToPosSale(KSeriesSale sale, string device)
    {
        var lines = new List<PosSaleLine>(sale.Lines.Count);
        foreach (var line in sale.Lines)
        {
            // Struck after it was ordered: not sold.
            if (line.VoidReason is not null) continue;
            lines.Add(new PosSaleLine(
                Quantity: line.Quantity,
                AmountExcludingTax: line.TotalNetAmountWithoutTax,
                AmountIncludingTax: line.TotalNetAmountWithTax,
                Discount: line.TotalDiscountAmount,
                IsModifier: line.ParentLineId is not null));
        }
        var kind = string.Equals(sale.Type.Trim(), "REFUND", StringComparison.OrdinalIgnoreCase) ? PosSaleKind.Refund : PosSaleKind.Sale;
        // K-Series has no shops: a department's account is the location itself.
        return new PosSale(sale.TimeClosed!.Value, ShopId: "", device, kind, sale.NbCovers, lines);
    }

    /// <summary>One step of a read, with K-Series failures translated for the engine (details stay in the inner exception).</summary>
    private static async Task<bool> NextAsync<T>(IAsyncEnumerator<T> pages, long locationId)
    {
        try
        {
            return await pages.MoveNextAsync();
        }
        catch (Exception e) when (Translate(e, locationId) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The engine's view of a K-Series failure; null for what is not a K-Series failure (cancellation, bugs).</summary>
    public static PosProviderException? Translate(Exception e, long locationId) => e switch
    {
        KSeriesReauthorizationRequiredException => new PosProviderException("LIGHTSPEED_REAUTHORIZATION_REQUIRED",
            "Lightspeed no longer accepts this connection's authorisation: the client must authorise SameSystem again.",
            permanent: true, e, needsReauthorization: true),
        ConnectionTokensMissingException => new PosProviderException("LIGHTSPEED_UNAUTHORIZED",
            "The connection has no Lightspeed tokens: the client must authorise SameSystem again.", permanent: true, e),
        KSeriesOAuthException { StatusCode: null or >= HttpStatusCode.InternalServerError } => new PosProviderException(
            "LIGHTSPEED_UNAVAILABLE", "Lightspeed's sign-in server did not answer properly, even after retries.", permanent: false, e),
        KSeriesOAuthException => new PosProviderException("LIGHTSPEED_UNAUTHORIZED",
            "Lightspeed refused to renew the connection's token.", permanent: true, e),
        KSeriesAuthorizationException => new PosProviderException("LIGHTSPEED_UNAUTHORIZED", "Lightspeed refused the connection's token.", permanent: true, e),
        KSeriesLocationAccessDeniedException => new PosProviderException("LIGHTSPEED_LOCATION_ACCESS_DENIED",
            $"The Lightspeed user who authorised SameSystem cannot see business location {locationId}: authorise with a user who can.",
            permanent: true, e),
        KSeriesForbiddenException => new PosProviderException("LIGHTSPEED_FORBIDDEN", "Lightspeed refused access to the location's sales.", permanent: true, e),
        KSeriesNotFoundException => new PosProviderException("LIGHTSPEED_LOCATION_NOT_FOUND",
            $"Lightspeed knows no business location {locationId}: check the department's POS client number.", permanent: true, e),
        KSeriesBadRequestException => new PosProviderException("LIGHTSPEED_BAD_REQUEST", "Lightspeed rejected the sales query.", permanent: true, e),
        KSeriesRateLimitException => new PosProviderException("LIGHTSPEED_RATE_LIMITED", "Lightspeed kept refusing requests for its rate limit.", permanent: false, e),
        KSeriesApiException => new PosProviderException("LIGHTSPEED_UNAVAILABLE", "Lightspeed did not answer properly, even after retries.", permanent: false, e),
        _ => null,
    };

    /// <summary>The business location id of a K-Series account (digits: department rules allow nothing else).</summary>
    public static long LocationIdOf(PosAccount account) =>
        account.System == PosSystem.LightspeedKSeries && long.TryParse(account.AccountId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ArgumentException($"{account} is not a K-Series business location.", nameof(account));

    private static string Id(long? id) => id?.ToString(CultureInfo.InvariantCulture) ?? "";
}
