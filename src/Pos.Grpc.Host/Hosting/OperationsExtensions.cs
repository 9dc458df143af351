using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pos.Grpc.Host.Infrastructure.Operations;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host;

/// <summary>
/// Probes and the operations port. grpc.health.v1 answers "liveness" (the process) and "readiness" (database reachable,
/// migrations applied, not shutting down; also the unnamed service) on the public ports; the operations port answers the
/// same as HTTP (/healthz/live, /healthz/ready: 200 or 503) and serves Prometheus' /metrics. Nothing else is there.
/// </summary>
public static class OperationsExtensions
{
    public const string LivePath = "/healthz/live";
    public const string ReadyPath = "/healthz/ready";
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddPosProbes(this WebApplicationBuilder builder)
    {
        // A singleton: the check keeps PostgreSQL's last answer for a second (see DatabaseHealthCheck).
        builder.Services.AddSingleton<DatabaseHealthCheck>();
        builder.Services.AddValidatedOptions<ShutdownOptions>(ShutdownOptions.Section, o => o.Problems());
        builder.Services.AddSingleton<ShutdownDrain>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());
        builder.Services.AddSingleton<ShutdownHealthCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), tags: [Probes.Liveness])
            .AddCheck<DatabaseHealthCheck>("database", tags: [Probes.Readiness])
            .AddCheck<ShutdownHealthCheck>("shutdown", tags: [Probes.Readiness]);
        builder.Services.AddSingleton<ReadinessMetric>();
        builder.Services.AddSingleton<IHealthCheckPublisher>(sp => sp.GetRequiredService<ReadinessMetric>());
        builder.Services.Configure<HealthCheckPublisherOptions>(publisher =>
        {
            publisher.Delay = TimeSpan.FromSeconds(1);
            publisher.Period = ReadinessMetric.Period;
        });
        builder.Services.AddGrpcHealthChecks(grpc =>
        {
            grpc.Services.Map("", result => result.Tags.Contains(Probes.Readiness));
            grpc.Services.Map(Probes.Readiness, result => result.Tags.Contains(Probes.Readiness));
            grpc.Services.Map(Probes.Liveness, result => result.Tags.Contains(Probes.Liveness));
        });
        return builder;
    }

    /// <summary>Whether a request came in on the operations port.</summary>
    public static bool IsOperationsRequest(HttpContext http) =>
        http.RequestServices.GetRequiredService<BoundPorts>().IsOperations(http.Connection.LocalPort);

    /// <summary>First in the pipeline: a request on the operations port never reaches the API's middleware.</summary>
    public static WebApplication UsePosOperationsPort(this WebApplication app)
    {
        var ports = app.Services.GetRequiredService<BoundPorts>();
        app.MapWhen(http => ports.IsOperations(http.Connection.LocalPort), operations =>
        {
            operations.Use((http, next) =>
            {
                // Scrapes and probes are not the service's traffic: ASP.NET Core's request metrics leave them out.
                if (http.Features.Get<IHttpMetricsTagsFeature>() is { } metrics) metrics.MetricsDisabled = true;
                return next(http);
            });
            if (app.Services.GetRequiredService<TelemetryOptions>().Enabled) operations.UseOpenTelemetryPrometheusScrapingEndpoint(MetricsPath);
            operations.UseHealthChecks(LivePath, Probe(Probes.Liveness));
            operations.UseHealthChecks(ReadyPath, Probe(Probes.Readiness));
            operations.Run(http =>
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
        return app;
    }

    private static HealthCheckOptions Probe(string tag) => new() { Predicate = check => check.Tags.Contains(tag) };
}
