using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pos.Grpc.Host.Engine;
using Pos.Grpc.Host.Infrastructure.Operations;
using Pos.Grpc.Providers.Telemetry;

namespace Pos.Grpc.Host;

/// <summary>
/// OpenTelemetry for the host: metrics (ASP.NET Core and gRPC, HttpClient, the runtime, Npgsql, the engine, the fleet,
/// the POS providers' requests) scraped by Prometheus on the operations port and, when configured, pushed over OTLP with
/// the traces (one per RPC; the engine's work on an account; HttpClient and Npgsql calls as child spans) and logs.
/// Every log line carries its trace and span ids.
/// </summary>
public static class TelemetryExtensions
{
    private const string GrpcSpanAttributesSwitch = "OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_ENABLE_GRPC_INSTRUMENTATION";

    public static WebApplicationBuilder AddPosTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        PosConfigurationException.ThrowIfAny(TelemetryOptions.Section, options.Problems());

        // The ids of the current span are a scope of every line (the JSON console shows them under "Scopes").
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        // IHttpClientFactory logs four Information lines per request; the metrics count requests by outcome instead,
        // and the providers log one line per failed request.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        builder.Services.AddSingleton(options);
        if (!options.Enabled) return builder;
        builder.Services.AddSingleton<FleetMetrics>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FleetMetrics>());

        // The gRPC option of the ASP.NET Core instrumentation (rpc.system.name, rpc.method, rpc.response.status_code on
        // each call's span) is still behind this switch, read from configuration; on unless configured off.
        if (builder.Configuration[GrpcSpanAttributesSwitch] is null)
            builder.Configuration.AddInMemoryCollection([new(GrpcSpanAttributesSwitch, "true")]);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithMetrics(metrics => metrics
                // ASP.NET Core's request duration and active requests, and Kestrel's connections; not its routing,
                // diagnostics and rate-limiting meters, which add a measurement with tags to every call for nothing
                // the dashboards or alerts use.
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(EngineMetrics.Name, FleetMetrics.Name, ReadinessMetric.Name, ProviderRequestMetrics.MeterPrefix + "*")
                .AddPrometheusExporter());
        if (!options.TracingEnabled) EngineMetrics.KeepTraceIdsInLogs();
        else
            telemetry.WithTracing(tracing => tracing
                    // Scrapes and probes every few seconds are not traces anyone reads.
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !OperationsExtensions.IsOperationsRequest(http))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddSource(EngineMetrics.Name));
        if (options.OtlpUri is { } endpoint)
            telemetry.UseOtlpExporter(options.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf, endpoint);
        return builder;
    }
}
