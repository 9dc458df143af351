using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace Pos.Grpc.Host.Features.WeeklyBalance;

/// <summary>Wire forms of weekly-balance values and resource names.</summary>
internal static class WeeklyBalanceMapper
{
    /// <summary>"1234.50": two decimals, invariant culture, whatever the server's locale.</summary>
    public static string FormatAmount(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static Timestamp? ToTimestamp(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;

    /// <summary>"departments/10/registers/1/weeks/2026-W13".</summary>
    public static string WeekName(long departmentId, int registerNumber, DateOnly monday)
    {
        var day = monday.ToDateTime(TimeOnly.MinValue);
        return $"departments/{departmentId}/registers/{registerNumber}/weeks/{ISOWeek.GetYear(day)}-W{ISOWeek.GetWeekOfYear(day):00}";
    }
}
