using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Web;
using Google.Rpc;
using Grpc.Core;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>The sandbox with a 3 s server deadline on register listings.</summary>
public sealed class RegisterListingFixture : LightspeedSandboxFixture
{
    public const int DeadlineSeconds = 3;

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["RegisterListing:Deadline"] = $"00:00:0{DeadlineSeconds}";
        return settings;
    }

    public async Task<long> ApiRequestsAsync() =>
        (await SimulatorAdmin.GetFromJsonAsync<JsonElement>($"/__sim/accounts/{CopenhagenAccount}/stats")).GetProperty("apiRequests").GetInt64();
}

/// <summary>
/// Issue 10, item 2: every ListLightspeedRegisters made two Lightspeed requests through the account's pacing, with no
/// cache and no deadline, so read-only callers could hold up the account's imports (100 listings in flight: a 7-day
/// import took 60 s instead of under 1 s). Now listings of a connection share one read, cached briefly; a caller has at
/// most two in flight; the RPC has a server deadline. (Imports' priority on the pacing is the provider's.)
/// </summary>
public sealed class RegisterListingLoadTests(RegisterListingFixture host) : IClassFixture<RegisterListingFixture>
{
    private static LightspeedAuthService.LightspeedAuthServiceClient Auth(RegisterListingFixture host, string subject) =>
        // A raw channel: no client-side deadline or retry, so what is seen is the server's answer.
        new(host.Channel(PosHostFixture.Token(PosRoles.Support, subject: subject)));

    private async Task<Connection> ConnectAsync(long clientId) =>
        await host.ConnectLightspeedAsync(clientId, LightspeedSandboxFixture.CopenhagenAccount, PosHostFixture.Token(PosRoles.Supervisor, clientId));

    private async Task<ListLightspeedRegistersResponse> ListAsync(Connection connection, string subject) =>
        await Auth(host, subject).ListLightspeedRegistersAsync(new() { ConnectionId = connection.ConnectionId });

    [Fact]
    public async Task ManyListingsOfAConnection_ReadLightspeedOnce_AndAgainOnlyWhenTheConnectionChanged()
    {
        var connection = await ConnectAsync(1201);
        var before = await host.ApiRequestsAsync();

        var listings = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => ListAsync(connection, $"support-{i}")));
        Assert.All(listings, l => Assert.Equal(listings[0].Registers, l.Registers));
        Assert.NotEmpty(listings[0].Registers);
        // One read: the account's shops and its registers.
        Assert.Equal(before + 2, await host.ApiRequestsAsync());
        await ListAsync(connection, "support-again");
        Assert.Equal(before + 2, await host.ApiRequestsAsync());

        // A renewed authorisation changes the connection: the next listing reads the account afresh.
        await ReauthorizeAsync(1201);
        var renewed = await host.ApiRequestsAsync();
        await ListAsync(connection, "support-after");
        Assert.Equal(renewed + 2, await host.ApiRequestsAsync());
    }

    [Fact]
    public async Task ACallerWithTwoListingsInFlight_IsRefusedAThird_WithTheLimit()
    {
        var connection = await ConnectAsync(1202);
        // Long enough to hold two listings in flight while the third arrives (the three start together), short
        // enough that their two Lightspeed reads end well within the server's deadline on a busy machine.
        await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = 500 });
        try
        {
            var calls = Enumerable.Range(0, 3).Select(async _ =>
            {
                try
                {
                    await ListAsync(connection, "support-eager");
                    return null;
                }
                catch (RpcException e)
                {
                    return e;
                }
            }).ToList();
            var refused = Assert.Single((await Task.WhenAll(calls)).OfType<RpcException>());

            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            var info = RpcAssert.Detail<ErrorInfo>(refused);
            Assert.Equal(("TOO_MANY_LISTINGS", "2", "caller"), (info.Reason, info.Metadata["limit"], info.Metadata["scope"]));
        }
        finally
        {
            await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = 0 });
        }
    }

    [Fact]
    public async Task AListingSlowerThanTheServersDeadline_IsDeadlineExceeded()
    {
        var connection = await ConnectAsync(1203);
        await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = (RegisterListingFixture.DeadlineSeconds + 2) * 1000 });
        try
        {
            var exceeded = await RpcAssert.FailsAsync(StatusCode.DeadlineExceeded, () => ListAsync(connection, "support-patient"));
            Assert.Equal("LIGHTSPEED_TIMEOUT", RpcAssert.Reason(exceeded));
        }
        finally
        {
            await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = 0 });
        }
    }

    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    private async Task ReauthorizeAsync(long clientId)
    {
        var auth = host.Client<LightspeedAuthService.LightspeedAuthServiceClient>(PosHostFixture.Token(PosRoles.Supervisor, clientId));
        var begin = await auth.BeginAuthorizationAsync(new() { ClientId = clientId });
        using var consent = await Browser.GetAsync(begin.AuthorizationUrl);
        var query = HttpUtility.ParseQueryString(consent.Headers.Location!.Query);
        await auth.CompleteAuthorizationAsync(new() { Code = query["code"], State = query["state"] });
    }
}
