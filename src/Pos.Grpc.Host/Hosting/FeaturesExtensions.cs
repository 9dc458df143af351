using Pos.Grpc.Host.Features.Imports.Service;

namespace Pos.Grpc.Host;

/// <summary>The services the gRPC features use besides their own handler (registered by MapPosGrpc).</summary>
public static class FeaturesExtensions
{
    public static WebApplicationBuilder AddPosFeatures(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ImportJobReader>();
        builder.Services.AddScoped<Features.ImportHealth.ImportHealthReader>();
        builder.Services.AddScoped<ImportJobStarter>();
        builder.Services.AddScoped<ImportJobWatcher>();
        // One read of a job per change, shared by every stream watching it.
        builder.Services.AddSingleton<ImportJobSnapshots>();
        return builder;
    }
}
