using System.Globalization;

namespace Pos.Grpc.Host.Domain;

/// <summary>The wire form of local dates: "YYYY-MM-DD".</summary>
public static class Dates
{
    public const string Format = "yyyy-MM-dd";

    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
        && date.Year is >= IsoWeeks.MinYear and <= IsoWeeks.MaxYear;

    public static string ToWire(DateOnly date) => date.ToString(Format, CultureInfo.InvariantCulture);
}
