using System.Net;
using System.Net.Http.Headers;
using Grpc.Net.Client.Web;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Options;
using Pos.Grpc.Client;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Contracts.WeeklyBalance.V1;

// In the DI namespace, as Microsoft's own Add* helpers are, so `services.AddPosGrpcClient` needs no using.
namespace Microsoft.Extensions.DependencyInjection;

public static class PosGrpcClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers the seven typed clients of Pos.Grpc (Grpc.Net.ClientFactory; inject e.g.
    /// <see cref="SettingsService.SettingsServiceClient"/>): bearer token from the token provider on every call,
    /// default deadlines, retries on UNAVAILABLE for idempotent reads only, native gRPC or gRPC-Web.
    /// </summary>
    public static IServiceCollection AddPosGrpcClient(this IServiceCollection services, Action<PosGrpcClientOptions> configure)
    {
        services.AddOptions<PosGrpcClientOptions>().Configure(configure);

        Register<SettingsService.SettingsServiceClient>(services);
        Register<DepartmentService.DepartmentServiceClient>(services);
        Register<FieldMappingService.FieldMappingServiceClient>(services);
        Register<LightspeedAuthService.LightspeedAuthServiceClient>(services);
        Register<ImportService.ImportServiceClient>(services);
        Register<ImportHealthService.ImportHealthServiceClient>(services);
        Register<WeeklyBalanceService.WeeklyBalanceServiceClient>(services);
        return services;
    }

    private static void Register<TClient>(IServiceCollection services) where TClient : class
    {
        static PosGrpcClientOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<PosGrpcClientOptions>>().Value;

        services
            .AddGrpcClient<TClient>((provider, client) => client.Address = Options(provider).Target().Address)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var options = Options(provider);
                var sockets = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
                return options.Target().GrpcWeb
                    ? new GrpcWebHandler(options.UseGrpcWebText ? GrpcWebMode.GrpcWebText : GrpcWebMode.GrpcWeb, sockets)
                    : sockets;
            })
            .ConfigureChannel((provider, channel) =>
            {
                var options = Options(provider);
                var (address, grpcWeb) = options.Target();
                channel.ServiceConfig = PosRetryPolicy.ServiceConfig(options);
                if (grpcWeb)
                {
                    // gRPC-Web is HTTP/1.1 (the host's 5081 port speaks nothing else).
                    channel.HttpVersion = HttpVersion.Version11;
                    channel.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
                }
                // Call credentials are refused on cleartext channels unless allowed: the host's ports are
                // cleartext inside the cluster and in development; with https this stays off.
                channel.UnsafeUseInsecureChannelCallCredentials = address.Scheme == Uri.UriSchemeHttp;
            })
            .AddInterceptor(InterceptorScope.Client, provider =>
            {
                var options = Options(provider);
                return new DefaultDeadlineInterceptor(options.UnaryDeadline, options.StreamingDeadline);
            })
            .AddCallCredentials(async (context, metadata, provider) =>
            {
                // Asked per call (and per retry attempt), so an expiring token is renewed by the provider.
                var tokenProvider = Options(provider).TokenProvider;
                if (tokenProvider is null) return;
                var token = await tokenProvider(context.CancellationToken);
                metadata.Add("authorization", new AuthenticationHeaderValue("Bearer", token).ToString());
            });
    }
}
