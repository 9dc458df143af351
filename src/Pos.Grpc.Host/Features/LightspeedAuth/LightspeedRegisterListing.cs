using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

/// <summary>
/// The account's shops and registers (from <see cref="AccountLayouts"/>), each marked with the department (and register
/// number) it feeds, as the database says now. A register of a department the caller may not see is marked claimed,
/// without naming the department.
/// </summary>
public sealed class LightspeedRegisterListing(PosDbContext db, AccountLayouts layouts)
{
    /// <param name="visible">The departments the caller may see; null for all (<see cref="Infrastructure.Auth.AccessPolicy.VisibleDepartments"/>).</param>
    /// <param name="caller">The caller's key for its limit of listings in flight.</param>
    public async Task<ListLightspeedRegistersResponse> ListAsync(LightspeedConnectionEntity connection, IReadOnlySet<long>? visible, string caller,
        CancellationToken cancellationToken)
    {
        if (connection.State is not ((int)ConnectionState.Authorized or (int)ConnectionState.Active))
            throw LightspeedConnections.WrongState(connection, "only an AUTHORIZED or ACTIVE connection can be read");
        var accountId = connection.AccountId!;
        var (shops, registers) = await layouts.GetAsync(connection, caller, cancellationToken);

        var departments = await db.Departments.AsNoTracking().Include(d => d.Registers)
            .Where(d => d.ClientId == connection.ClientId && d.PosClientNumber == accountId)
            .OrderBy(d => d.Id).ToListAsync(cancellationToken);
        var response = new ListLightspeedRegistersResponse { AccountId = accountId };
        foreach (var register in registers.OrderBy(r => r.ShopId).ThenBy(r => r.RegisterId))
        {
            var shop = shops.FirstOrDefault(s => s.ShopId == register.ShopId);
            var (departmentId, registerNumber) = ClaimOf(departments, register);
            var shown = departmentId != 0 && (visible is null || visible.Contains(departmentId));
            response.Registers.Add(new Contracts.LightspeedAuth.V1.LightspeedRegister
            {
                ShopId = register.ShopId.ToString(CultureInfo.InvariantCulture),
                ShopName = shop?.Name ?? "",
                ShopTimeZone = shop?.TimeZone ?? "",
                RegisterId = register.RegisterId.ToString(CultureInfo.InvariantCulture),
                RegisterName = register.Name,
                DepartmentId = shown ? departmentId : 0,
                RegisterNumber = shown ? registerNumber : 0,
                Claimed = departmentId != 0,
            });
        }
        return response;
    }

    /// <summary>The rule of docs/domain.md section 2: listed terminal numbers claim their registers; none claims every register (of the shop).</summary>
    private static (long DepartmentId, int RegisterNumber) ClaimOf(IReadOnlyList<DepartmentEntity> departments, Pos.Grpc.Providers.RSeries.RSeriesRegister register)
    {
        var registerId = register.RegisterId.ToString(CultureInfo.InvariantCulture);
        var shopId = register.ShopId.ToString(CultureInfo.InvariantCulture);
        foreach (var department in departments)
        {
            if (department.PosShopId is { } shop && shop != shopId) continue;
            if (department.Registers.Count == 0) return (department.Id, 1);
            if (department.Registers.FirstOrDefault(r => r.PosRegisterId == registerId) is { } claimed) return (department.Id, claimed.RegisterNumber);
        }
        return (0, 0);
    }
}
