namespace Pos.Grpc.Host.Domain;

/// <summary>
/// The one place for time-zone maths: which zone a department's day is in, where a local day
/// starts and ends in UTC, and its 1-hour intervals (23, 24 or 25 of them around DST changes).
/// </summary>
public static class TimeZones
{
    public const string DefaultZoneId = "Europe/Copenhagen";

    /// <summary>Finds an IANA zone; null when the id is not a real IANA zone.</summary>
    public static TimeZoneInfo? TryFind(string? ianaId)
    {
        if (string.IsNullOrWhiteSpace(ianaId) || ianaId.Length > 64) return null;
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(ianaId);
            // Windows ids are converted silently on Linux; accept only what was asked for in IANA form.
            return zone.HasIanaId ? zone : null;
        }
        catch (TimeZoneNotFoundException) { return null; }
        catch (InvalidTimeZoneException) { return null; }
    }

    public static TimeZoneInfo Find(string ianaId) =>
        TryFind(ianaId) ?? throw new InvalidOperationException($"Unknown time zone '{ianaId}' was stored.");

    /// <summary>The zone a department's numbers are bucketed in: its override, else the client's.</summary>
    public static TimeZoneInfo ForDepartment(string? departmentZone, string clientZone) =>
        Find(string.IsNullOrEmpty(departmentZone) ? clientZone : departmentZone);

    /// <summary>UTC instant at which the local <paramref name="date"/> begins.</summary>
    public static DateTimeOffset StartOfDayUtc(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Where midnight is skipped by a DST jump, the day starts at the first local time that exists.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The UTC starts of the 1-hour intervals of a local day, in time order.</summary>
    public static IReadOnlyList<DateTimeOffset> HourIntervalsUtc(DateOnly date, TimeZoneInfo zone)
    {
        var start = StartOfDayUtc(date, zone);
        var end = StartOfDayUtc(date.AddDays(1), zone);
        var intervals = new List<DateTimeOffset>(25);
        for (var t = start; t < end; t = t.AddHours(1)) intervals.Add(t);
        return intervals;
    }

    /// <summary>The local date and the UTC start of the hour interval an instant falls in.</summary>
    public static (DateOnly Date, DateTimeOffset IntervalStartUtc) LocalHourOf(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var hourStartLocal = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset);
        return (DateOnly.FromDateTime(local.DateTime), hourStartLocal.ToUniversalTime());
    }

    /// <summary>The local date an instant falls on.</summary>
    public static DateOnly LocalDateOf(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>"2026-10-25T02:00:00+01:00": the local wall time of a UTC instant with its offset.</summary>
    public static string FormatLocal(DateTimeOffset utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(utc, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Today's date in a zone.</summary>
    public static DateOnly Today(TimeProvider clock, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
}
