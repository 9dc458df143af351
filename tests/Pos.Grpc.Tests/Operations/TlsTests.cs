using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Operations;

/// <summary>The host with Ports:Certificate set: a self-signed certificate made for the test, on both public ports.</summary>
public sealed class TlsHostFixture : PosHostFixture
{
    private const string Password = "tls-test-only";
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"pos-tls-{Guid.NewGuid():N}.pfx");

    public X509Certificate2 Certificate { get; } = CreateSelfSigned();

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=pos-grpc-tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    protected override Dictionary<string, string?> HostSettings()
    {
        File.WriteAllBytes(_path, Certificate.Export(X509ContentType.Pkcs12, Password));
        var settings = base.HostSettings();
        settings["Ports:Certificate:Path"] = _path;
        settings["Ports:Certificate:Password"] = Password;
        return settings;
    }

    /// <summary>A channel over TLS that trusts exactly the test's certificate.</summary>
    public GrpcChannel TlsChannel(Transport transport, string? bearerToken)
    {
        HttpMessageHandler handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == Certificate.GetCertHashString(),
            },
        };
        if (transport != Transport.Native) handler = new GrpcWebHandler(transport == Transport.GrpcWebText ? GrpcWebMode.GrpcWebText : GrpcWebMode.GrpcWeb, handler);
        var port = transport == Transport.Native ? GrpcPort : GrpcWebPort;
        var credentials = bearerToken is null
            ? ChannelCredentials.SecureSsl
            : ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", $"Bearer {bearerToken}");
                return Task.CompletedTask;
            }));
        return GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            Credentials = credentials,
            HttpVersion = transport == Transport.Native ? HttpVersion.Version20 : HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_path);
    }
}

public sealed class TlsTests(TlsHostFixture host) : IClassFixture<TlsHostFixture>
{
    [Theory]
    [InlineData(Transport.Native)]
    [InlineData(Transport.GrpcWeb)]
    [InlineData(Transport.GrpcWebText)]
    public async Task Certificate_ServesGrpcAndGrpcWebOverTls(Transport transport)
    {
        using var anonymous = host.TlsChannel(transport, null);
        var health = await new Health.HealthClient(anonymous).CheckAsync(new HealthCheckRequest { Service = "readiness" });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        using var supervisor = host.TlsChannel(transport, PosHostFixture.Supervisor(801));
        var settings = await new SettingsService.SettingsServiceClient(supervisor).GetGeneralSettingsAsync(new() { ClientId = 801 });
        Assert.Equal(801, settings.Settings.ClientId);
    }

    [Fact]
    public async Task Certificate_CleartextIsNoLongerAnswered()
    {
        using var cleartext = PosHostFixture.CreateChannel(host.GrpcPort, null);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Health.HealthClient(cleartext).CheckAsync(new HealthCheckRequest()));
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
    }
}
