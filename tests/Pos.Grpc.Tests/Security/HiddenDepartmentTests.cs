using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// Issue 10, item 7: a regional supervisor learnt of departments it cannot see. ListLightspeedRegisters named
/// department 11 and its registers, and an overlapping UpdateDepartment answered "overlaps department 11 'Aarhus Store'
/// (...)" while GetDepartment 11 answered NOT_FOUND. What a caller cannot see is never named now.
/// </summary>
public sealed class HiddenDepartmentTests(LightspeedSandboxFixture host) : IClassFixture<LightspeedSandboxFixture>
{
    private sealed record World(long Client, long Hidden, long Own, string Regional, Connection Connection);

    /// <summary>Aarhus claims register 3 of the Copenhagen account; the regional supervisor's own department register 1.</summary>
    private async Task<World> SetUpAsync(long client)
    {
        long hidden = client * 10 + 1, own = client * 10 + 2;
        await host.Client<SettingsService.SettingsServiceClient>(PosHostFixture.Supervisor(client)).UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings { ClientId = client, MultiCashRegisters = true }, UpdateMask = FieldMask.FromString("multi_cash_registers"),
        });
        var departments = host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Service());
        foreach (var (id, name, register) in new[] { (hidden, "Aarhus Store", "3"), (own, "Odense Store", "1") })
            await departments.CreateDepartmentAsync(new()
            {
                Department = new Department
                {
                    DepartmentId = id, ClientId = client, Name = name,
                    PosClientNumber = $"{LightspeedSandboxFixture.CopenhagenAccount}", PosTerminalNumbers = { register },
                },
            });
        var connection = await host.ConnectLightspeedAsync(client, LightspeedSandboxFixture.CopenhagenAccount, PosHostFixture.Supervisor(client));
        return new World(client, hidden, own, PosHostFixture.Token(PosRoles.RegionalSupervisor, client, [own], subject: $"regional-{client}"), connection);
    }

    [Fact]
    public async Task ListLightspeedRegisters_MarksARegisterOfAHiddenDepartmentClaimed_WithoutNamingIt()
    {
        var (client, hidden, own, regional, connection) = await SetUpAsync(1301);

        var seen = (await new LightspeedAuthService.LightspeedAuthServiceClient(host.Channel(regional))
            .ListLightspeedRegistersAsync(new() { ConnectionId = connection.ConnectionId })).Registers;
        var aarhus = Assert.Single(seen, r => r.RegisterId == "3");
        Assert.Equal((0L, 0, true), (aarhus.DepartmentId, aarhus.RegisterNumber, aarhus.Claimed));
        var mine = Assert.Single(seen, r => r.RegisterId == "1");
        Assert.Equal((own, true), (mine.DepartmentId, mine.Claimed));
        Assert.DoesNotContain(seen, r => r.DepartmentId == hidden);
        // Whoever may see Aarhus still sees it named.
        var all = (await new LightspeedAuthService.LightspeedAuthServiceClient(host.Channel(PosHostFixture.Supervisor(client)))
            .ListLightspeedRegistersAsync(new() { ConnectionId = connection.ConnectionId })).Registers;
        Assert.Equal(hidden, Assert.Single(all, r => r.RegisterId == "3").DepartmentId);
    }

    [Fact]
    public async Task AnOverlapWithAHiddenDepartment_IsReportedWithoutItsIdentity()
    {
        var (_, hidden, own, regional, _) = await SetUpAsync(1302);
        var departments = new DepartmentService.DepartmentServiceClient(host.Channel(regional));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => departments.GetDepartmentAsync(new() { DepartmentId = hidden }));

        var overlap = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => departments.UpdateDepartmentAsync(new()
        {
            Department = new Department { DepartmentId = own, PosTerminalNumbers = { "1", "3" } }, UpdateMask = FieldMask.FromString("pos_terminal_numbers"),
        }));
        Assert.DoesNotContain($"{hidden}", overlap.Status.Detail);
        Assert.DoesNotContain("Aarhus", overlap.Status.Detail);
        Assert.Contains("another department", overlap.Status.Detail);
        Assert.Equal("departments/-", RpcAssert.Detail<ResourceInfo>(overlap).ResourceName);
    }
}
