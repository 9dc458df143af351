namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>
/// A job's work on one POS account (the lane that does it): the change probe of a scheduled job, and the watermark
/// the account's import_watermarks row moves to once every department-day of it is done.
/// </summary>
public sealed class ImportJobAccountEntity
{
    public Guid JobId { get; set; }
    public string AccountKey { get; set; } = "";
    /// <summary>0 no probe, 1 probe pending, 2 probe done.</summary>
    public int ProbeState { get; set; }
    public int ProbeAttempts { get; set; }
    public DateTimeOffset? ProbeNotBefore { get; set; }
    /// <summary>Where the account's watermark moves when this work ends without a failed day: set when reading begins.</summary>
    public DateTimeOffset? WatermarkCandidate { get; set; }
}
