using System.Net;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Host;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Tests.Infrastructure;

public enum Transport
{
    /// <summary>Native gRPC over HTTP/2 cleartext.</summary>
    Native,
    /// <summary>gRPC-Web text (base64) over HTTP/1.1, as browsers that cannot stream binary use it.</summary>
    GrpcWebText,
    /// <summary>gRPC-Web binary over HTTP/1.1.</summary>
    GrpcWeb,
}

/// <summary>
/// The real host on real Kestrel ports, over its own fresh database. One per test class
/// (IClassFixture), so tests of a class share a host and nothing else.
/// </summary>
public class PosHostFixture : IAsyncLifetime
{
    public static readonly AuthOptions Auth = new()
    {
        Issuer = "pos-grpc-tests",
        Audience = "pos-grpc",
        SigningKey = "test-signing-key-for-pos-grpc-integration-tests-0123456789",
    };

    private WebApplication? _app;
    private string? _sharedConnectionString;
    private readonly List<GrpcChannel> _channels = [];
    private readonly List<ServiceProvider> _clientProviders = [];

    public string ConnectionString { get; private set; } = "";
    /// <summary>The ports the host bound (it asks for any free port, so parallel fixtures never collide).</summary>
    public int GrpcPort => Services.GetRequiredService<BoundPorts>().GrpcPort;
    public int GrpcWebPort => Services.GetRequiredService<BoundPorts>().GrpcWebPort;
    public int OperationsPort => Services.GetRequiredService<BoundPorts>().OperationsPort;
    public PostgresServer Postgres { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    public virtual async ValueTask InitializeAsync()
    {
        Postgres = await GetPostgresAsync();
        ConnectionString = _sharedConnectionString ?? await CreateDatabaseAsync();
        await StartHostAsync();
        await SeedAsync();
    }

    protected async Task StartHostAsync()
    {
        _app = PosHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(HostSettings());
            ConfigureHost(builder);
        });
        await _app.StartAsync();
        if (WaitForMigratedDatabase) await WaitUntilMigratedAsync();
        HostStarted();
    }

    /// <summary>Called after every start of the host (a restart included), once its ports are bound.</summary>
    protected virtual void HostStarted() { }

    protected async Task StopHostAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>Stops the host and starts a new one on the same database (on new ports), as a restart of the service does.</summary>
    public async Task RestartHostAsync()
    {
        await StopHostAsync();
        await StartHostAsync();
    }

    /// <summary>The PostgreSQL server of the host: the run's shared one, unless a subclass brings its own.</summary>
    protected virtual Task<PostgresServer> GetPostgresAsync() => PostgresServer.GetAsync();

    /// <summary>Data a fixture's tests share, written once after the host started.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    /// <summary>The database of the host; a subclass running several hosts on one database hands the first one's to the others.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => Postgres.CreateDatabaseAsync();

    /// <summary>Whether start-up waits for the host's migrator (off for hosts whose database is meant to be down).</summary>
    protected virtual bool WaitForMigratedDatabase => true;

    private async Task WaitUntilMigratedAsync()
    {
        var state = Services.GetRequiredService<DatabaseState>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!state.IsMigrated) await Task.Delay(20, timeout.Token);
    }

    /// <summary>Configuration of the host under test; subclasses add their own.</summary>
    protected virtual Dictionary<string, string?> HostSettings() => new()
    {
        ["ConnectionStrings:Pos"] = ConnectionString,
        ["Ports:BindAddress"] = "127.0.0.1",
        ["Ports:GrpcPort"] = "0",
        ["Ports:GrpcWebPort"] = "0",
        ["Ports:OperationsPort"] = "0",
        ["Auth:Issuer"] = Auth.Issuer,
        ["Auth:Audience"] = Auth.Audience,
        ["Auth:SigningKey"] = Auth.SigningKey,
        ["Scheduler:Enabled"] = "false",
        // No test may reach for the real Lightspeed: a closed local port fails at once.
        ["Lightspeed:AuthBaseUrl"] = "http://127.0.0.1:9",
        ["Lightspeed:ApiBaseUrl"] = "http://127.0.0.1:9",
        ["LightspeedKSeries:ApiBaseUrl"] = "http://127.0.0.1:9",
        ["LightspeedKSeries:V2OAuthBaseUrl"] = "http://127.0.0.1:9",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:Console:FormatterName"] = "simple",
        [RateLimitPermitsPerPeriod] = RateLimitOutOfReach,
        [RateLimitBurst] = RateLimitOutOfReach,
        [StreamLimitPerCaller] = RateLimitOutOfReach,
        [StreamLimitTotal] = RateLimitOutOfReach,
        [CallbackLimitBurst] = RateLimitOutOfReach,
        [CallbackLimitPerMinute] = RateLimitOutOfReach,
    };

    public const string RateLimitPermitsPerPeriod = "RateLimit:PermitsPerPeriod";
    public const string RateLimitBurst = "RateLimit:Burst";
    public const string StreamLimitPerCaller = "RateLimit:Streams:PerCaller";
    public const string StreamLimitTotal = "RateLimit:Streams:Total";
    public const string CallbackLimitBurst = "RateLimit:Callback:PerAddressBurst";
    public const string CallbackLimitPerMinute = "RateLimit:Callback:PerAddressPerMinute";

    /// <summary>
    /// Tests and benchmarks call far faster than any real caller: they measure the service, not the per-caller limit,
    /// so its bucket (and the open-stream and callback limits) are set out of reach (they still run on every call). CallerRateLimitTests
    /// and the Security tests start hosts with small ones.
    /// </summary>
    public const string RateLimitOutOfReach = "1000000";

    protected virtual void ConfigureHost(WebApplicationBuilder builder) { }

    /// <summary>A second instance of the host on this fixture's database, as in a multi-instance deployment. The caller disposes it.</summary>
    public Task<PosHostFixture> StartSiblingAsync() => StartSiblingAsync<PosHostFixture>();

    /// <summary>A second instance configured as <typeparamref name="TFixture"/> configures its host, on this fixture's database.</summary>
    public async Task<PosHostFixture> StartSiblingAsync<TFixture>() where TFixture : PosHostFixture, new()
    {
        var sibling = new TFixture { _sharedConnectionString = ConnectionString };
        await sibling.InitializeAsync();
        return sibling;
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels) channel.Dispose();
        foreach (var provider in _clientProviders) await provider.DisposeAsync();
        await StopHostAsync();
    }

    public static string Token(string role, long? clientId = null, long[]? departmentIds = null, string subject = "test-user") =>
        DevelopmentTokenIssuer.Issue(Auth, subject, [role], clientId is { } c ? [c] : [], departmentIds);

    public static string Supervisor(long clientId) => Token(PosRoles.Supervisor, clientId, subject: $"supervisor-{clientId}");

    public static string Service() => Token(PosRoles.Service, subject: "main-system");

    /// <summary>A channel to the host that sends <paramref name="bearerToken"/> (none when null) on every call.</summary>
    public GrpcChannel Channel(string? bearerToken, Transport transport = Transport.Native)
    {
        var channel = CreateChannel(transport == Transport.Native ? GrpcPort : GrpcWebPort, bearerToken, transport);
        lock (_channels) _channels.Add(channel);
        return channel;
    }

    /// <summary>A channel to a host on 127.0.0.1:<paramref name="port"/> (also one running as its own process). The caller disposes it.</summary>
    public static GrpcChannel CreateChannel(int port, string? bearerToken, Transport transport = Transport.Native)
    {
        HttpMessageHandler handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (transport != Transport.Native)
            handler = new GrpcWebHandler(transport == Transport.GrpcWebText ? GrpcWebMode.GrpcWebText : GrpcWebMode.GrpcWeb, handler);
        if (bearerToken is not null) handler = new BearerTokenHandler(bearerToken) { InnerHandler = handler };
        return GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            HttpVersion = transport == Transport.Native ? HttpVersion.Version20 : HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
    }

    /// <summary>
    /// A typed client from the .NET client library (clients/dotnet): the same DI registration, bearer token,
    /// deadlines and read retries other services use. <see cref="Channel"/> stays for raw calls.
    /// </summary>
    public TClient Client<TClient>(string? bearerToken, Transport transport = Transport.Native) where TClient : class
    {
        var services = new ServiceCollection();
        services.AddPosGrpcClient(options =>
        {
            if (transport == Transport.Native) options.Address = new Uri($"http://127.0.0.1:{GrpcPort}");
            else options.GrpcWebAddress = new Uri($"http://127.0.0.1:{GrpcWebPort}");
            options.UseGrpcWebText = transport == Transport.GrpcWebText;
            if (bearerToken is not null) options.TokenProvider = _ => ValueTask.FromResult(bearerToken);
        });
        var provider = services.BuildServiceProvider();
        lock (_clientProviders) _clientProviders.Add(provider);
        return provider.GetRequiredService<TClient>();
    }

    /// <summary>Direct access to the test's database, to seed and to check what was (not) written.</summary>
    public PosDbContext NewDbContext()
    {
        var options = new DbContextOptionsBuilder<PosDbContext>();
        PersistenceExtensions.ConfigureNpgsql(options, ConnectionString);
        return new PosDbContext(options.Options);
    }

    private sealed class BearerTokenHandler(string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
