namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>A confirmed register day: its numbers are approved numbers.</summary>
public sealed class ConfirmedDayEntity
{
    public long DepartmentId { get; set; }
    public int RegisterNumber { get; set; }
    public DateOnly Date { get; set; }
    public string ConfirmedBy { get; set; } = "";
    public DateTimeOffset ConfirmedAt { get; set; }
}
