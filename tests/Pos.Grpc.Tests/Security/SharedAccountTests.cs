using System.Net;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// Issue 10, item 8: a state from client 2's BeginAuthorization with a code for client 1's Lightspeed account gave
/// client 2 an AUTHORIZED connection to it, and only the activation stood in the way, unwarned. Now the callback page
/// says which SameSystem client and which Lightspeed account are being linked (and that the account is in use), and
/// activating an account ACTIVE for another client needs allow_shared_account, which is audited.
/// </summary>
public sealed class SharedAccountTests(LightspeedSandboxFixture host) : IClassFixture<LightspeedSandboxFixture>
{
    private const long First = 1401, Second = 1402;
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    private static LightspeedAuthService.LightspeedAuthServiceClient Contact(LightspeedSandboxFixture host) =>
        new(host.Channel(PosHostFixture.Token(PosRoles.IntegrationContact, subject: "ic-careful")));

    [Fact]
    public async Task AnAccountActiveForAnotherClient_IsNamedOnTheCallbackPage_AndActivatesOnlyWithAnAuditedOverride()
    {
        await host.ConnectLightspeedAsync(First, LightspeedSandboxFixture.CopenhagenAccount, PosHostFixture.Supervisor(First));

        // The second client's authorisation, consented with the first client's account.
        var supervisor = host.Client<LightspeedAuthService.LightspeedAuthServiceClient>(PosHostFixture.Supervisor(Second));
        var begin = await supervisor.BeginAuthorizationAsync(new() { ClientId = Second });
        using var consent = await Browser.GetAsync($"{begin.AuthorizationUrl}&account_id={LightspeedSandboxFixture.CopenhagenAccount}");
        using var callback = await Browser.GetAsync(consent.Headers.Location!);
        var page = await callback.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Contains($"Lightspeed account {LightspeedSandboxFixture.CopenhagenAccount}", page);
        Assert.Contains($"SameSystem client {Second}", page);
        Assert.Contains("already imports into another SameSystem client", page);
        Assert.DoesNotContain($"{First}", page);

        var connection = Assert.Single((await supervisor.ListConnectionsAsync(new() { ClientId = Second })).Connections);
        var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Contact(host).ActivateConnectionAsync(new() { ConnectionId = connection.ConnectionId }));
        Assert.Equal("ACCOUNT_ACTIVE_ELSEWHERE", RpcAssert.Reason(refused));
        Assert.Contains($"client {First}", Assert.Single(RpcAssert.Detail<PreconditionFailure>(refused).Violations).Description);
        Assert.Equal(ConnectionState.Authorized, Assert.Single((await supervisor.ListConnectionsAsync(new() { ClientId = Second })).Connections).State);

        var active = (await Contact(host).ActivateConnectionAsync(new() { ConnectionId = connection.ConnectionId, AllowSharedAccount = true })).Connection;
        Assert.Equal(ConnectionState.Active, active.State);
        await using var db = host.NewDbContext();
        var audit = await db.AuditEntries.SingleAsync(a => a.ClientId == Second && a.Action == "connection.activate");
        Assert.Equal("ic-careful", audit.Actor);
        Assert.Contains("\"shared_with_clients\":[" + First + "]", audit.Details.Replace(" ", ""));
    }
}
