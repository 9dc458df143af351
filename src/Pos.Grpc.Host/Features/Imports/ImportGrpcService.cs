using Pos.Grpc.Contracts.Imports.V1;

namespace Pos.Grpc.Host.Features.Imports;

/// <summary>Import jobs. Every RPC answers UNIMPLEMENTED until the import-engine issue lands.</summary>
public sealed class ImportGrpcService : ImportService.ImportServiceBase;
