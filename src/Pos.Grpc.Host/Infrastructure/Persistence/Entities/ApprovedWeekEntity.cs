namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>An approved register ISO week (identified by its Monday).</summary>
public sealed class ApprovedWeekEntity
{
    public long DepartmentId { get; set; }
    public int RegisterNumber { get; set; }
    public DateOnly WeekStart { get; set; }
    public string ApprovedBy { get; set; } = "";
    public DateTimeOffset ApprovedAt { get; set; }
}
