using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Client.Tests;

/// <summary>One request as the host received it, before any gRPC or gRPC-Web handling.</summary>
public sealed record ReceivedRequest(string Path, string Protocol, string ContentType, string? Authorization,
    string? GrpcTimeout, string? PreviousAttempts, string? TestId);

/// <summary>
/// The real host, plus a first middleware that records every request. What the client library puts on the
/// wire (token, deadline, retry attempts, gRPC-Web text) is then seen where it matters: at the server.
/// Tests tag their calls with an "x-test-id" header to find their own requests.
/// </summary>
public class RecordingHostFixture : PosHostFixture
{
    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public IReadOnlyList<ReceivedRequest> ReceivedFor(string testId) => Received.Where(r => r.TestId == testId).ToList();

    protected override void ConfigureHost(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<IStartupFilter>(new RecordingStartupFilter(Received));

    private sealed class RecordingStartupFilter(ConcurrentQueue<ReceivedRequest> received) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextMiddleware) =>
            {
                var headers = context.Request.Headers;
                received.Enqueue(new ReceivedRequest(context.Request.Path, context.Request.Protocol, context.Request.ContentType ?? "",
                    headers.Authorization.FirstOrDefault(), headers["grpc-timeout"].FirstOrDefault(),
                    headers["grpc-previous-rpc-attempts"].FirstOrDefault(), headers["x-test-id"].FirstOrDefault()));
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>A recording host whose PostgreSQL does not answer: every database-backed RPC answers UNAVAILABLE.</summary>
public sealed class UnreachableDatabaseRecordingHostFixture : RecordingHostFixture
{
    protected override bool WaitForMigratedDatabase => false;

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["ConnectionStrings:Pos"] = $"Host=127.0.0.1;Port={PostgresServer.FreeTcpPort()};Database=nowhere;Username=postgres;Timeout=1";
        return settings;
    }
}

/// <summary>A recording host whose callers may make 2 calls at once and 1 more every 300 ms.</summary>
public sealed class SmallRateLimitRecordingHostFixture : RecordingHostFixture
{
    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings[RateLimitPermitsPerPeriod] = "1";
        settings["RateLimit:Period"] = "00:00:00.300";
        settings[RateLimitBurst] = "2";
        return settings;
    }
}
