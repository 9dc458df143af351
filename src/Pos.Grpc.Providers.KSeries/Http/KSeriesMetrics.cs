using System.Diagnostics.Metrics;
using Pos.Grpc.Providers.Telemetry;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>K-Series' meter, "Pos.Grpc.Providers.KSeries": its API requests (<see cref="ProviderRequestMetrics"/>).</summary>
public sealed class KSeriesMetrics(IMeterFactory meters)
{
    public ProviderRequestMetrics Requests { get; } = new(meters, "KSeries", "lightspeed_k_series");
}
