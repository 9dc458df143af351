namespace Pos.Grpc.Host;

/// <summary>Builds the host: the same code path for `dotnet run`, the run script and the tests.</summary>
public static class PosHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CreateBuilder(args);
        configure?.Invoke(builder);

        builder.AddPosKestrel()
            .AddPosTelemetry()
            .AddPosForwardedHeaders()
            .AddPosPersistence()
            .AddPosAuthentication()
            .AddPosGrpc()
            .AddPosDataProtection()
            .AddPosProviders()
            .AddPosEngine()
            .AddPosFeatures();

        var app = builder.Build();
        // Every validated section now, before anything starts (or logs a failed start): a bad setting is one message.
        app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        app.WarnWhenKeyRingUnprotected();
        app.UsePosOperationsPort();
        app.UsePosForwardedHeaders();
        app.MapPosGrpc();
        app.MapPosProviders();
        app.UsePosSchedules();
        return app;
    }

    /// <summary>
    /// Configuration from appsettings next to the binary (whatever the working directory), then
    /// the usual sources, then POS_-prefixed environment variables.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, string? defaultEnvironment = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? defaultEnvironment,
        });
        builder.Configuration.AddEnvironmentVariables(prefix: "POS_");
        return builder;
    }
}
