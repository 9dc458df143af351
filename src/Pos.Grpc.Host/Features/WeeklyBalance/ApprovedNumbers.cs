using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Features.WeeklyBalance;

/// <summary>One weekly-balance register's local day.</summary>
public readonly record struct RegisterDay(int RegisterNumber, DateOnly Date);

/// <summary>
/// "Approved numbers" (docs/domain.md section 3): the values of a confirmed day or of any day in an approved
/// week. Imports without overwrite_approved must spare them, so this is the one definition they use.
/// </summary>
public static class ApprovedNumbers
{
    /// <summary>The register days of a department in <paramref name="from"/>..<paramref name="until"/> whose numbers are approved; two queries for any range.</summary>
    public static async Task<IReadOnlySet<RegisterDay>> InRangeAsync(PosDbContext db, long departmentId, DateOnly from, DateOnly until,
        CancellationToken cancellationToken)
    {
        var approved = (await db.ConfirmedDays.AsNoTracking()
            .Where(c => c.DepartmentId == departmentId && c.Date >= from && c.Date <= until)
            .Select(c => new { c.RegisterNumber, c.Date })
            .ToListAsync(cancellationToken))
            .Select(c => new RegisterDay(c.RegisterNumber, c.Date))
            .ToHashSet();

        // Approval needs every day confirmed, but a week approved before a day was somehow reopened still protects it.
        var firstMonday = IsoWeeks.MondayOf(from);
        var weeks = await db.ApprovedWeeks.AsNoTracking()
            .Where(a => a.DepartmentId == departmentId && a.WeekStart >= firstMonday && a.WeekStart <= until)
            .Select(a => new { a.RegisterNumber, a.WeekStart })
            .ToListAsync(cancellationToken);
        foreach (var week in weeks)
            approved.UnionWith(IsoWeeks.Days(week.WeekStart).Where(d => d >= from && d <= until).Select(d => new RegisterDay(week.RegisterNumber, d)));
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
