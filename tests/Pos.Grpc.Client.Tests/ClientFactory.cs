using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Client.Tests;

/// <summary>Builds a service provider the way a consumer would: AddPosGrpcClient and nothing else.</summary>
public static class ClientFactory
{
    public static ServiceProvider Provider(PosHostFixture host, Action<PosGrpcClientOptions>? configure = null, string? token = null)
    {
        var services = new ServiceCollection();
        services.AddPosGrpcClient(options =>
        {
            options.Address = new Uri($"http://127.0.0.1:{host.GrpcPort}");
            options.TokenProvider = _ => ValueTask.FromResult(token ?? PosHostFixture.Supervisor(1));
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>Call options that tag the call's requests for <see cref="RecordingHostFixture.ReceivedFor"/>.</summary>
    public static CallOptions Tagged(string testId, DateTime? deadline = null) =>
        new(headers: new Metadata { { "x-test-id", testId } }, deadline: deadline);
}
