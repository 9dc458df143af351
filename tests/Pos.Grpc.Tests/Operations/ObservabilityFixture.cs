using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Tests.Imports.EndToEnd;

namespace Pos.Grpc.Tests.Operations;

/// <summary>
/// The end-to-end host (engine on, Lightspeed simulator over HTTP) with an in-memory span exporter beside its own
/// exporters, where a collector would be, and every log line kept with its scopes, at Information.
/// </summary>
public sealed class ObservabilityFixture : EndToEndImportFixture
{
    public SynchronizedList<Activity> Spans { get; } = new();
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The import the tests look at, made by the first test that needs it.</summary>
    public Task<(ImportJob Job, Activity Call, Activity Run)>? Imported { get; set; }

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Logging:LogLevel:Default"] = "Information";
        settings["Logging:LogLevel:Microsoft"] = "Warning";
        // Spans are made when they have somewhere to go: here the in-memory exporter stands where a collector would.
        settings["Telemetry:Tracing"] = "true";
        return settings;
    }

    protected override void ConfigureHost(WebApplicationBuilder builder)
    {
        base.ConfigureHost(builder);
        builder.Logging.AddProvider(Logs);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
    }
}
