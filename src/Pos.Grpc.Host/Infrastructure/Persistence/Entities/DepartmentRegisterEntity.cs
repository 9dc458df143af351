namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>One POS terminal number of a department: Lightspeed register <see cref="PosRegisterId"/> feeds register <see cref="RegisterNumber"/>.</summary>
public sealed class DepartmentRegisterEntity
{
    public long DepartmentId { get; set; }
    public int RegisterNumber { get; set; }
    public string PosRegisterId { get; set; } = "";
}
