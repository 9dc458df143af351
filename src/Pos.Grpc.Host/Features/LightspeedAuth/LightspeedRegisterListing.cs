using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Features.LightspeedAuth.Connectors;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

/// <summary>
/// The connection's registers (from <see cref="AccountLayouts"/>: R-Series shops and registers, K-Series the devices seen in
/// each business location's recent sales), each marked with the department (and register number) it feeds, as the
/// database says now. A register of a department the caller may not see is marked claimed, without naming the department.
/// </summary>
public sealed class LightspeedRegisterListing(PosDbContext db, AccountLayouts layouts)
{
    /// <param name="accountId">Only this account of the connection; empty = every one.</param>
    /// <param name="visible">The departments the caller may see; null for all (<see cref="Infrastructure.Auth.AccessPolicy.VisibleDepartments"/>).</param>
    /// <param name="caller">The caller's key for its limit of listings in flight.</param>
    public async Task<ListLightspeedRegistersResponse> ListAsync(LightspeedConnectionEntity connection, string accountId, IReadOnlySet<long>? visible,
        string caller,
        CancellationToken cancellationToken)
    {
        if (connection.State is not ((int)ConnectionState.Authorized or (int)ConnectionState.Active))
            throw LightspeedConnections.WrongState(connection, "only an AUTHORIZED or ACTIVE connection can be read");
        var accounts = connection.Accounts.OrderBy(a => a.AccountId, StringComparer.Ordinal).ToList();
        if (accountId.Length > 0)
        {
            accounts = accounts.Where(a => a.AccountId == accountId).ToList();
            if (accounts.Count == 0)
                throw InvalidArgumentException.For("account_id", $"is not an account of this connection (it reads {string.Join(", ", connection.Accounts.Select(a => a.AccountId))})");
        }
        var layout = await layouts.GetAsync(connection, accounts, caller, cancellationToken);

        var accountIds = accounts.Select(a => a.AccountId).ToArray();
        var departments = await db.Departments.AsNoTracking().Include(d => d.Registers)
            .Where(d => d.ClientId == connection.ClientId && d.PosClientNumber != null && accountIds.Contains(d.PosClientNumber))
            .OrderBy(d => d.Id).ToListAsync(cancellationToken);
        var response = new ListLightspeedRegistersResponse { AccountId = connection.AccountId ?? "" };
        foreach (var register in layout.Registers.OrderBy(r => r.AccountId, StringComparer.Ordinal).ThenBy(r => r.ShopId, StringComparer.Ordinal)
                     .ThenBy(r => r.RegisterId, StringComparer.Ordinal))
        {
            var (departmentId, registerNumber) = ClaimOf(departments, register);
            var shown = departmentId != 0 && (visible is null || visible.Contains(departmentId));
            response.Registers.Add(new LightspeedRegister
            {
                ShopId = register.ShopId,
                ShopName = register.ShopName,
                ShopTimeZone = register.ShopTimeZone,
                RegisterId = register.RegisterId,
                RegisterName = register.RegisterName,
                DepartmentId = shown ? departmentId : 0,
                RegisterNumber = shown ? registerNumber : 0,
                Claimed = departmentId != 0,
                AccountId = register.AccountId,
                AccountName = register.AccountName,
                LastSaleTime = register.LastSaleTime is { } seen ? Timestamp.FromDateTimeOffset(seen) : null,
            });
        }
        return response;
    }

    /// <summary>
    /// The rule of docs/domain.md section 2, among the departments naming the register's account: listed terminal numbers
    /// claim their registers; none claims every register (of the shop).
    /// </summary>
    private static (long DepartmentId, int RegisterNumber) ClaimOf(IReadOnlyList<DepartmentEntity> departments, ListedRegister register)
    {
        foreach (var department in departments.Where(d => d.PosClientNumber == register.AccountId))
        {
            if (department.PosShopId is { Length: > 0 } shop && shop != register.ShopId) continue;
            if (department.Registers.Count == 0) return (department.Id, 1);
            if (department.Registers.FirstOrDefault(r => r.PosRegisterId == register.RegisterId) is { } claimed) return (department.Id, claimed.RegisterNumber);
        }
        return (0, 0);
    }
}
