namespace Pos.Grpc.Providers;

/// <summary>
/// One POS as the import engine sees it. Everything about the POS's wire format, paging, cursors and rate limits is
/// the provider's; the engine plans which days to read, routes sales to department-days, aggregates and checkpoints.
/// </summary>
public interface IPosProvider
{
    PosSystem System { get; }

    /// <summary>The numbers this POS provides; mapped fields of other types are reported as "not provided".</summary>
    IReadOnlySet<PosNumber> ProvidedNumbers { get; }

    /// <summary>Whether <see cref="FindChangedSalesAsync"/> works: the POS has a last-modified cursor.</summary>
    bool HasChangeCursor { get; }

    /// <summary>
    /// Streams the counted sales of <paramref name="read"/> page by page, ascending by time, holding one page at a time.
    /// Requests wait on the account's pacing in the read's priority.
    /// </summary>
    /// <exception cref="PosProviderException">The POS cannot be read (the exception says whether retrying can help).</exception>
    IAsyncEnumerable<SalesPage> ReadSalesAsync(SalesRead read, CancellationToken cancellationToken);

    /// <summary>The sales whose time is in the probe's window and that changed after its instant (voided, edited).</summary>
    /// <exception cref="NotSupportedException">The POS has no change cursor (<see cref="HasChangeCursor"/> is false).</exception>
    Task<ChangedSales> FindChangedSalesAsync(ChangeProbe probe, CancellationToken cancellationToken);

    /// <summary>
    /// How many reads of one account may run at once right now without exceeding its limits: 1 until the POS has told
    /// how much it allows, more for a big account whose rate limit a single read (one request at a time) cannot use.
    /// </summary>
    int ParallelReads(PosAccount account);
}
