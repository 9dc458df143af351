namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>One change: who did what to which resource, and when.</summary>
public sealed class AuditEntryEntity
{
    public long Id { get; set; }
    public long ClientId { get; set; }
    public long? DepartmentId { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string ResourceType { get; set; } = "";
    public string ResourceId { get; set; } = "";
    /// <summary>JSON describing the change (changed fields, counts).</summary>
    public string Details { get; set; } = "{}";
    public DateTimeOffset At { get; set; }
}
