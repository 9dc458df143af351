using Google.Protobuf.WellKnownTypes;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.FieldMapping;

internal static class WeeklyBalanceFieldMapper
{
    public static WeeklyBalanceField ToProto(this WeeklyBalanceFieldEntity entity) => new()
    {
        FieldId = entity.Id,
        ClientId = entity.ClientId,
        Name = entity.Name,
        Code = entity.Code,
        Mandatory = entity.Mandatory,
        PosFieldType = (PosFieldType)(entity.PosFieldType ?? 0),
        SplitIntoIntervals = entity.SplitIntoIntervals,
        Etag = Etags.Format(entity.Version),
        UpdateTime = Timestamp.FromDateTimeOffset(entity.UpdatedAt),
    };
}
