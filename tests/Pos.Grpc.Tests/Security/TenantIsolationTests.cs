using Grpc.Core;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// Every RPC of every service, called by a supervisor of one client with the ids of another client's
/// resources, answers NOT_FOUND or PERMISSION_DENIED and changes nothing of the other client.
/// </summary>
public sealed class TenantIsolationTests(SecurityFixture host) : IClassFixture<SecurityFixture>
{
    public static TheoryData<string> EveryRpc() => new(RpcCatalogue.AllMethods);

    [Fact]
    public void Catalogue_HasARowForEveryRpcOfEveryService()
    {
        Assert.Equal(RpcCatalogue.AllMethods.Order(), RpcCatalogue.Calls.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(EveryRpc))]
    public async Task Rpc_WithAnotherClientsIds_IsNotFoundOrPermissionDeniedAndChangesNothing(string method)
    {
        var own = await host.SeedTargetAsync();
        var other = await host.SeedTargetAsync();
        var before = await host.SnapshotAsync(other);
        var clients = new PosClients(host.Channel(PosHostFixture.Supervisor(own.ClientId)));

        var exception = await Assert.ThrowsAsync<RpcException>(() => RpcCatalogue.Calls[method](clients, other));

        Assert.True(exception.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied,
                $"{method} answered {exception.StatusCode}: {exception.Status.Detail}");
        Assert.Equal(before, await host.SnapshotAsync(other));
    }

    [Theory]
    [MemberData(nameof(EveryRpc))]
    public async Task Rpc_WithoutToken_IsUnauthenticated(string method)
    {
        var target = await host.SeedTargetAsync();
        var clients = new PosClients(host.Channel(null));
        var exception = await Assert.ThrowsAsync<RpcException>(() => RpcCatalogue.Calls[method](clients, target));
        Assert.Equal(StatusCode.Unauthenticated, exception.StatusCode);
    }
}
