using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Domain;

/// <summary>One weekly-balance register's local day.</summary>
public readonly record struct RegisterDay(int RegisterNumber, DateOnly Date)
{
    /// <summary>"departments/10/registers/1/days/2026-11-24", as audit entries and errors name it.</summary>
    public static string NameOf(long departmentId, int registerNumber, DateOnly date) =>
        $"departments/{departmentId}/registers/{registerNumber}/days/{Dates.ToWire(date)}";
}

/// <summary>
/// "Approved numbers" (docs/domain.md section 3): the values of a confirmed day or of any day in an approved week. Imports without
/// overwrite_approved must spare them and the weekly balance shows them, so this is the one definition both use.
/// </summary>
public static class ApprovedNumbers
{
    /// <summary>The register days of a department in <paramref name="from"/>..<paramref name="until"/> whose numbers are approved; two queries for any range.</summary>
    public static async Task<IReadOnlySet<RegisterDay>> InRangeAsync(PosDbContext db, long departmentId, DateOnly from, DateOnly until,
        CancellationToken cancellationToken) =>
        (await InRangeAsync(db, [departmentId], from, until, cancellationToken)).GetValueOrDefault(departmentId) ?? new HashSet<RegisterDay>();

    /// <summary>The same for several departments at once, still two queries: per department, its approved register days.</summary>
    public static async Task<IReadOnlyDictionary<long, HashSet<RegisterDay>>> InRangeAsync(PosDbContext db, IReadOnlyCollection<long> departmentIds,
        DateOnly from, DateOnly until, CancellationToken cancellationToken)
    {
        var ids = departmentIds.ToArray();
        var approved = ids.ToDictionary(id => id, _ => new HashSet<RegisterDay>());
        var confirmed = await db.ConfirmedDays.AsNoTracking()
            .Where(c => ids.Contains(c.DepartmentId) && c.Date >= from && c.Date <= until)
            .Select(c => new { c.DepartmentId, c.RegisterNumber, c.Date })
            .ToListAsync(cancellationToken);
        foreach (var day in confirmed) approved[day.DepartmentId].Add(new RegisterDay(day.RegisterNumber, day.Date));

        // Approval needs every day confirmed, but a week approved before a day was somehow reopened still protects it.
        var firstMonday = IsoWeeks.MondayOf(from);
        var weeks = await db.ApprovedWeeks.AsNoTracking()
            .Where(a => ids.Contains(a.DepartmentId) && a.WeekStart >= firstMonday && a.WeekStart <= until)
            .Select(a => new { a.DepartmentId, a.RegisterNumber, a.WeekStart })
            .ToListAsync(cancellationToken);
        foreach (var week in weeks)
            approved[week.DepartmentId].UnionWith(IsoWeeks.Days(week.WeekStart).Where(d => d >= from && d <= until)
                .Select(d => new RegisterDay(week.RegisterNumber, d)));
        return approved;
    }

    /// <summary>Whether one register day's numbers are approved.</summary>
    public static async Task<bool> IsApprovedAsync(PosDbContext db, long departmentId, int registerNumber, DateOnly date,
        CancellationToken cancellationToken)
    {
        var monday = IsoWeeks.MondayOf(date);
        return await db.ConfirmedDays.AnyAsync(c => c.DepartmentId == departmentId && c.RegisterNumber == registerNumber && c.Date == date, cancellationToken)
            || await db.ApprovedWeeks.AnyAsync(a => a.DepartmentId == departmentId && a.RegisterNumber == registerNumber && a.WeekStart == monday, cancellationToken);
    }
}
