using Pos.Grpc.Host.Features.Imports.Numbers;
using Pos.Grpc.Host.Features.LightspeedAuth;
using Pos.Grpc.Host.Infrastructure.Lightspeed;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host;

public static class LightspeedExtensions
{
    public const string Section = "Lightspeed";

    /// <summary>
    /// The Lightspeed client (base URLs and credentials from "Lightspeed"), tokens encrypted with Data Protection
    /// (<see cref="DataProtectionExtensions"/>), refreshes serialised across instances, the OAuth flow
    /// and Lightspeed as the import's source of sales.
    /// </summary>
    public static WebApplicationBuilder AddPosLightspeed(this WebApplicationBuilder builder)
    {
        builder.Services.AddLightspeedClient(builder.Configuration.GetSection(Section));
        builder.Services.AddSingleton<ProtectedTokenStore>();
        builder.Services.AddSingleton<IRSeriesTokenStore>(sp => sp.GetRequiredService<ProtectedTokenStore>());
        builder.Services.AddSingleton<IRSeriesRefreshLock, PostgresRefreshLock>();
        builder.Services.AddSingleton<ConnectionHealth>();
        builder.Services.AddScoped<LightspeedAuthorizationFlow>();
        builder.Services.AddScoped<LightspeedRegisterListing>();
        builder.Services.AddSingleton<ISalesSource, LightspeedSalesSource>();
        return builder;
    }

    public static WebApplication MapPosLightspeed(this WebApplication app)
    {
        app.MapLightspeedCallback();
        return app;
    }
}
