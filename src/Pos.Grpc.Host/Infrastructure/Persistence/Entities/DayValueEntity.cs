namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>A field's value for one department register and local date.</summary>
public sealed class DayValueEntity
{
    public long DepartmentId { get; set; }
    public int RegisterNumber { get; set; }
    public DateOnly Date { get; set; }
    public long FieldId { get; set; }
    public decimal Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
