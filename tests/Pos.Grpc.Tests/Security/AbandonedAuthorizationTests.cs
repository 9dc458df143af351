using System.Web;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Features.LightspeedAuth;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// Issue 10, item 9: 300 BeginAuthorization calls left 239 PENDING_CONSENT connections, and the first page of
/// ListConnections was full of them. Now a client has at most five authorisations in progress (a new one supersedes the
/// oldest), and those whose state expired unused are deleted with their state.
/// </summary>
public sealed class AbandonedAuthorizationTests(LightspeedSandboxFixture host) : IClassFixture<LightspeedSandboxFixture>
{
    private const long Client = 1501;
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    private LightspeedAuthService.LightspeedAuthServiceClient Supervisor() =>
        host.Client<LightspeedAuthService.LightspeedAuthServiceClient>(PosHostFixture.Token(Host.Infrastructure.Auth.PosRoles.Supervisor, Client));

    private async Task<IReadOnlyList<Connection>> ConnectionsAsync() =>
        (await Supervisor().ListConnectionsAsync(new() { ClientId = Client })).Connections;

    [Fact]
    public async Task ManyAbandonedAuthorizations_NeverCrowdOutTheRealConnection_AndExpiredOnesAreDeleted()
    {
        var real = await host.ConnectLightspeedAsync(Client, LightspeedSandboxFixture.CopenhagenAccount, PosHostFixture.Token(Host.Infrastructure.Auth.PosRoles.Supervisor, Client));
        var begun = new List<BeginAuthorizationResponse>();
        for (var i = 0; i < 30; i++) begun.Add(await Supervisor().BeginAuthorizationAsync(new() { ClientId = Client }));

        var listed = await ConnectionsAsync();
        Assert.Equal(AbandonedAuthorizations.MaxPendingPerClient, listed.Count(c => c.State == ConnectionState.PendingConsent));
        Assert.Contains(listed, c => c.ConnectionId == real.ConnectionId && c.State == ConnectionState.Active);

        // A superseded state no longer works; the newest still completes.
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Supervisor().CompleteAuthorizationAsync(new() { Code = "code", State = begun[0].State }));
        using (var consent = await Browser.GetAsync(begun[^1].AuthorizationUrl))
        {
            var query = HttpUtility.ParseQueryString(consent.Headers.Location!.Query);
            var renewed = (await Supervisor().CompleteAuthorizationAsync(new() { Code = query["code"], State = query["state"] })).Connection;
            Assert.Equal(real.ConnectionId, renewed.ConnectionId);
        }

        // The rest are left to expire: then the sweep deletes them, and their states, and nothing else.
        await using (var db = host.NewDbContext())
            await db.OAuthStates.Where(s => s.ClientId == Client).ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await using (var scope = host.Services.CreateAsyncScope())
            Assert.Equal(AbandonedAuthorizations.MaxPendingPerClient - 1,
                await AbandonedAuthorizations.DeleteAsync(scope.ServiceProvider.GetRequiredService<PosDbContext>(), 0, DateTimeOffset.UtcNow, CancellationToken.None));

        var left = Assert.Single(await ConnectionsAsync());
        Assert.Equal((real.ConnectionId, ConnectionState.Active), (left.ConnectionId, left.State));
        await using var check = host.NewDbContext();
        Assert.False(await check.OAuthStates.AnyAsync(s => s.ClientId == Client && s.ConsumedAt == null));
    }
}
