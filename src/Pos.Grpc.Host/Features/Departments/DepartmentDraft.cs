using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.Departments;

/// <summary>
/// The writable fields of a department as a request wants them, before anything is written. Rules check the
/// draft as a whole (a field mask may change one field while the others keep their stored values), and only
/// a draft that passed every rule is copied onto the entity.
/// </summary>
internal sealed class DepartmentDraft
{
    public string Name { get; set; } = "";
    /// <summary>Null = unset (the request's empty string).</summary>
    public string? PosClientNumber { get; set; }
    public string? PosShopId { get; set; }
    public IReadOnlyList<string> TerminalNumbers { get; set; } = [];
    public string? TimeZone { get; set; }

    public PosScope Scope => new(PosClientNumber, PosShopId, TerminalNumbers);

    public static DepartmentDraft From(DepartmentEntity entity) => new()
    {
        Name = entity.Name,
        PosClientNumber = entity.PosClientNumber,
        PosShopId = entity.PosShopId,
        TerminalNumbers = DepartmentMapper.TerminalNumbers(entity),
        TimeZone = entity.TimeZone,
    };

    /// <summary>Copies the scalar fields; registers are replaced separately (see DepartmentGrpcService).</summary>
    public void CopyTo(DepartmentEntity entity)
    {
        entity.Name = Name;
        entity.PosClientNumber = PosClientNumber;
        entity.PosShopId = PosShopId;
        entity.TimeZone = TimeZone;
    }
}
