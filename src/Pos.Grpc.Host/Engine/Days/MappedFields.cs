using Google.Protobuf.Reflection;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Engine.Days;

/// <summary>A weekly-balance field the import fills: its id, the POS number it takes, and whether it is split into hours.</summary>
public sealed record MappedField(long FieldId, PosFieldType Type, bool SplitIntoIntervals);

/// <summary>Which of a client's mapped fields an import writes, and which mapped types the POS cannot provide.</summary>
public static class MappedFields
{
    private static readonly EnumDescriptor PosFieldTypeDescriptor =
        FieldMappingServiceReflection.Descriptor.EnumTypes.Single(e => e.ClrType == typeof(PosFieldType));

    /// <summary>
    /// Splits the client's fields: those mapped to a type the client's POS provides are imported; those mapped to any
    /// other type (visitors, for R-Series) are reported by their contract name and left alone. Unmapped fields are neither.
    /// </summary>
    public static (IReadOnlyList<MappedField> Imported, IReadOnlyList<string> NotProvided) Classify(
        IEnumerable<WeeklyBalanceFieldEntity> fields, Func<PosFieldType, bool> provided)
    {
        var imported = new List<MappedField>();
        var notProvided = new List<string>();
        foreach (var field in fields.Where(f => f.PosFieldType is not null).OrderBy(f => f.Id))
        {
            var type = (PosFieldType)field.PosFieldType!.Value;
            if (provided(type)) imported.Add(new MappedField(field.Id, type, field.SplitIntoIntervals));
            else notProvided.Add(WireName(type));
        }
        return (imported, notProvided.Distinct().ToList());
    }

    /// <summary>The contract's name of a type, e.g. "POS_FIELD_TYPE_VISITORS", as progress reports show it.</summary>
    public static string WireName(PosFieldType type) =>
        PosFieldTypeDescriptor.FindValueByNumber((int)type)?.Name ?? $"POS_FIELD_TYPE_{(int)type}";
}
