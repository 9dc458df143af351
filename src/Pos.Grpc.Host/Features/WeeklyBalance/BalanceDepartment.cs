using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Features.Settings;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Providers;

namespace Pos.Grpc.Host.Features.WeeklyBalance;

/// <summary>A department as the weekly balance sees it: its registers and the zone its local days are in.</summary>
public sealed record BalanceDepartment(DepartmentEntity Entity, TimeZoneInfo Zone)
{
    public long Id => Entity.Id;
    public long ClientId => Entity.ClientId;
    public int RegisterCount => Entity.RegisterCount;

    /// <summary>The Lightspeed register feeding weekly-balance register <paramref name="registerNumber"/>; empty when none does.</summary>
    public string TerminalNumberOf(int registerNumber) =>
        Entity.Registers.FirstOrDefault(r => r.RegisterNumber == registerNumber)?.PosRegisterId ?? "";

    /// <summary>Loads the department with its registers and resolves its zone (override, else its POS account's, else the client's).</summary>
    public static async Task<BalanceDepartment> LoadAsync(PosDbContext db, long departmentId, CancellationToken cancellationToken)
    {
        var department = await db.Departments.AsNoTracking().Include(d => d.Registers)
            .SingleOrDefaultAsync(d => d.Id == departmentId, cancellationToken)
            ?? throw new NotFoundException("department", $"departments/{departmentId}");
        var settings = await db.GetOrDefaultAsync(department.ClientId, cancellationToken);
        var zones = await ConnectionDirectory.AccountZonesAsync(db, department.ClientId, cancellationToken);
        return new BalanceDepartment(department,
            TimeZones.ForDepartment(department.TimeZone, zones.GetValueOrDefault(department.PosClientNumber ?? ""), settings.TimeZone));
    }
}
