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
            .OrderBy(v => v.StartUtc)
            .Select(v => new { v.RegisterNumber, v.Date, v.FieldId, v.StartUtc, v.Value })
            .ToListAsync(cancellationToken))
            .ToLookup(v => (v.RegisterNumber, v.Date, v.FieldId));

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
                    IntervalCount = TimeZones.HourIntervalsUtc(date, zone).Count,
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
                    fieldValue.Intervals.AddRange(intervals[(register, date, field.Id)].Select(i => new IntervalValue
                    {
                        StartTime = WeeklyBalanceMapper.ToTimestamp(i.StartUtc),
                        LocalStart = TimeZones.FormatLocal(i.StartUtc, zone),
                        Value = WeeklyBalanceMapper.FormatAmount(i.Value),
                    }));
                    day.Fields.Add(fieldValue);
                }
                week.Days.Add(day);
            }
            weeks.Add(week);
        }
        return weeks;
    }
}
