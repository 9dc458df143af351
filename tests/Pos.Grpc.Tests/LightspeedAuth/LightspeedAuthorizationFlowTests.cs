using System.Net;
using System.Net.Http.Json;
using System.Web;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.LightspeedAuth;

/// <summary>The whole authorisation flow through gRPC and the host's callback, against the simulator over real HTTP.</summary>
public sealed class LightspeedAuthorizationFlowTests(LightspeedSandboxFixture host) : IClassFixture<LightspeedSandboxFixture>
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    private LightspeedAuthService.LightspeedAuthServiceClient Auth(string token) => host.Client<LightspeedAuthService.LightspeedAuthServiceClient>(token);

    private static string Supervisor(long clientId, string subject = "alice") => PosHostFixture.Token(PosRoles.Supervisor, clientId, subject: subject);

    private static readonly string IntegrationContact = PosHostFixture.Token(PosRoles.IntegrationContact, subject: "ic-bob");

    /// <summary>What the merchant's browser does: open the URL; Lightspeed consents at once and redirects.</summary>
    private static async Task<Uri> ConsentAsync(string authorizationUrl)
    {
        using var response = await Browser.GetAsync(authorizationUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    private static (string Code, string State) CodeAndState(Uri callback)
    {
        var query = HttpUtility.ParseQueryString(callback.Query);
        return (query["code"]!, query["state"]!);
    }

    [Fact]
    public async Task BrowserFlow_ThroughTheHostCallback_ConnectsAndIntegrationContactActivates()
    {
        var begin = await Auth(Supervisor(1001)).BeginAuthorizationAsync(new() { ClientId = 1001 });
        Assert.DoesNotContain(" ", begin.AuthorizationUrl); // a URL people paste into browsers and curl
        var url = new Uri(begin.AuthorizationUrl);
        var query = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(begin.State, query["state"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Null(query["redirect_uri"]);

        var listed = (await Auth(Supervisor(1001)).ListConnectionsAsync(new() { ClientId = 1001 })).Connections;
        Assert.Equal(ConnectionState.PendingConsent, Assert.Single(listed).State);

        var callback = await ConsentAsync(begin.AuthorizationUrl);
        Assert.Equal($"127.0.0.1:{host.GrpcWebPort}", callback.Authority);
        using var page = await Browser.GetAsync(callback);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Lightspeed is connected", await page.Content.ReadAsStringAsync());

        var connection = Assert.Single((await Auth(Supervisor(1001)).ListConnectionsAsync(new() { ClientId = 1001 })).Connections);
        Assert.Equal(ConnectionState.Authorized, connection.State);
        Assert.Equal("120645", connection.AccountId);
        Assert.Equal("alice", connection.AuthorizedBy);

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => Auth(Supervisor(1001)).ActivateConnectionAsync(new() { ConnectionId = connection.ConnectionId }));
        // Every test of this class links the sandbox's Copenhagen account, to a client of its own.
        var active = (await Auth(IntegrationContact).ActivateConnectionAsync(new() { ConnectionId = connection.ConnectionId, AllowSharedAccount = true })).Connection;
        Assert.Equal(ConnectionState.Active, active.State);
        Assert.Equal("ic-bob", active.ActivatedBy);

        // Replaying the callback (its state is spent) connects nothing twice.
        using var replay = await Browser.GetAsync(callback);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
    }

    [Fact]
    public async Task CompleteAuthorization_Rpc_ForAFrontendThatReceivesTheCallback()
    {
        var begin = await Auth(Supervisor(1002)).BeginAuthorizationAsync(new() { ClientId = 1002 });
        var (code, state) = CodeAndState(await ConsentAsync(begin.AuthorizationUrl));

        var connection = (await Auth(Supervisor(1002)).CompleteAuthorizationAsync(new() { Code = code, State = state })).Connection;
        Assert.Equal(ConnectionState.Authorized, connection.State);
        Assert.Equal(1002, connection.ClientId);

        // A state is single use.
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Auth(Supervisor(1002)).CompleteAuthorizationAsync(new() { Code = code, State = state }));
    }

    [Fact]
    public async Task CompleteAuthorization_BadStateOrAnotherUser_IsNotFoundAndConnectsNothing()
    {
        var begin = await Auth(Supervisor(1003)).BeginAuthorizationAsync(new() { ClientId = 1003 });
        var (code, state) = CodeAndState(await ConsentAsync(begin.AuthorizationUrl));

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Auth(Supervisor(1003)).CompleteAuthorizationAsync(new() { Code = code, State = "forged-" + state }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Auth(Supervisor(1003, subject: "mallory")).CompleteAuthorizationAsync(new() { Code = code, State = state }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Auth(Supervisor(1004)).CompleteAuthorizationAsync(new() { Code = code, State = state }));
        await RpcAssert.InvalidArgumentAsync(() => Auth(Supervisor(1003)).CompleteAuthorizationAsync(new() { Code = "", State = "" }), "code", "state");

        var connection = Assert.Single((await Auth(Supervisor(1003)).ListConnectionsAsync(new() { ClientId = 1003 })).Connections);
        Assert.Equal(ConnectionState.PendingConsent, connection.State);
        // The rightful user can still finish.
        Assert.Equal(ConnectionState.Authorized, (await Auth(Supervisor(1003)).CompleteAuthorizationAsync(new() { Code = code, State = state })).Connection.State);
    }

    [Fact]
    public async Task CompleteAuthorization_CodeOlderThanSixtySeconds_FailsPreconditionAndTheStateIsSpent()
    {
        var begin = await Auth(Supervisor(1005)).BeginAuthorizationAsync(new() { ClientId = 1005 });
        var (code, state) = CodeAndState(await ConsentAsync(begin.AuthorizationUrl));
        (await host.SimulatorAdmin.PostAsJsonAsync("/__sim/clock/advance", new { seconds = 61 })).EnsureSuccessStatusCode();

        var failure = await RpcAssert.FailedPreconditionAsync(() => Auth(Supervisor(1005)).CompleteAuthorizationAsync(new() { Code = code, State = state }), "code");
        Assert.Contains("60 s", failure.Violations[0].Description);
    }

    [Fact]
    public async Task Database_HoldsNoTokenInClearText()
    {
        var begin = await Auth(Supervisor(1006)).BeginAuthorizationAsync(new() { ClientId = 1006 });
        var (code, state) = CodeAndState(await ConsentAsync(begin.AuthorizationUrl));
        await Auth(Supervisor(1006)).CompleteAuthorizationAsync(new() { Code = code, State = state });

        // Every row of every table as text: no JWT access token (eyJ…, dot, payload, dot: random base64 elsewhere, as in
        // Data Protection's payloads, can hold "eyJ" by chance, but no dots), no refresh token or code ("def50200"),
        // no state and no PKCE verifier in clear.
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var db = host.NewDbContext();
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).Distinct())
        {
            await using var command = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, '\n'), '') FROM {table} t", connection);
            var dump = (string)(await command.ExecuteScalarAsync())!;
            Assert.DoesNotMatch(@"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.", dump);
            Assert.DoesNotContain("def50200", dump);
            Assert.DoesNotContain(state, dump);
        }
        var stored = await db.LightspeedConnections.SingleAsync(c => c.ClientId == 1006);
        Assert.StartsWith("CfDJ8", stored.ProtectedTokens); // Data Protection's payload
        Assert.True(await db.DataProtectionKeys.AnyAsync());
    }

    [Fact]
    public async Task ListLightspeedRegisters_MarksTheDepartmentEachRegisterFeeds()
    {
        var connection = await ConnectActiveAsync(1007);
        var registers = (await Auth(Supervisor(1007)).ListLightspeedRegistersAsync(new() { ConnectionId = connection.ConnectionId })).Registers;
        Assert.NotEmpty(registers);
        Assert.All(registers, r => Assert.Equal(0, r.DepartmentId));
        Assert.Contains(registers, r => r.ShopTimeZone == "Europe/Copenhagen");

        var claimed = registers[0];
        await host.Client<SettingsService.SettingsServiceClient>(Supervisor(1007)).UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings { ClientId = 1007, MultiCashRegisters = true }, UpdateMask = FieldMask.FromString("multi_cash_registers"),
        });
        await host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Service()).CreateDepartmentAsync(new()
        {
            Department = new Department
            {
                DepartmentId = 10071, ClientId = 1007, Name = "Store", PosClientNumber = "120645", PosTerminalNumbers = { claimed.RegisterId },
            },
        });

        registers = (await Auth(Supervisor(1007)).ListLightspeedRegistersAsync(new() { ConnectionId = connection.ConnectionId })).Registers;
        var marked = Assert.Single(registers, r => r.DepartmentId != 0);
        Assert.Equal(claimed.RegisterId, marked.RegisterId);
        Assert.Equal(10071, marked.DepartmentId);
        Assert.Equal(1, marked.RegisterNumber);
    }

    [Fact]
    public async Task RevokedAtLightspeed_MovesTheConnectionToReauthorizationRequired_AndReconsentRestoresIt()
    {
        var connection = await ConnectActiveAsync(1008);
        // The merchant revokes SameSystem's access in Lightspeed, and the access token expires: refreshing fails for good.
        await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { revokeTokens = true });
        try
        {
            var failure = await RpcAssert.FailedPreconditionAsync(
                () => Auth(Supervisor(1008)).ListLightspeedRegistersAsync(new() { ConnectionId = connection.ConnectionId }), $"connections/{connection.ConnectionId}");
            Assert.Contains("authorise", failure.Violations[0].Description);
        }
        finally
        {
            await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { revokeTokens = false });
        }
        var after = Assert.Single((await Auth(Supervisor(1008)).ListConnectionsAsync(new() { ClientId = 1008 })).Connections);
        Assert.Equal(ConnectionState.ReauthorizationRequired, after.State);
        Assert.NotEmpty(after.LastError);

        // Consent again: the same connection comes back, still activated by the integration contact.
        var begin = await Auth(Supervisor(1008)).BeginAuthorizationAsync(new() { ClientId = 1008 });
        var (code, state) = CodeAndState(await ConsentAsync(begin.AuthorizationUrl));
        var renewed = (await Auth(Supervisor(1008)).CompleteAuthorizationAsync(new() { Code = code, State = state })).Connection;
        Assert.Equal(connection.ConnectionId, renewed.ConnectionId);
        Assert.Equal(ConnectionState.Active, renewed.State);
        Assert.Single((await Auth(Supervisor(1008)).ListConnectionsAsync(new() { ClientId = 1008 })).Connections);
    }

    [Fact]
    public async Task RevokeConnection_ForgetsTheTokens()
    {
        var connection = await ConnectActiveAsync(1009);
        var revoked = (await Auth(IntegrationContact).RevokeConnectionAsync(new() { ConnectionId = connection.ConnectionId })).Connection;
        Assert.Equal(ConnectionState.Revoked, revoked.State);
        await using var db = host.NewDbContext();
        Assert.Null((await db.LightspeedConnections.SingleAsync(c => c.ClientId == 1009)).ProtectedTokens);
        await RpcAssert.FailedPreconditionAsync(() => Auth(Supervisor(1009)).ListLightspeedRegistersAsync(new() { ConnectionId = connection.ConnectionId }),
            $"connections/{connection.ConnectionId}");
        await RpcAssert.FailedPreconditionAsync(() => Auth(IntegrationContact).ActivateConnectionAsync(new() { ConnectionId = connection.ConnectionId }),
            $"connections/{connection.ConnectionId}");
    }

    [Fact]
    public async Task ConnectionIds_MalformedOrUnknown_AreRejected()
    {
        await RpcAssert.InvalidArgumentAsync(() => Auth(IntegrationContact).ActivateConnectionAsync(new() { ConnectionId = "not-a-uuid" }), "connection_id");
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Auth(IntegrationContact).ActivateConnectionAsync(new() { ConnectionId = Guid.NewGuid().ToString() }));
    }

    private async Task<Connection> ConnectActiveAsync(long clientId)
    {
        var begin = await Auth(Supervisor(clientId)).BeginAuthorizationAsync(new() { ClientId = clientId });
        var (code, state) = CodeAndState(await ConsentAsync(begin.AuthorizationUrl));
        var connection = (await Auth(Supervisor(clientId)).CompleteAuthorizationAsync(new() { Code = code, State = state })).Connection;
        return (await Auth(IntegrationContact).ActivateConnectionAsync(new() { ConnectionId = connection.ConnectionId, AllowSharedAccount = true })).Connection;
    }
}
