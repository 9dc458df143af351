namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>
/// Per client and POS account: every change of a sale made before <see cref="ChangedAfter"/> is reflected in the
/// imported days, so the night only asks the POS for sales changed after it (docs/domain.md section 9). Moved in the same
/// transaction as the last department-day of the work it covers.
/// </summary>
public sealed class ImportWatermarkEntity
{
    public long ClientId { get; set; }
    public string AccountKey { get; set; } = "";
    public DateTimeOffset ChangedAfter { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
