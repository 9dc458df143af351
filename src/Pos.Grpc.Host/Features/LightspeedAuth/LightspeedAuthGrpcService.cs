using Pos.Grpc.Contracts.LightspeedAuth.V1;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

/// <summary>Lightspeed OAuth and connections. Every RPC answers UNIMPLEMENTED until the Lightspeed issue lands.</summary>
public sealed class LightspeedAuthGrpcService : LightspeedAuthService.LightspeedAuthServiceBase;
