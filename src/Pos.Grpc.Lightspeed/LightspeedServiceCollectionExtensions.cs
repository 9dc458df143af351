using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pos.Grpc.Lightspeed;

public static class LightspeedServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Lightspeed client: options bound from <paramref name="section"/> (keys as in
    /// <see cref="LightspeedOptions"/>), named HttpClients from IHttpClientFactory, and singletons for the OAuth
    /// client, token manager, pacer registry and API client. The caller registers an
    /// <see cref="ILightspeedTokenStore"/> (the host: PostgreSQL; tests: <see cref="InMemoryLightspeedTokenStore"/>).
    /// </summary>
    public static IServiceCollection AddLightspeedClient(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<LightspeedOptions>().Bind(section);
        return services.AddLightspeedClientCore();
    }

    /// <summary>Same, with options set in code.</summary>
    public static IServiceCollection AddLightspeedClient(this IServiceCollection services, Action<LightspeedOptions> configure)
    {
        services.AddOptions<LightspeedOptions>().Configure(configure);
        return services.AddLightspeedClientCore();
    }

    private static IServiceCollection AddLightspeedClientCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Timeouts are applied per request by the client itself, so a timeout is told apart from the
        // caller's cancellation; HttpClient's own timeout is switched off.
        services.AddHttpClient(LightspeedOAuthClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(LightspeedApiClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<LightspeedPacerRegistry>();
        services.TryAddSingleton<LightspeedOAuthClient>();
        services.TryAddSingleton<LightspeedTokenManager>();
        services.TryAddSingleton<LightspeedApiClient>();
        return services;
    }
}
