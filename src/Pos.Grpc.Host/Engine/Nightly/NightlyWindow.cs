using Pos.Grpc.Host.Domain;

namespace Pos.Grpc.Host.Engine.Nightly;

/// <summary>
/// The days a night looks at, per department: yesterday in the department's own zone (the day that has just ended
/// there; a New York department at 02:00 Copenhagen is still on the previous evening), and the trailing days before
/// it that late changes (refunds, voids) may still touch.
/// </summary>
/// <param name="Yesterday">The last complete local day.</param>
/// <param name="TrailingFrom">The first trailing day; trailing days are TrailingFrom..Yesterday−1.</param>
public readonly record struct NightlyWindow(DateOnly Yesterday, DateOnly TrailingFrom)
{
    /// <summary>
    /// How far before its start a night's run sets the account's watermark: changes made in the last minutes before it
    /// are asked for again the next night (harmless), and a POS clock up to this much behind ours loses nothing.
    /// </summary>
    public static readonly TimeSpan WatermarkMargin = TimeSpan.FromMinutes(10);

    public static NightlyWindow At(DateTimeOffset instant, TimeZoneInfo zone, int trailingDays)
    {
        var yesterday = TimeZones.LocalDateOf(instant, zone).AddDays(-1);
        return new NightlyWindow(yesterday, yesterday.AddDays(-trailingDays));
    }
}
