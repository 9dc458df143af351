using Pos.Grpc.Contracts.FieldMapping.V1;

namespace Pos.Grpc.Host.Features.FieldMapping;

public sealed class FieldMappingGrpcService : FieldMappingService.FieldMappingServiceBase;
