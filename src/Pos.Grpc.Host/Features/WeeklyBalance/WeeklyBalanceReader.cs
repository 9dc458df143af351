using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Features.WeeklyBalance;

/// <summary>
/// Builds registers x days x fields for a range of registers and local dates. Every table is read
/// once for the whole range (six set-based queries), never per day or field: a week of a
/// department with many registers and fields stays a handful of round trips.
/// </summary>
internal static class WeeklyBalanceReader
{
    /// <summary>Registers <paramref name="firstRegister"/>..<paramref name="lastRegister"/>, days <paramref name="from"/>..<paramref name="until"/>.</summary>
    public static async Task<List<RegisterWeek>> ReadAsync(PosDbContext db, BalanceDepartment department,
        int firstRegister, int lastRegister, DateOnly from, DateOnly until, CancellationToken cancellationToken)
    {
        var departmentId = department.Id;
        var fields = await db.WeeklyBalanceFields.AsNoTracking()
            .Where(f => f.ClientId == department.ClientId)
            .OrderBy(f => f.Id)
            .Select(f => new { f.Id, f.Name, f.Mandatory, f.SplitIntoIntervals })
            .ToListAsync(cancellationToken);
        var splitFieldIds = fields.Where(f => f.SplitIntoIntervals).Select(f => f.Id).ToList();

        var dayValues = (await db.DayValues.AsNoTracking()
            .Where(v => v.DepartmentId == departmentId && v.RegisterNumber >= firstRegister && v.RegisterNumber <= lastRegister
                        && v.Date >= from && v.Date <= until)
            .Select(v => new { v.RegisterNumber, v.Date, v.FieldId, v.Value })
            .ToListAsync(cancellationToken))
            .ToDictionary(v => (v.RegisterNumber, v.Date, v.FieldId), v => v.Value);

        // Only split fields show intervals; rows left from a field that is no longer split stay hidden.
        var intervals = (await db.IntervalValues.AsNoTracking()
            .Where(v => v.DepartmentId == departmentId && v.RegisterNumber >= firstRegister && v.RegisterNumber <= lastRegister
                        && v.Date >= from && v.Date <= until && splitFieldIds.Contains(v.FieldId))
            .Select(v => new { v.RegisterNumber, v.Date, v.FieldId, v.StartUtc, v.Value })
            .ToListAsync(cancellationToken))
            .ToLookup(v => (v.RegisterNumber, v.Date, v.FieldId), v => new HourRow(v.StartUtc, v.Value));

        var confirmed = (await db.ConfirmedDays.AsNoTracking()
            .Where(c => c.DepartmentId == departmentId && c.RegisterNumber >= firstRegister && c.RegisterNumber <= lastRegister
                        && c.Date >= from && c.Date <= until)
            .ToListAsync(cancellationToken))
            .ToDictionary(c => (c.RegisterNumber, c.Date));

        var firstMonday = IsoWeeks.MondayOf(from);
        var lastMonday = IsoWeeks.MondayOf(until);
        var approved = (await db.ApprovedWeeks.AsNoTracking()
            .Where(a => a.DepartmentId == departmentId && a.RegisterNumber >= firstRegister && a.RegisterNumber <= lastRegister
                        && a.WeekStart >= firstMonday && a.WeekStart <= lastMonday)
            .ToListAsync(cancellationToken))
            .ToDictionary(a => (a.RegisterNumber, a.WeekStart));

        var openReasons = (await db.OpenDayReasons.AsNoTracking()
            .Where(o => o.DepartmentId == departmentId && o.RegisterNumber >= firstRegister && o.RegisterNumber <= lastRegister
                        && o.Date >= from && o.Date <= until)
            .Select(o => new { o.RegisterNumber, o.Date, o.Reason })
            .ToListAsync(cancellationToken))
            .ToDictionary(o => (o.RegisterNumber, o.Date), o => o.Reason);

        var zone = department.Zone;
        var dates = Enumerable.Range(0, until.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToList();
        var hoursOf = dates.ToDictionary(date => date, date => TimeZones.HourIntervalsUtc(date, zone));
        var weeks = new List<RegisterWeek>();
        for (var register = firstRegister; register <= lastRegister; register++)
        {
            // A range inside one ISO week (every caller's case) has one approval; the week of the first day is shown.
            approved.TryGetValue((register, firstMonday), out var approval);
            var week = new RegisterWeek
            {
                RegisterNumber = register,
                PosTerminalNumber = department.TerminalNumberOf(register),
                Approved = approval is not null,
                ApprovedBy = approval?.ApprovedBy ?? "",
                ApproveTime = WeeklyBalanceMapper.ToTimestamp(approval?.ApprovedAt),
            };
            foreach (var date in dates)
            {
                confirmed.TryGetValue((register, date), out var confirmation);
                var day = new DayBalance
                {
                    Date = Dates.ToWire(date),
                    IntervalCount = hoursOf[date].Count,
                    Confirmed = confirmation is not null,
                    ConfirmedBy = confirmation?.ConfirmedBy ?? "",
                    ConfirmTime = WeeklyBalanceMapper.ToTimestamp(confirmation?.ConfirmedAt),
                    OpenReason = confirmation is null && openReasons.TryGetValue((register, date), out var reason) ? reason : "",
                };
                foreach (var field in fields)
                {
                    var hasValue = dayValues.TryGetValue((register, date, field.Id), out var value);
                    var fieldValue = new FieldValue
                    {
                        FieldId = field.Id,
                        Name = field.Name,
                        Mandatory = field.Mandatory,
                        HasValue = hasValue,
                        Value = hasValue ? WeeklyBalanceMapper.FormatAmount(value) : "",
                    };
                    if (field.SplitIntoIntervals && hasValue)
                        fieldValue.Intervals.AddRange(EveryHour(hoursOf[date], intervals[(register, date, field.Id)], value, zone));
                    day.Fields.Add(fieldValue);
                }
                week.Days.Add(day);
            }
            weeks.Add(week);
        }
        return weeks;
    }

    private readonly record struct HourRow(DateTimeOffset StartUtc, decimal Value);

    /// <summary>
    /// Every interval of an imported day of a split field, zeros included, in time order. The import stores a row
    /// only for an hour with sales, so an hour without a row is 0, and the rows add up to the day value exactly.
    /// When they do not, the day's hours were never stored (the field became split after the day was imported, or
    /// the department changed time zone since): it shows no intervals rather than hours that contradict its value.
    /// </summary>
    private static IEnumerable<IntervalValue> EveryHour(
        IReadOnlyList<DateTimeOffset> hours, IEnumerable<HourRow> rows, decimal dayValue, TimeZoneInfo zone)
    {
        var stored = rows.ToDictionary(r => r.StartUtc, r => r.Value);
        var hoursKnown = stored.Keys.All(hours.Contains) && stored.Values.Sum() == dayValue;
        if (!hoursKnown) return [];
        return hours.Select(hour => new IntervalValue
        {
            StartTime = WeeklyBalanceMapper.ToTimestamp(hour),
            LocalStart = TimeZones.FormatLocal(hour, zone),
            Value = WeeklyBalanceMapper.FormatAmount(stored.GetValueOrDefault(hour)),
        });
    }
}
