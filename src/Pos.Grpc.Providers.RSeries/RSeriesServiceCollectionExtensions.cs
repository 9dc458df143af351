using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pos.Grpc.Providers.RSeries;

public static class RSeriesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Lightspeed client: options bound from <paramref name="section"/> (keys as in
    /// <see cref="RSeriesOptions"/>), named HttpClients from IHttpClientFactory, and singletons for the OAuth
    /// client, token manager, pacer registry and API client. The caller registers an
    /// <see cref="IRSeriesTokenStore"/> (the host: PostgreSQL; tests: <see cref="InMemoryRSeriesTokenStore"/>).
    /// </summary>
    public static IServiceCollection AddRSeriesClient(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<RSeriesOptions>().Bind(section);
        return services.AddRSeriesClientCore();
    }

    /// <summary>Same, with options set in code.</summary>
    public static IServiceCollection AddRSeriesClient(this IServiceCollection services, Action<RSeriesOptions> configure)
    {
        services.AddOptions<RSeriesOptions>().Configure(configure);
        return services.AddRSeriesClientCore();
    }

    private static IServiceCollection AddRSeriesClientCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Timeouts are applied per request by the client itself, so a timeout is told apart from the
        // caller's cancellation; HttpClient's own timeout is switched off.
        services.AddHttpClient(RSeriesOAuthClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(RSeriesApiClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<IRSeriesRefreshLock, ProcessLocalRefreshLock>();
        services.TryAddSingleton<RSeriesPacerRegistry>();
        services.AddMetrics();
        services.TryAddSingleton<RSeriesMetrics>();
        services.TryAddSingleton<RSeriesOAuthClient>();
        services.TryAddSingleton<RSeriesTokenManager>();
        services.TryAddSingleton<RSeriesApiClient>();
        return services;
    }
}
