using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Pos.Grpc.Host;

/// <summary>
/// Two public ports, because cleartext Kestrel cannot serve HTTP/1.1 and HTTP/2 on one (grpc-dotnet#979): HTTP/2 for
/// native gRPC, HTTP/1.1 for gRPC-Web from browsers; both over TLS when a certificate is configured. A third, the
/// operations port (HTTP/1.1, never TLS, for scrapers and orchestrators inside the network), serves the Prometheus
/// metrics and the HTTP probes, and nothing of the API.
/// </summary>
public static class KestrelExtensions
{
    public static WebApplicationBuilder AddPosKestrel(this WebApplicationBuilder builder)
    {
        var ports = builder.Configuration.GetSection(PosPorts.Section).Get<PosPorts>() ?? new PosPorts();
        PosConfigurationException.ThrowIfAny(PosPorts.Section, ports.Problems());
        var certificate = ports.Certificate?.Load($"{PosPorts.Section}:Certificate");
        var bound = new BoundPorts();
        builder.Services.AddSingleton(ports);
        builder.Services.AddSingleton(bound);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = IPAddress.Parse(ports.BindAddress);
            kestrel.Listen(address, ports.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null) listen.UseHttps(certificate);
                bound.Grpc = listen;
            });
            kestrel.Listen(address, ports.GrpcWebPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (certificate is not null) listen.UseHttps(certificate);
                bound.GrpcWeb = listen;
            });
            kestrel.Listen(address, ports.OperationsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                bound.Operations = listen;
            });
        });
        return builder;
    }
}

/// <summary>The host's ports (section "Ports"); 0 means any free port (tests).</summary>
public sealed class PosPorts
{
    public const string Section = "Ports";

    public string BindAddress { get; set; } = "127.0.0.1";
    public int GrpcPort { get; set; } = 5080;
    public int GrpcWebPort { get; set; } = 5081;
    /// <summary>Prometheus' /metrics and the HTTP probes /healthz/live and /healthz/ready.</summary>
    public int OperationsPort { get; set; } = 5082;
    /// <summary>A PKCS#12 file (Path, Password): with it, both public ports speak TLS only.</summary>
    public CertificateFile? Certificate { get; set; }

    public IEnumerable<string> Problems()
    {
        if (!IPAddress.TryParse(BindAddress, out _)) yield return $"BindAddress '{BindAddress}' is not an IP address such as 127.0.0.1 or 0.0.0.0";
        foreach (var (name, port) in Named())
            if (port is < 0 or > 65535) yield return $"{name} {port} is not a TCP port (0-65535; 0 picks a free one)";
        foreach (var clash in Named().Where(p => p.Port > 0).GroupBy(p => p.Port).Where(g => g.Count() > 1))
            yield return $"{string.Join(" and ", clash.Select(p => p.Name))} are both {clash.Key}; each port serves one thing";
    }

    private IEnumerable<(string Name, int Port)> Named() =>
        [(nameof(GrpcPort), GrpcPort), (nameof(GrpcWebPort), GrpcWebPort), (nameof(OperationsPort), OperationsPort)];
}

/// <summary>The ports actually bound once the host started (port 0 in configuration means "any free port").</summary>
public sealed class BoundPorts
{
    internal ListenOptions? Grpc { get; set; }
    internal ListenOptions? GrpcWeb { get; set; }
    internal ListenOptions? Operations { get; set; }

    public int GrpcPort => Port(Grpc);
    public int GrpcWebPort => Port(GrpcWeb);
    public int OperationsPort => Port(Operations);

    internal bool IsOperations(int localPort) => Operations?.IPEndPoint?.Port == localPort;

    private static int Port(ListenOptions? listen) =>
        listen?.IPEndPoint?.Port ?? throw new InvalidOperationException("The host has not started.");
}
