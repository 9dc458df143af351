namespace Pos.Grpc.Host.Domain;

/// <summary>
/// The one place for time-zone maths: which zone a department's day is in, where a local day
/// starts and ends in UTC, and its 1-hour intervals (23, 24 or 25 of them around DST changes).
/// </summary>
public static class TimeZones
{
    public const string DefaultZoneId = "Europe/Copenhagen";

    /// <summary>
    /// The IANA name a zone is stored under: the canonical name in its canonical spelling ("europe/copenhagen" is
    /// "Europe/Copenhagen"), and for a backward-compatible alias the zone it stands for ("US/Pacific" is
    /// "America/Los_Angeles", "UTC" is "Etc/UTC"). Null for anything else, such as zoneinfo's directories ("Europe"),
    /// its other files ("posixrules", "right/UTC") and the "Factory" placeholder, which the system lookup would accept
    /// or choke on. The names come from the system's tzdata (tzdata.zi), the data the zones themselves are read from.
    /// </summary>
    public static string? CanonicalName(string? name) =>
        name is { Length: > 0 and <= 64 } && IanaNames.Value.TryGetValue(name, out var canonical) && TryFind(canonical) is not null
            ? canonical
            : null;

    /// <summary>
    /// Finds a zone by a name stored before (or a canonical one); null when there is none. Validate input with
    /// <see cref="CanonicalName"/> instead: this lookup is the system's, which takes more than zone names.
    /// </summary>
    public static TimeZoneInfo? TryFind(string? ianaId)
    {
        if (string.IsNullOrWhiteSpace(ianaId) || ianaId.Length > 64) return null;
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(ianaId);
            // Windows ids are converted silently on Linux; accept only what was asked for in IANA form.
            return zone.HasIanaId ? zone : null;
        }
        // Not only "not found": a zoneinfo directory or an unreadable file fails with IO errors of its own.
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Every zone and alias name of tzdata, any spelling, mapped to the zone's canonical name.</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, string>> IanaNames = new(ReadIanaNames);

    private static IReadOnlyDictionary<string, string> ReadIanaNames()
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var file = Path.Combine(Environment.GetEnvironmentVariable("TZDIR") ?? "/usr/share/zoneinfo", "tzdata.zi");
        if (!File.Exists(file))
        {
            // No tzdata source (not Debian's layout): the zones the system lists, without aliases.
            foreach (var zone in TimeZoneInfo.GetSystemTimeZones().Where(z => z.HasIanaId)) names[zone.Id] = zone.Id;
            return names;
        }
        var links = new List<(string Target, string Alias)>();
        foreach (var line in File.ReadLines(file))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // "Z name offset rules format" starts a zone, "L target alias" is a link; "Factory" is a placeholder, not a place.
            if (fields is ["Z", var zone, ..] && zone != "Factory") names[zone] = zone;
            else if (fields is ["L", var target, var alias]) links.Add((target, alias));
        }
        foreach (var (target, alias) in links)
            if (names.TryGetValue(target, out var zone)) names.TryAdd(alias, zone);
        return names;
    }

    public static TimeZoneInfo Find(string ianaId) =>
        TryFind(ianaId) ?? throw new InvalidOperationException($"Unknown time zone '{ianaId}' was stored.");

    /// <summary>
    /// The zone a department's numbers are bucketed in: its override, else the zone its POS gives its account (a K-Series
    /// business location's timezone; docs/domain.md section 6), else the client's. A POS zone this machine does not know
    /// is passed over rather than failing the department.
    /// </summary>
    public static TimeZoneInfo ForDepartment(string? departmentZone, string? posAccountZone, string clientZone) =>
        !string.IsNullOrEmpty(departmentZone) ? Find(departmentZone)
        : TryFind(posAccountZone) is { } posZone ? posZone
        : Find(clientZone);

    /// <summary>UTC instant at which the local <paramref name="date"/> begins.</summary>
    /// <remarks>Where midnight is skipped by a DST jump, the day starts at the first local time that exists.</remarks>
    public static DateTimeOffset StartOfDayUtc(DateOnly date, TimeZoneInfo zone) => AtLocalTimeUtc(date, TimeOnly.MinValue, zone);

    /// <summary>UTC instant of a local wall time (a time skipped by a DST jump: the first one after it that exists).</summary>
    public static DateTimeOffset AtLocalTimeUtc(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
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
