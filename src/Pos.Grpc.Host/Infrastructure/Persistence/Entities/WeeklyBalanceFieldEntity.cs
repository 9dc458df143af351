namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>A weekly-balance field of a client and the POS data (if any) imported into it.</summary>
public sealed class WeeklyBalanceFieldEntity
{
    public long Id { get; set; }
    public long ClientId { get; set; }
    public string Name { get; set; } = "";
    public string Code { get; set; } = "";
    public bool Mandatory { get; set; }
    /// <summary>PosFieldType enum value; null = not imported.</summary>
    public int? PosFieldType { get; set; }
    public bool SplitIntoIntervals { get; set; }
    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
