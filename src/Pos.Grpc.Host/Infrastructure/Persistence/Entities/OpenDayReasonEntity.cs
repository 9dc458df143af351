namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>Why auto-confirm left a register day open, so people can see and fix it.</summary>
public sealed class OpenDayReasonEntity
{
    public long DepartmentId { get; set; }
    public int RegisterNumber { get; set; }
    public DateOnly Date { get; set; }
    public string Reason { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }
}
