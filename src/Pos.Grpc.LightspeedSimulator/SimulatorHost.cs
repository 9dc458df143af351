using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Pos.Grpc.LightspeedSimulator.Admin;
using Pos.Grpc.LightspeedSimulator.Api;
using Pos.Grpc.LightspeedSimulator.Domain;
using Pos.Grpc.LightspeedSimulator.KSeries;
using Pos.Grpc.LightspeedSimulator.OAuth;
using Pos.Grpc.LightspeedSimulator.State;

namespace Pos.Grpc.LightspeedSimulator;

/// <summary>Builds the simulator: the same code path for `dotnet run` and for tests that host it in-process.</summary>
public static class SimulatorHost
{
    public const string DefaultUrl = "http://127.0.0.1:5090";

    /// <summary>From command-line arguments (--urls, --Simulator:Key=value) and LSSIM_-prefixed environment variables.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args, ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name,
        });
        builder.Configuration.AddEnvironmentVariables(prefix: "LSSIM_");
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        var options = builder.Configuration.GetSection("Simulator").Get<SimulatorOptions>() ?? new SimulatorOptions();
        return Compose(builder, options);
    }

    /// <summary>In-process hosting for tests: the given options, bound to 127.0.0.1:<paramref name="port"/>.</summary>
    public static WebApplication Build(SimulatorOptions options, int port, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name, ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        configure?.Invoke(builder);
        return Compose(builder, options);
    }

    /// <summary>
    /// Where a started simulator listens: built with port 0 it took a free port as it bound, so nothing else can take
    /// that port between choosing and binding it (test projects run side by side).
    /// </summary>
    public static Uri BoundUrl(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("0.0.0.0", "127.0.0.1"));

    private static WebApplication Compose(WebApplicationBuilder builder, SimulatorOptions options)
    {
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(new SimClock(options.ClockScale));
        services.AddSingleton<SimulatorOptionsAccessor>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<SalesCatalog>();
        services.AddSingleton(sp => new StateDirectory(options.StateDirectory, sp.GetRequiredService<ILogger<StateDirectory>>()));
        services.AddSingleton<OAuthServer>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<ApiPipeline>();
        services.AddKSeriesSimulator(options);

        var app = builder.Build();
        // Created now rather than at the first request, so the state kept in Simulator:StateDirectory is loaded at start.
        app.Services.GetRequiredService<OAuthServer>();
        app.Services.GetRequiredService<KSeries.OAuth.KOAuthServer>();
        app.MapOAuth();
        app.MapLightspeedApi();
        app.MapSimulatorAdmin();
        app.MapKSeries();
        return app;
    }
}
