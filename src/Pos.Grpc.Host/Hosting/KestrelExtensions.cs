using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Pos.Grpc.Host;

/// <summary>
/// Two cleartext ports, because cleartext Kestrel cannot serve HTTP/1.1 and HTTP/2 on one (grpc-dotnet#979):
/// HTTP/2 for native gRPC, HTTP/1.1 for gRPC-Web from browsers.
/// </summary>
public static class KestrelExtensions
{
    public static WebApplicationBuilder AddPosKestrel(this WebApplicationBuilder builder)
    {
        var ports = builder.Configuration.GetSection(PosPorts.Section).Get<PosPorts>() ?? new PosPorts();
        var bound = new BoundPorts();
        builder.Services.AddSingleton(ports);
        builder.Services.AddSingleton(bound);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = System.Net.IPAddress.Parse(ports.BindAddress);
            kestrel.Listen(address, ports.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                bound.Grpc = listen;
            });
            kestrel.Listen(address, ports.GrpcWebPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                bound.GrpcWeb = listen;
            });
        });
        return builder;
    }
}

public sealed class PosPorts
{
    public const string Section = "Ports";

    public string BindAddress { get; set; } = "127.0.0.1";
    public int GrpcPort { get; set; } = 5080;
    public int GrpcWebPort { get; set; } = 5081;
}

/// <summary>The ports actually bound once the host started (port 0 in configuration means "any free port").</summary>
public sealed class BoundPorts
{
    internal ListenOptions? Grpc { get; set; }
    internal ListenOptions? GrpcWeb { get; set; }

    public int GrpcPort => Grpc?.IPEndPoint?.Port ?? throw new InvalidOperationException("The host has not started.");
    public int GrpcWebPort => GrpcWeb?.IPEndPoint?.Port ?? throw new InvalidOperationException("The host has not started.");
}
