using Google.Protobuf.WellKnownTypes;

namespace Pos.Grpc.Host.Infrastructure.Validation;

/// <summary>Update masks (AIP-134): an empty mask or "*" means every writable field.</summary>
public static class FieldMasks
{
    public static IReadOnlySet<string> Resolve(FieldMask? mask, IReadOnlySet<string> writable, Violations violations, string field = "update_mask")
    {
        if (mask is null || mask.Paths.Count == 0 || mask.Paths is [ "*" ]) return writable;
        foreach (var path in mask.Paths.Where(p => !writable.Contains(p)))
            violations.Add(field, $"unknown or read-only field '{path}'; writable fields: {string.Join(", ", writable.Order())}");
        return mask.Paths.Where(writable.Contains).ToHashSet();
    }
}
