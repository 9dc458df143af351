using Pos.Grpc.Contracts.FieldMapping.V1;

namespace Pos.Grpc.Host.Features.FieldMapping;

/// <summary>The contract's POS field types (which of them a client's POS provides: <see cref="Infrastructure.Providers.PosProviders"/>).</summary>
public static class PosFieldTypes
{
    public static readonly IReadOnlyList<PosFieldType> All =
        System.Enum.GetValues<PosFieldType>().Where(t => t != PosFieldType.Unspecified).ToArray();
}
