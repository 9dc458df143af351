using Pos.Grpc.Contracts.WeeklyBalance.V1;

namespace Pos.Grpc.Host.Features.WeeklyBalance;

public sealed class WeeklyBalanceGrpcService : WeeklyBalanceService.WeeklyBalanceServiceBase;
