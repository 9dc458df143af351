using Pos.Grpc.Host.Domain;

namespace Pos.Grpc.Host.Features.Imports.Numbers;

/// <summary>
/// Everything the aggregation of one department-day depends on besides the sales: the local day and
/// its UTC window and hour intervals (from <see cref="TimeZones"/>), the registers, and the tax setting.
/// </summary>
public sealed class DayScope
{
    /// <param name="terminalNumbers">The department's POS register ids in register order: position N (1-based) feeds weekly-balance register N. Empty = every register into register 1.</param>
    /// <param name="shopId">The department's POS shop, if it has one: sales that name another shop are not its sales.</param>
    /// <param name="amountsIncludeTax">The client's "amounts include tax" setting.</param>
    public DayScope(DateOnly date, TimeZoneInfo zone, IReadOnlyList<string> terminalNumbers, string? shopId, bool amountsIncludeTax)
    {
        Date = date;
        Zone = zone;
        TerminalNumbers = terminalNumbers;
        ShopId = string.IsNullOrEmpty(shopId) ? null : shopId;
        AmountsIncludeTax = amountsIncludeTax;
        StartUtc = TimeZones.StartOfDayUtc(date, zone);
        EndUtc = TimeZones.StartOfDayUtc(date.AddDays(1), zone);
        IntervalStartsUtc = TimeZones.HourIntervalsUtc(date, zone);
    }

    public DateOnly Date { get; }
    public TimeZoneInfo Zone { get; }
    public IReadOnlyList<string> TerminalNumbers { get; }
    public string? ShopId { get; }
    public bool AmountsIncludeTax { get; }

    /// <summary>UTC instant the local day begins.</summary>
    public DateTimeOffset StartUtc { get; }

    /// <summary>UTC instant the next local day begins (exclusive end of this one).</summary>
    public DateTimeOffset EndUtc { get; }

    /// <summary>UTC starts of the day's 23, 24 or 25 hour intervals, in time order.</summary>
    public IReadOnlyList<DateTimeOffset> IntervalStartsUtc { get; }

    /// <summary>Weekly-balance registers: one per terminal number, at least one.</summary>
    public int RegisterCount => Math.Max(1, TerminalNumbers.Count);

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
