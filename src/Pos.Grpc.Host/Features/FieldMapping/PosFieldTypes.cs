using Pos.Grpc.Contracts.FieldMapping.V1;

namespace Pos.Grpc.Host.Features.FieldMapping;

/// <summary>What the POS can provide (docs/domain.md sections 5 and 6).</summary>
public static class PosFieldTypes
{
    public static readonly IReadOnlyList<PosFieldType> All =
        System.Enum.GetValues<PosFieldType>().Where(t => t != PosFieldType.Unspecified).ToArray();

    /// <summary>No Lightspeed API provides foot traffic: visitors may be mapped, but the import leaves it alone.</summary>
    public static bool IsProvidedByLightspeed(PosFieldType type) => type != PosFieldType.Visitors;
}
