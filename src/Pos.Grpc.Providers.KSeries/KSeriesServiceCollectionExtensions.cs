using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pos.Grpc.Providers.KSeries;

public static class KSeriesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the K-Series client: options bound from <paramref name="section"/> (keys as in <see cref="KSeriesOptions"/>),
    /// named HttpClients, and singletons for the OAuth client, the token manager, the pacer registry and the API client.
    /// The caller registers an <see cref="IConnectionTokenStore"/> (the host: PostgreSQL, encrypted; tests:
    /// <see cref="InMemoryConnectionTokenStore"/>) and, with several instances, an <see cref="IRefreshLock"/> spanning them.
    /// </summary>
    public static IServiceCollection AddKSeriesClient(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<KSeriesOptions>().Bind(section);
        return services.AddKSeriesClientCore();
    }

    /// <summary>Same, with options set in code.</summary>
    public static IServiceCollection AddKSeriesClient(this IServiceCollection services, Action<KSeriesOptions> configure)
    {
        services.AddOptions<KSeriesOptions>().Configure(configure);
        return services.AddKSeriesClientCore();
    }

    private static IServiceCollection AddKSeriesClientCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Timeouts are applied per request by the client itself, so a timeout is told apart from the caller's
        // cancellation; HttpClient's own timeout is switched off.
        services.AddHttpClient(KSeriesOAuthClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(KSeriesApiClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<IRefreshLock, ProcessLocalRefreshLock>();
        services.TryAddSingleton<KSeriesPacerRegistry>();
        services.AddMetrics();
        services.TryAddSingleton<KSeriesMetrics>();
        services.TryAddSingleton<KSeriesOAuthClient>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KSeriesOptions>>().Value;
            return new ConnectionTokenManager<KSeriesTokens>(
                sp.GetRequiredService<IConnectionTokenStore>(),
                new JsonTokenCodec<KSeriesTokens>(),
                sp.GetRequiredService<KSeriesOAuthClient>(),
                new ConnectionTokenSettings(options.RefreshBeforeExpiry, options.TokenCacheLifetime),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IRefreshLock>());
        });
        services.TryAddSingleton<KSeriesApiClient>();
        return services;
    }
}
