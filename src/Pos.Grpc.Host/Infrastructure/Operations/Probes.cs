using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Pos.Grpc.Host.Infrastructure.Operations;

/// <summary>
/// The two questions an orchestrator asks, as health-check tags and as grpc.health.v1 service names. Liveness: is the
/// process working (restart it if not)? Readiness: may it get traffic (database reachable, schema migrated, not
/// shutting down)? The unnamed service "" answers readiness, as it always has.
/// </summary>
public static class Probes
{
    public const string Liveness = "liveness";
    public const string Readiness = "readiness";
}

/// <summary>How the instance leaves (section "Shutdown").</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>
    /// From the start of shutdown to the end of the import watch streams (and the server's stop): readiness says
    /// NOT_SERVING meanwhile, so a load balancer that asks every few seconds stops sending calls before any is refused.
    /// Behind one, a little more than its probe interval; 0 ends the streams at once.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    public IEnumerable<string> Problems()
    {
        if (DrainDelay < TimeSpan.Zero || DrainDelay > TimeSpan.FromMinutes(5)) yield return "DrainDelay must be between 0 and 5 minutes";
    }
}

/// <summary>
/// The instance's way out: draining (readiness down) from the moment shutdown starts, then, after
/// <see cref="ShutdownOptions.DrainDelay"/> and before any hosted service (the server included) stops, the end of the
/// long streams (<see cref="StreamsEnd"/>), which the import watchers follow.
/// </summary>
public sealed class ShutdownDrain(IHostApplicationLifetime lifetime, IOptions<ShutdownOptions> options) : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource _streamsEnd = new();
    private volatile bool _stopping;

    /// <summary>
    /// True from the first moment of shutdown, whichever comes first: ApplicationStopping (SIGTERM; the token is marked
    /// before any of its callbacks run) or the host's stop calling <see cref="StoppingAsync"/> (which precedes it then).
    /// </summary>
    public bool Draining => _stopping || lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>Cancelled when the streams must end so the server can stop.</summary>
    public CancellationToken StreamsEnd => _streamsEnd.Token;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        try
        {
            if (options.Value.DrainDelay > TimeSpan.Zero) await Task.Delay(options.Value.DrainDelay, cancellationToken);
        }
        finally
        {
            await _streamsEnd.CancelAsync();
        }
    }

    // StoppingAsync, which the host always calls first, has ended the streams.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _streamsEnd.Dispose();
}

/// <summary>Readiness' part of shutdown: unhealthy from its first moment (<see cref="ShutdownDrain.Draining"/>).</summary>
public sealed class ShutdownHealthCheck(ShutdownDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.Draining ? HealthCheckResult.Unhealthy("The instance is shutting down.") : HealthCheckResult.Healthy());
}

/// <summary>
/// Readiness as a metric, for alerting ("pos.readiness": 1 ready, 0 not): the health-check publisher runs the readiness
/// checks every <see cref="Period"/> and the gauge shows the last answer. An instance that cannot be scraped at all is
/// Prometheus' own "up" metric.
/// </summary>
public sealed class ReadinessMetric : IHealthCheckPublisher
{
    public const string Name = "Pos.Grpc.Probes";
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private volatile int _ready;

    public ReadinessMetric(IMeterFactory meters) =>
        meters.Create(Name).CreateObservableGauge("pos.readiness", () => _ready, "1",
            "1 while the instance is ready (database reachable, migrations applied, not shutting down), else 0");

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        var readiness = report.Entries.Values.Where(e => e.Tags.Contains(Probes.Readiness)).ToList();
        _ready = readiness.Count > 0 && readiness.All(e => e.Status == HealthStatus.Healthy) ? 1 : 0;
        return Task.CompletedTask;
    }
}
