using System.Net;
using System.Net.Http.Json;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pos.Grpc.Providers.KSeries;
using Pos.Grpc.LightspeedSimulator;

namespace Pos.Grpc.Tests.Infrastructure;

/// <summary>
/// The host talking to the Lightspeed simulator over real HTTP, as in the README's sandbox: the simulator runs
/// in-process on its own free port, and its OAuth client redirects to the host's callback. It plays both POS as
/// scripts/run.sh's sandbox does: R-Series with the client registered here, K-Series with the sandbox's own client
/// (devp-v2-demo-sandbox, business location 45454565682155).
/// </summary>
public class LightspeedSandboxFixture : PosHostFixture
{
    public const string SimulatorClientId = "sim-client";
    public const string SimulatorClientSecret = "sim-secret";
    public const long CopenhagenAccount = 120645;

    private WebApplication? _simulator;
    private SimulatorOptions _simulatorOptions = null!;

    public Uri SimulatorUrl { get; private set; } = null!;
    public HttpClient SimulatorAdmin { get; private set; } = null!;

    /// <summary>The simulator's configuration; subclasses change volume, rate limits, clock.</summary>
    protected virtual SimulatorOptions SimulatorOptions() => new() { Seed = 4242 };

    public override async ValueTask InitializeAsync()
    {
        _simulatorOptions = SimulatorOptions();
        _simulator = SimulatorHost.Build(_simulatorOptions, port: 0);
        await _simulator.StartAsync();
        SimulatorUrl = SimulatorHost.BoundUrl(_simulator);
        SimulatorAdmin = new HttpClient { BaseAddress = SimulatorUrl };
        await base.InitializeAsync();
        // Register the OAuth client with the redirect URI of the host just started (its port was free, not fixed).
        var register = await SimulatorAdmin.PutAsJsonAsync($"/__sim/clients/{SimulatorClientId}", new
        {
            clientSecret = SimulatorClientSecret,
            redirectUri = CallbackUrl,
            accountId = CopenhagenAccount,
        });
        register.EnsureSuccessStatusCode();
    }

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Lightspeed:AuthBaseUrl"] = SimulatorUrl.ToString();
        settings["Lightspeed:ApiBaseUrl"] = SimulatorUrl.ToString();
        settings["Lightspeed:ClientId"] = SimulatorClientId;
        settings["Lightspeed:ClientSecret"] = SimulatorClientSecret;
        settings["LightspeedKSeries:ApiBaseUrl"] = SimulatorUrl.ToString();
        settings["LightspeedKSeries:V2OAuthBaseUrl"] = SimulatorUrl.ToString();
        settings["LightspeedKSeries:ClientId"] = KSeriesSandboxClientId;
        settings["LightspeedKSeries:ClientSecret"] = KSeriesSandboxClientSecret;
        return settings;
    }

    /// <summary>The simulator's K-Series sandbox client (any redirect URI) and its location, as scripts/run.sh uses them.</summary>
    public const string KSeriesSandboxClientId = "devp-v2-demo-sandbox";
    public const string KSeriesSandboxClientSecret = "sandbox-secret";
    public const long KSeriesSandboxLocation = 45454565682155;

    /// <summary>The host's OAuth callback, where both POS send the merchant's browser back.</summary>
    public string CallbackUrl => $"http://127.0.0.1:{GrpcWebPort}/oauth/lightspeed/callback";

    /// <summary>
    /// K-Series sends its redirect URI (R-Series uses the one registered with Lightspeed), and the host's port is known only
    /// once it listens: set on the host's options after every start, which the client reads at every authorisation.
    /// </summary>
    protected override void HostStarted() => Services.GetRequiredService<IOptions<KSeriesOptions>>().Value.RedirectUri = CallbackUrl;

    /// <summary>
    /// Stops the host and the simulator, then starts the simulator again on its port with the same options and the host on
    /// the same database: a restart of scripts/run.sh. What the simulator remembers is what its StateDirectory kept.
    /// </summary>
    public async Task RestartAsync()
    {
        await StopHostAsync();
        await StopSimulatorAsync();
        _simulator = SimulatorHost.Build(_simulatorOptions, SimulatorUrl.Port);
        await _simulator.StartAsync();
        await StartHostAsync();
    }

    private async Task StopSimulatorAsync()
    {
        if (_simulator is null) return;
        await _simulator.StopAsync();
        await _simulator.DisposeAsync();
        _simulator = null;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SimulatorAdmin?.Dispose();
        await StopSimulatorAsync();
    }

    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    /// <summary>
    /// Step 4 of docs/domain.md section 1 as people do it: the supervisor asks for the URL, the merchant's browser consents
    /// in the simulator (account_id picks the account, as a real merchant logs into theirs) and lands on the host's
    /// callback, then SameSystem's integration contact activates the connection. Returns the ACTIVE connection.
    /// </summary>
    public Task<Connection> ConnectLightspeedAsync(long clientId, long accountId, string supervisorToken, string integrationContact = "ic-test") =>
        ConsentAndActivateAsync(clientId, supervisorToken, $"&account_id={accountId}", c => c.AccountId == $"{accountId}", integrationContact);

    /// <summary>
    /// The same for a client whose POS is K-Series: the sandbox user's consent (bl_ids picks the locations it sees) covers the
    /// business location, which the connection lists among its business's accounts.
    /// </summary>
    public Task<Connection> ConnectKSeriesAsync(long clientId, long blId, string supervisorToken, string integrationContact = "ic-test") =>
        ConsentAndActivateAsync(clientId, supervisorToken, $"&bl_ids={blId}", c => c.Accounts.Any(a => a.AccountId == $"{blId}"), integrationContact);

    private async Task<Connection> ConsentAndActivateAsync(long clientId, string supervisorToken, string consentQuery, Predicate<Connection> covers,
        string integrationContact)
    {
        var auth = Client<LightspeedAuthService.LightspeedAuthServiceClient>(supervisorToken);
        var begin = await auth.BeginAuthorizationAsync(new() { ClientId = clientId });
        using (var consent = await Browser.GetAsync(begin.AuthorizationUrl + consentQuery))
        {
            Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
            using var callback = await Browser.GetAsync(consent.Headers.Location!);
            Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        }
        var connection = Assert.Single((await auth.ListConnectionsAsync(new() { ClientId = clientId })).Connections, covers);
        Assert.Equal(ConnectionState.Authorized, connection.State);
        // The sandbox has three accounts for the many clients of a test run: sharing one is allowed (and audited) here.
        var active = (await Client<LightspeedAuthService.LightspeedAuthServiceClient>(Token(PosRoles.IntegrationContact, subject: integrationContact))
            .ActivateConnectionAsync(new() { ConnectionId = connection.ConnectionId, AllowSharedAccount = true })).Connection;
        Assert.Equal(ConnectionState.Active, active.State);
        return active;
    }

    public Task SetFaultsAsync(long accountId, object faults) =>
        SimulatorAdmin.PutAsJsonAsync($"/__sim/accounts/{accountId}/faults", faults).ContinueWith(t => t.Result.EnsureSuccessStatusCode());
}
