namespace Pos.Grpc.Providers.KSeries;

/// <summary>A connection's business location: the pair every API read is made for and paced by.</summary>
public sealed record KSeriesLocation(string ConnectionKey, long BusinessLocationId);

/// <summary>
/// Sales whose timeClosed is in [<see cref="From"/>, <see cref="To"/>), oldest first. Ranges longer than
/// <see cref="KSeriesOptions.MaxSalesRange"/> are read as consecutive windows.
/// </summary>
public sealed record KSeriesSalesQuery(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>Payments (tips, surcharges) come only when asked for.</summary>
    public bool IncludePayments { get; init; }

    public RequestPriority Priority { get; init; } = RequestPriority.Manual;

    /// <summary>The caller's say on when each request goes out (see <see cref="RequestAdmission"/>); null: at once.</summary>
    public RequestAdmission? Admission { get; init; }

    /// <summary>Where to go on: the <see cref="KSeriesSalesPage.Resume"/> of the last page handled (same From and To).</summary>
    public KSeriesSalesCursor? ResumeAt { get; init; }

    /// <summary>Sales per page, 1..100; null: <see cref="KSeriesOptions.PageSize"/>.</summary>
    public int? PageSize { get; init; }
}

/// <summary>
/// A position inside a sales read: the window being read and the page token to ask for next (null: the window's
/// first page). Lightspeed's tokens are opaque and tied to the from/to they were issued for, so all three travel together.
/// </summary>
public sealed record KSeriesSalesCursor(DateTimeOffset WindowFrom, DateTimeOffset WindowTo, string? PageToken);

/// <summary>One page of sales, as K-Series sent it (at most 100), with where the read stands.</summary>
public sealed record KSeriesSalesPage(
    IReadOnlyList<KSeriesSale> Sales,
    DateTimeOffset WindowFrom,
    DateTimeOffset WindowTo,
    string? NextPageToken,
    KSeriesSalesCursor? Resume)
{
    /// <summary>The timeClosed of the page's last sale: a caller that cannot resume with a token can restart here.</summary>
    public DateTimeOffset? LastTimeClosed => Sales.Count == 0 ? null : Sales[^1].TimeClosed;
}
