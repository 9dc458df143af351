namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>A split field's value for one 1-hour interval, identified by its UTC start.</summary>
public sealed class IntervalValueEntity
{
    public long DepartmentId { get; set; }
    public int RegisterNumber { get; set; }
    public long FieldId { get; set; }
    public DateTimeOffset StartUtc { get; set; }
    /// <summary>The local date the interval belongs to (denormalised so a day reads by index).</summary>
    public DateOnly Date { get; set; }
    public decimal Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
