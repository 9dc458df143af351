using System.Globalization;

namespace Pos.Grpc.Host.Domain;

/// <summary>ISO-8601 weeks (Monday first) as used by the weekly balance.</summary>
public static class IsoWeeks
{
    public const int MinYear = 2000;
    public const int MaxYear = 2100;

    public static bool IsValid(int isoYear, int isoWeek) =>
        isoYear is >= MinYear and <= MaxYear && isoWeek >= 1 && isoWeek <= ISOWeek.GetWeeksInYear(isoYear);

    public static DateOnly Monday(int isoYear, int isoWeek) =>
        DateOnly.FromDateTime(ISOWeek.ToDateTime(isoYear, isoWeek, DayOfWeek.Monday));

    public static DateOnly MondayOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    public static IEnumerable<DateOnly> Days(DateOnly monday) => Enumerable.Range(0, 7).Select(monday.AddDays);
}
