using Pos.Grpc.Providers;
namespace Pos.Grpc.Host.Infrastructure.Operations;

/// <summary>
/// Where the host's traces, metrics and logs go besides its own Prometheus endpoint (section "Telemetry"). Without an
/// OTLP endpoint nothing is pushed: metrics are scraped from the operations port, traces only reach the log lines' ids.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// Off: no OpenTelemetry at all (no /metrics, no spans, no fleet queries); trace ids still come from ASP.NET Core's own
    /// activities. For measuring what the instrumentation costs (docs/benchmarks.md), or a host that must shed it.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The service.name resource attribute of every signal.</summary>
    public string ServiceName { get; set; } = "pos-grpc";

    /// <summary>An OpenTelemetry collector (e.g. http://otel-collector:4317); unset: no OTLP export.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>"grpc" (port 4317) or "http/protobuf" (port 4318).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>
    /// Whether spans are made. Unset: when they go somewhere (an OTLP endpoint). Spans nobody exports cost every call a few
    /// microseconds (docs/benchmarks.md section 8); log lines carry trace ids either way (ASP.NET Core's own activities).
    /// </summary>
    public bool? Tracing { get; set; }

    public Uri? OtlpUri => string.IsNullOrWhiteSpace(OtlpEndpoint) ? null : new Uri(OtlpEndpoint);

    public bool TracingEnabled => Tracing ?? OtlpUri is not null;

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(ServiceName)) yield return "ServiceName must not be empty";
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint)
            && !HttpUrls.IsHttp(OtlpEndpoint))
            yield return $"OtlpEndpoint '{OtlpEndpoint}' must be an absolute http(s) URL such as http://otel-collector:4317";
        if (OtlpProtocol is not ("grpc" or "http/protobuf")) yield return $"OtlpProtocol '{OtlpProtocol}' must be \"grpc\" or \"http/protobuf\"";
    }
}
