namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>A department-day whose import completed: auto-confirm only confirms days that have one.</summary>
public sealed class ImportedDayEntity
{
    public long DepartmentId { get; set; }
    public DateOnly Date { get; set; }
    public Guid JobId { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
}
