using Grpc.Core;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// Each role against each mutating RPC on resources it can see (docs/domain.md section 7): allowed roles get past
/// authorisation (success, or a domain answer such as FAILED_PRECONDITION); the others get PERMISSION_DENIED.
/// </summary>
public sealed class RoleMatrixTests(SecurityFixture host) : IClassFixture<SecurityFixture>
{
    private const string Sup = PosRoles.Supervisor, Reg = PosRoles.RegionalSupervisor, Int = PosRoles.IntegrationContact, Svc = PosRoles.Service;

    /// <summary>Which roles may call each mutating RPC. The one table of the authorisation matrix as tested.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> AllowedRoles = new Dictionary<string, string[]>
    {
        ["pos.settings.v1.SettingsService/UpdateGeneralSettings"] = [Sup],
        ["pos.departments.v1.DepartmentService/CreateDepartment"] = [Svc],
        ["pos.departments.v1.DepartmentService/UpdateDepartment"] = [Sup, Reg, Svc],
        ["pos.departments.v1.DepartmentService/DeleteDepartment"] = [Svc],
        ["pos.field_mapping.v1.FieldMappingService/CreateWeeklyBalanceField"] = [Svc],
        ["pos.field_mapping.v1.FieldMappingService/UpdateFieldMapping"] = [Sup, Svc],
        ["pos.field_mapping.v1.FieldMappingService/ClearFieldMapping"] = [Sup, Svc],
        ["pos.weekly_balance.v1.WeeklyBalanceService/ConfirmDay"] = [Sup, Reg],
        ["pos.weekly_balance.v1.WeeklyBalanceService/UnconfirmDay"] = [Sup, Reg],
        ["pos.weekly_balance.v1.WeeklyBalanceService/ApproveWeek"] = [Sup, Reg],
        ["pos.weekly_balance.v1.WeeklyBalanceService/UnapproveWeek"] = [Sup, Reg],
        ["pos.lightspeed_auth.v1.LightspeedAuthService/BeginAuthorization"] = [Sup],
        ["pos.lightspeed_auth.v1.LightspeedAuthService/CompleteAuthorization"] = [Sup],
        ["pos.lightspeed_auth.v1.LightspeedAuthService/ActivateConnection"] = [Int],
        ["pos.lightspeed_auth.v1.LightspeedAuthService/RevokeConnection"] = [Sup, Int],
        ["pos.imports.v1.ImportService/StartImport"] = [Sup, Reg],
        ["pos.imports.v1.ImportService/CancelImportJob"] = [Sup, Reg],
    };

    public static TheoryData<string, string> RoleByMutatingRpc()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in AllowedRoles.Keys)
        foreach (var role in PosRoles.All)
            data.Add(role, method);
        return data;
    }

    [Fact]
    public void Matrix_HasARowForEveryMutatingRpc()
    {
        Assert.Equal(RpcCatalogue.AllMethods.Where(RpcCatalogue.IsMutating).Order(), AllowedRoles.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(RoleByMutatingRpc))]
    public async Task MutatingRpc_ByRole_IsAllowedOnlyForItsRoles(string role, string method)
    {
        var target = await host.SeedTargetAsync();
        var token = role switch
        {
            Sup => PosHostFixture.Token(role, target.ClientId),
            Reg => PosHostFixture.Token(role, target.ClientId, [target.DepartmentId]),
            _ => PosHostFixture.Token(role),
        };
        var clients = new PosClients(host.Channel(token));
        var before = await host.SnapshotAsync(target);

        var status = StatusCode.OK;
        try
        {
            await RpcCatalogue.Calls[method](clients, target);
        }
        catch (RpcException exception)
        {
            status = exception.StatusCode;
        }

        if (AllowedRoles[method].Contains(role))
        {
            Assert.True(status is not (StatusCode.PermissionDenied or StatusCode.NotFound or StatusCode.Unauthenticated or StatusCode.Internal),
                $"{role} should be allowed {method} but got {status}");
        }
        else
        {
            Assert.Equal(StatusCode.PermissionDenied, status);
            Assert.Equal(before, await host.SnapshotAsync(target));
        }
    }
}
