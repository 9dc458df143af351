using Pos.Grpc.Contracts.Departments.V1;

namespace Pos.Grpc.Host.Features.Departments;

public sealed class DepartmentGrpcService : DepartmentService.DepartmentServiceBase;
