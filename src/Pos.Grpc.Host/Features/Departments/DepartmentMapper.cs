using Google.Protobuf.WellKnownTypes;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.Departments;

internal static class DepartmentMapper
{
    public static Department ToProto(this DepartmentEntity entity) => new()
    {
        DepartmentId = entity.Id,
        ClientId = entity.ClientId,
        Name = entity.Name,
        PosClientNumber = entity.PosClientNumber ?? "",
        PosShopId = entity.PosShopId ?? "",
        PosTerminalNumbers = { TerminalNumbers(entity) },
        TimeZone = entity.TimeZone ?? "",
        Etag = Etags.Format(entity.Version),
        UpdateTime = Timestamp.FromDateTimeOffset(entity.UpdatedAt),
    };

    /// <summary>The Lightspeed register ids in weekly-balance register order.</summary>
    public static IReadOnlyList<string> TerminalNumbers(DepartmentEntity entity) =>
        entity.Registers.OrderBy(r => r.RegisterNumber).Select(r => r.PosRegisterId).ToList();

    /// <summary>Position N (0-based) of the terminal numbers feeds weekly-balance register N + 1.</summary>
    public static List<DepartmentRegisterEntity> ToRegisters(long departmentId, IReadOnlyList<string> terminalNumbers) =>
        terminalNumbers.Select((id, index) => new DepartmentRegisterEntity
        {
            DepartmentId = departmentId,
            RegisterNumber = index + 1,
            PosRegisterId = id,
        }).ToList();
}
