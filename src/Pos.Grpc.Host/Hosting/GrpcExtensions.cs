using Grpc.AspNetCore.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pos.Grpc.Host.Features.Departments;
using Pos.Grpc.Host.Features.FieldMapping;
using Pos.Grpc.Host.Features.ImportHealth;
using Pos.Grpc.Host.Features.Imports;
using Pos.Grpc.Host.Features.LightspeedAuth;
using Pos.Grpc.Host.Features.Settings;
using Pos.Grpc.Host.Features.WeeklyBalance;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.RateLimiting;

namespace Pos.Grpc.Host;

public static class GrpcExtensions
{
    public const string BrowserCorsPolicy = "grpc-web-browsers";

    public static WebApplicationBuilder AddPosGrpc(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.PermitsPerPeriod > 0 && o.Burst > 0 && o.Period > TimeSpan.Zero, "RateLimit:PermitsPerPeriod, RateLimit:Period and RateLimit:Burst must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<CallerRateLimiter>();
        builder.Services.AddOptions<StreamLimitOptions>().BindConfiguration(StreamLimitOptions.Section)
            .Validate(o => o.PerCaller > 0 && o.Total > 0, "RateLimit:Streams:PerCaller and RateLimit:Streams:Total must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OpenStreamLimiter>();
        builder.Services.AddOptions<RefusalLogOptions>().BindConfiguration(RefusalLogOptions.Section)
            .Validate(o => o.LogInterval > TimeSpan.Zero && o.MaxCallers > 0, "Refusals:LogInterval and Refusals:MaxCallers must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<RefusalLog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RefusalLog>());
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ErrorMappingInterceptor>();
            grpc.MaxReceiveMessageSize = 1024 * 1024;
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.AddPosProbes();
        // TryAdd: a test host registers its own fixed clock first, and it must win.
        builder.Services.TryAddSingleton(TimeProvider.System);

        var origins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        builder.Services.AddCors(cors => cors.AddPolicy(BrowserCorsPolicy, policy =>
        {
            if (origins.Length == 0 || origins is ["*"]) policy.AllowAnyOrigin(); else policy.WithOrigins(origins);
            policy.AllowAnyMethod().AllowAnyHeader()
                .WithExposedHeaders("Grpc-Status", "Grpc-Message", "Grpc-Encoding", "Grpc-Accept-Encoding", "Grpc-Status-Details-Bin");
        }));
        return builder;
    }

    public static WebApplication MapPosGrpc(this WebApplication app)
    {
        app.UseRouting();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authentication (calls are told apart by their token), right before the gRPC endpoints: the caller's
        // limits are checked before the request message is read, and what could not be read is answered as a refusal.
        app.UseMiddleware<UnreadableRequestMiddleware>();
        app.UseMiddleware<CallerGateMiddleware>();

        MapService<SettingsGrpcService>(app);
        MapService<DepartmentGrpcService>(app);
        MapService<FieldMappingGrpcService>(app);
        MapService<WeeklyBalanceGrpcService>(app);
        MapService<LightspeedAuthGrpcService>(app);
        MapService<ImportGrpcService>(app);
        MapService<ImportHealthGrpcService>(app);

        // Open to all: how support staff and load balancers find out what is here and whether it works.
        app.MapGrpcReflectionService().RequireCors(BrowserCorsPolicy);
        app.MapGrpcHealthChecksService().RequireCors(BrowserCorsPolicy);
        return app;
    }

    private static void MapService<TService>(WebApplication app) where TService : class =>
        app.MapGrpcService<TService>().RequireAuthorization().RequireCors(BrowserCorsPolicy);
}
