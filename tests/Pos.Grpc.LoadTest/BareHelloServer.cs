using Grpc.AspNetCore.Web;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Pos.Grpc.LoadTest.Hello;

namespace Pos.Grpc.LoadTest;

/// <summary>A bare gRPC hello-world on its own Kestrel ports, the yardstick the service is measured against.</summary>
public static class BareHelloServer
{
    public static async Task<(WebApplication App, int GrpcPort, int GrpcWebPort)> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        ListenOptions? grpc = null, web = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http2; grpc = l; });
            k.Listen(System.Net.IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http1; web = l; });
        });
        var app = builder.Build();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.MapGrpcService<Greeter>();
        await app.StartAsync();
        return (app, grpc!.IPEndPoint!.Port, web!.IPEndPoint!.Port);
    }

    private sealed class Greeter : HelloService.HelloServiceBase
    {
        public override Task<SayHelloResponse> SayHello(SayHelloRequest request, ServerCallContext context) =>
            Task.FromResult(new SayHelloResponse { Message = "Hello " + request.Name });
    }
}
