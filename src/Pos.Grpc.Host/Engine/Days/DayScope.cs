using Pos.Grpc.Host.Domain;

namespace Pos.Grpc.Host.Engine.Days;

/// <summary>
/// Everything the aggregation of one department-day depends on besides the sales: the local day and its UTC window
/// and hour intervals (from <see cref="TimeZones"/>), the number of registers, and the tax setting.
/// </summary>
public sealed class DayScope
{
    /// <param name="registerCount">Weekly-balance registers of the department (one per terminal number, at least one).</param>
    /// <param name="amountsIncludeTax">The client's "amounts include tax" setting.</param>
    public DayScope(DateOnly date, TimeZoneInfo zone, int registerCount, bool amountsIncludeTax)
    {
        Date = date;
        Zone = zone;
        RegisterCount = Math.Max(1, registerCount);
        AmountsIncludeTax = amountsIncludeTax;
        StartUtc = TimeZones.StartOfDayUtc(date, zone);
        EndUtc = TimeZones.StartOfDayUtc(date.AddDays(1), zone);
        IntervalStartsUtc = TimeZones.HourIntervalsUtc(date, zone);
    }

    public DateOnly Date { get; }
    public TimeZoneInfo Zone { get; }
    public int RegisterCount { get; }
    public bool AmountsIncludeTax { get; }

    /// <summary>UTC instant the local day begins.</summary>
    public DateTimeOffset StartUtc { get; }

    /// <summary>UTC instant the next local day begins (exclusive end of this one).</summary>
    public DateTimeOffset EndUtc { get; }

    /// <summary>UTC starts of the day's 23, 24 or 25 hour intervals, in time order.</summary>
    public IReadOnlyList<DateTimeOffset> IntervalStartsUtc { get; }

    /// <summary>Position of an interval (by its UTC start) in <see cref="IntervalStartsUtc"/>; -1 when it is not one of the day's.</summary>
    public int IntervalIndexOf(DateTimeOffset intervalStartUtc)
    {
        // Intervals are consecutive hours from the day's start, so the index is the hours elapsed;
        // the search is only a fallback for zones whose offset changes by less than an hour.
        var guess = (intervalStartUtc - StartUtc).Ticks / TimeSpan.TicksPerHour;
        if (guess >= 0 && guess < IntervalStartsUtc.Count && IntervalStartsUtc[(int)guess] == intervalStartUtc) return (int)guess;
        for (var i = 0; i < IntervalStartsUtc.Count; i++)
            if (IntervalStartsUtc[i] == intervalStartUtc) return i;
        return -1;
    }
}
