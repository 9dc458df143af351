using System.Diagnostics.Metrics;
using Pos.Grpc.Providers.Telemetry;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>R-Series' meter, "Pos.Grpc.Providers.RSeries": its API requests (<see cref="ProviderRequestMetrics"/>).</summary>
public sealed class RSeriesMetrics(IMeterFactory meters)
{
    public ProviderRequestMetrics Requests { get; } = new(meters, "RSeries", "lightspeed_r_series");
}
