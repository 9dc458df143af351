namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>A SameSystem department and the Lightspeed scope (account, shop, registers) it imports.</summary>
public sealed class DepartmentEntity
{
    public long Id { get; set; }
    public long ClientId { get; set; }
    public string Name { get; set; } = "";
    public string? PosClientNumber { get; set; }
    public string? PosShopId { get; set; }
    public string? TimeZone { get; set; }
    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Weekly-balance registers fed by Lightspeed registers, ordered by number.</summary>
    public List<DepartmentRegisterEntity> Registers { get; set; } = [];

    /// <summary>Number of weekly-balance registers: one per terminal number, at least one.</summary>
    public int RegisterCount => Math.Max(1, Registers.Count);
}
