using Pos.Grpc.LightspeedSimulator.KSeries.Admin;
using Pos.Grpc.LightspeedSimulator.KSeries.Api;
using Pos.Grpc.LightspeedSimulator.KSeries.Domain;
using Pos.Grpc.LightspeedSimulator.KSeries.OAuth;

namespace Pos.Grpc.LightspeedSimulator.KSeries;

/// <summary>
/// The Lightspeed Restaurant (K-Series) part of the simulator, beside R-Series in the same app. Its paths do not
/// collide with R-Series': /oauth/*, /realms/k-series/protocol/openid-connect/*, /f/*, admin /__sim/kseries/*.
/// </summary>
public static class KSeriesSimulator
{
    public static IServiceCollection AddKSeriesSimulator(this IServiceCollection services, SimulatorOptions options)
    {
        services.AddSingleton(options.KSeries);
        services.AddSingleton<KLocationStore>();
        services.AddSingleton<KSalesCatalog>();
        services.AddSingleton<KOAuthServer>();
        services.AddSingleton<KRateLimiter>();
        services.AddSingleton<KApiPipeline>();
        return services;
    }

    public static void MapKSeries(this WebApplication app)
    {
        app.MapKSeriesOAuth();
        app.MapKSeriesApi();
        app.MapKSeriesAdmin();
    }
}
