using Pos.Grpc.Host.Features.LightspeedAuth;
using Pos.Grpc.Host.Features.LightspeedAuth.Connectors;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Providers;
using Pos.Grpc.Providers.KSeries;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host;

public static class ProvidersExtensions
{
    /// <summary>Configuration section of Lightspeed Retail (R-Series): base URLs, client id and secret, redirect URI.</summary>
    public const string RSeriesSection = "Lightspeed";

    /// <summary>
    /// Configuration section of Lightspeed Restaurant (K-Series): ApiBaseUrl, V2OAuthBaseUrl, ClientId, ClientSecret,
    /// RedirectUri (the same callback as R-Series) and the rest of <see cref="KSeriesOptions"/>.
    /// </summary>
    public const string KSeriesSection = "LightspeedKSeries";

    /// <summary>
    /// The POS providers (Lightspeed R-Series and K-Series), their tokens encrypted with Data Protection
    /// (<see cref="DataProtectionExtensions"/>), refreshes serialised across instances, and the host's view of connections.
    /// </summary>
    public static WebApplicationBuilder AddPosProviders(this WebApplicationBuilder builder)
    {
        builder.Services.AddRSeriesClient(builder.Configuration.GetSection(RSeriesSection));
        builder.Services.AddKSeriesClient(builder.Configuration.GetSection(KSeriesSection));
        builder.Services.AddValidation<RSeriesOptions>(RSeriesSection, o => o.Problems());
        builder.Services.AddValidation<KSeriesOptions>(KSeriesSection, o => o.Problems());
        builder.Services.AddSingleton<IPosProvider, RSeriesProvider>();
        builder.Services.AddSingleton<IPosProvider, KSeriesProvider>();
        builder.Services.AddSingleton<PosProviders>();
        builder.Services.AddSingleton<ProtectedTokenStore>();
        builder.Services.AddSingleton<IRSeriesTokenStore>(sp => sp.GetRequiredService<ProtectedTokenStore>());
        builder.Services.AddSingleton<IConnectionTokenStore>(sp => sp.GetRequiredService<ProtectedTokenStore>());
        builder.Services.AddSingleton<PostgresRefreshLock>();
        builder.Services.AddSingleton<IRSeriesRefreshLock>(sp => sp.GetRequiredService<PostgresRefreshLock>());
        builder.Services.AddSingleton<IRefreshLock>(sp => sp.GetRequiredService<PostgresRefreshLock>());
        builder.Services.AddSingleton<ConnectionDirectory>();
        builder.Services.AddSingleton<OAuthStateSigner>();
        builder.Services.AddOptions<CallbackLimitOptions>().BindConfiguration(CallbackLimitOptions.Section)
            .Validate(o => !o.Problems().Any(), $"{CallbackLimitOptions.Section}: limits must be positive.").ValidateOnStart();
        builder.Services.AddSingleton<LightspeedCallbackLimits>();
        builder.Services.AddSingleton<ILightspeedConnector, RSeriesConnector>();
        builder.Services.AddSingleton<ILightspeedConnector, KSeriesConnector>();
        builder.Services.AddSingleton<LightspeedConnectors>();
        builder.Services.AddScoped<LightspeedAuthorizationFlow>();
        builder.Services.AddOptions<AbandonedAuthorizationOptions>().BindConfiguration(AbandonedAuthorizationOptions.Section)
            .Validate(o => o.SweepInterval > TimeSpan.Zero, "LightspeedAuth:SweepInterval must be positive.").ValidateOnStart();
        builder.Services.AddHostedService<AbandonedAuthorizations>();
        builder.Services.AddOptions<RegisterListingOptions>().BindConfiguration(RegisterListingOptions.Section)
            .Validate(o => !o.Problems().Any(), $"{RegisterListingOptions.Section}: see RegisterListingOptions for the valid values.").ValidateOnStart();
        builder.Services.AddSingleton<AccountLayouts>();
        builder.Services.AddScoped<LightspeedRegisterListing>();
        return builder;
    }

    public static WebApplication MapPosProviders(this WebApplication app)
    {
        app.MapLightspeedCallback();
        return app;
    }
}
