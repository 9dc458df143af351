using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Features.Imports.Engine;

/// <summary>
/// The work of one unit (a department-day), in two phases so no database transaction stays open while
/// the POS is being read: <see cref="PrepareAsync"/> fetches and aggregates the day in memory;
/// <see cref="WriteAsync"/> replaces the day's values inside the caller's transaction, in which the caller
/// also records the unit as done (the checkpoint).
/// </summary>
public interface IDepartmentDayImporter
{
    /// <summary>Fetches the local day's sales and aggregates them. Writes nothing.</summary>
    /// <exception cref="ImportUnitException">The day cannot be imported (the reason says whether retrying can help).</exception>
    Task<PreparedDay> PrepareAsync(DepartmentDayWork work, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the department-day's values (sparing approved numbers unless overwriting) in <paramref name="db"/>'s open
    /// transaction, which already holds the department's lock, so no day is confirmed or approved meanwhile.
    /// </summary>
    Task<DayWriteResult> WriteAsync(PosDbContext db, PreparedDay day, CancellationToken cancellationToken);
}

/// <param name="Actor">Who the audit trail names for overwrites: the job's creator or "scheduler".</param>
public sealed record DepartmentDayWork(Guid JobId, long ClientId, long DepartmentId, DateOnly Date, bool OverwriteApproved, string Actor);

/// <summary>A department-day fetched and aggregated, ready to write. Implementations carry the numbers.</summary>
public abstract class PreparedDay(DepartmentDayWork work)
{
    public DepartmentDayWork Work { get; } = work;
    /// <summary>Sales read from the POS for the day (before filtering).</summary>
    public int SalesRead { get; init; }
    /// <summary>HTTP requests the fetch made.</summary>
    public int RequestsMade { get; init; }
    /// <summary>Time the fetch waited on the POS rate limit.</summary>
    public TimeSpan RateLimitWait { get; init; }
    /// <summary>Mapped field types this POS does not provide (e.g. visitors), left alone.</summary>
    public IReadOnlyList<string> NotProvidedFieldTypes { get; init; } = [];
}

public sealed record DayWriteResult(int ValuesWritten, int ValuesSkippedApproved, int ValuesOverwrittenApproved);

/// <summary>A unit that failed. <see cref="Permanent"/> failures (e.g. the connection needs reauthorisation) stop the department.</summary>
public sealed class ImportUnitException(string reason, string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Machine-readable reason, e.g. "LIGHTSPEED_REAUTHORIZATION_REQUIRED".</summary>
    public string Reason { get; } = reason;
    public bool Permanent { get; } = permanent;
}
