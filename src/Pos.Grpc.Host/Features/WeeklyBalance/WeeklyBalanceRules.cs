using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.WeeklyBalance;

/// <summary>
/// The rules of confirmation and approval (docs/domain.md section 3): a day is confirmed per register once it
/// has ended and every mandatory field has a value; a week is approved per register once all seven days are
/// confirmed; a day of an approved week cannot be reopened.
/// </summary>
internal static class WeeklyBalanceRules
{
    public static Violations RequireWeek(this Violations violations, int isoYear, int isoWeek)
    {
        if (isoYear is < IsoWeeks.MinYear or > IsoWeeks.MaxYear)
            return violations.Add("iso_year", $"must be an ISO year {IsoWeeks.MinYear}-{IsoWeeks.MaxYear}")
                .AddIf(isoWeek is < 1 or > 53, "iso_week", "must be an ISO week 1-53");
        var weeks = ISOWeek.GetWeeksInYear(isoYear);
        return violations.AddIf(!IsoWeeks.IsValid(isoYear, isoWeek), "iso_week", $"must be an ISO week 1-{weeks} ({isoYear} has {weeks} weeks)");
    }

    /// <summary>The shape of a register number; whether the department has it is <see cref="EnsureRegisterExists"/>.</summary>
    public static Violations RequireRegisterNumber(this Violations violations, int registerNumber) =>
        violations.AddIf(registerNumber < 1, "register_number", "must be a weekly-balance register number, from 1");

    public static Violations RequireDate(this Violations violations, string text, out DateOnly date) =>
        violations.AddIf(!Dates.TryParse(text, out date), "date",
            $"must be a local date \"YYYY-MM-DD\" in the years {IsoWeeks.MinYear}-{IsoWeeks.MaxYear}");

    public static void EnsureRegisterExists(BalanceDepartment department, int registerNumber)
    {
        if (registerNumber > department.RegisterCount)
            throw InvalidArgumentException.For("register_number",
                $"department {department.Id} has register{(department.RegisterCount == 1 ? " 1" : $"s 1-{department.RegisterCount}")}");
    }

    /// <summary>Only a finished local day can be confirmed: later sales (and refunds) could still arrive.</summary>
    public static void EnsureDayEnded(BalanceDepartment department, int registerNumber, DateOnly date, TimeProvider clock)
    {
        var today = TimeZones.Today(clock, department.Zone);
        if (date >= today)
            throw new PreconditionFailedException("DAY_NOT_ENDED", "DAY_NOT_ENDED",
                RegisterDay.NameOf(department.Id, registerNumber, date),
                $"{Dates.ToWire(date)} has not ended yet in {department.Zone.Id} (today is {Dates.ToWire(today)}).");
    }

    /// <summary>One violation per mandatory field of the client that has no day value.</summary>
    public static async Task EnsureMandatoryFieldsPresentAsync(PosDbContext db, BalanceDepartment department, int registerNumber,
        DateOnly date, CancellationToken cancellationToken)
    {
        var missing = await MissingMandatoryFieldsAsync(db, department, registerNumber, registerNumber, date, date, cancellationToken);
        if (!missing.TryGetValue(new RegisterDay(registerNumber, date), out var fields)) return;
        var day = RegisterDay.NameOf(department.Id, registerNumber, date);
        throw new PreconditionFailedException("MANDATORY_FIELDS_MISSING", fields.Select(f => new PreconditionViolation(
            "MANDATORY_FIELD", $"{day}/fields/{f.Id}", $"Mandatory field {f.Id} \"{f.Name}\" has no value on {Dates.ToWire(date)}.")).ToArray());
    }

    /// <summary>
    /// The rule "a day can be confirmed only when every mandatory field has a value", for a range of registers and
    /// days at once (auto-confirm looks at many): per register day, the client's mandatory fields that have no day
    /// value, ordered by id; register days missing none are absent. Two queries for any range.
    /// </summary>
    public static async Task<IReadOnlyDictionary<RegisterDay, IReadOnlyList<MandatoryField>>> MissingMandatoryFieldsAsync(PosDbContext db,
        BalanceDepartment department, int firstRegister, int lastRegister, DateOnly from, DateOnly until, CancellationToken cancellationToken)
    {
        var mandatory = await db.WeeklyBalanceFields.AsNoTracking()
            .Where(f => f.ClientId == department.ClientId && f.Mandatory)
            .OrderBy(f => f.Id)
            .Select(f => new MandatoryField(f.Id, f.Name))
            .ToListAsync(cancellationToken);
        if (mandatory.Count == 0) return new Dictionary<RegisterDay, IReadOnlyList<MandatoryField>>();

        var departmentId = department.Id;
        var fieldIds = mandatory.Select(f => f.Id).ToArray();
        var present = (await db.DayValues.AsNoTracking()
            .Where(v => v.DepartmentId == departmentId && v.RegisterNumber >= firstRegister && v.RegisterNumber <= lastRegister
                        && v.Date >= from && v.Date <= until && fieldIds.Contains(v.FieldId))
            .Select(v => new { v.RegisterNumber, v.Date, v.FieldId })
            .ToListAsync(cancellationToken))
            .Select(v => (v.RegisterNumber, v.Date, v.FieldId))
            .ToHashSet();

        var missing = new Dictionary<RegisterDay, IReadOnlyList<MandatoryField>>();
        for (var register = firstRegister; register <= lastRegister; register++)
        for (var date = from; date <= until; date = date.AddDays(1))
        {
            var fields = mandatory.Where(f => !present.Contains((register, date, f.Id))).ToList();
            if (fields.Count > 0) missing[new RegisterDay(register, date)] = fields;
        }
        return missing;
    }

    public static async Task EnsureWeekNotApprovedAsync(PosDbContext db, BalanceDepartment department, int registerNumber,
        DateOnly date, CancellationToken cancellationToken)
    {
        var monday = IsoWeeks.MondayOf(date);
        var departmentId = department.Id;
        if (await db.ApprovedWeeks.AnyAsync(a => a.DepartmentId == departmentId && a.RegisterNumber == registerNumber && a.WeekStart == monday, cancellationToken))
            throw new PreconditionFailedException("WEEK_APPROVED", "WEEK_APPROVED",
                WeeklyBalanceMapper.WeekName(departmentId, registerNumber, monday),
                $"The week of {Dates.ToWire(date)} is approved for register {registerNumber}; unapprove the week first.");
    }

    /// <summary>One violation per day of the week that is not confirmed.</summary>
    public static async Task EnsureAllDaysConfirmedAsync(PosDbContext db, BalanceDepartment department, int registerNumber,
        DateOnly monday, CancellationToken cancellationToken)
    {
        var departmentId = department.Id;
        var sunday = monday.AddDays(6);
        var confirmed = await db.ConfirmedDays.AsNoTracking()
            .Where(c => c.DepartmentId == departmentId && c.RegisterNumber == registerNumber && c.Date >= monday && c.Date <= sunday)
            .Select(c => c.Date)
            .ToListAsync(cancellationToken);
        var open = IsoWeeks.Days(monday).Except(confirmed).ToList();
        if (open.Count == 0) return;
        throw new PreconditionFailedException("DAYS_NOT_CONFIRMED", open.Select(d => new PreconditionViolation(
            "DAY_NOT_CONFIRMED", RegisterDay.NameOf(departmentId, registerNumber, d),
            $"{Dates.ToWire(d)} is not confirmed for register {registerNumber}; confirm every day of the week first.")).ToArray());
    }
}

/// <summary>A mandatory weekly-balance field, as the confirmation rule names it.</summary>
public sealed record MandatoryField(long Id, string Name);
