namespace Pos.Grpc.Host;

/// <summary>Builds the host: the same code path for `dotnet run`, the run script and the tests.</summary>
public static class PosHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddEnvironmentVariables(prefix: "POS_");
        configure?.Invoke(builder);

        builder.AddPosKestrel()
            .AddPosPersistence()
            .AddPosAuthentication()
            .AddPosGrpc();

        var app = builder.Build();
        app.MapPosGrpc();
        return app;
    }
}
