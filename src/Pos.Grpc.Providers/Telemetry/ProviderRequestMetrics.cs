using System.Diagnostics.Metrics;
using System.Net;

namespace Pos.Grpc.Providers.Telemetry;

/// <summary>
/// A POS provider's HTTP requests as OpenTelemetry instruments, one meter per provider ("Pos.Grpc.Providers.RSeries"):
/// requests by outcome, the wait for the account's rate limit before each, and how full the account's bucket was after
/// each answer (a distribution over all accounts: an account id is never a label).
/// </summary>
public sealed class ProviderRequestMetrics
{
    public const string MeterPrefix = "Pos.Grpc.Providers.";

    private readonly KeyValuePair<string, object?> _system;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _wait;
    private readonly Histogram<double> _fill;

    public ProviderRequestMetrics(IMeterFactory meters, string provider, string system)
    {
        var meter = meters.Create(MeterPrefix + provider);
        _system = new("pos.system", system);
        _requests = meter.CreateCounter<long>("pos.provider.requests", "{request}",
            "HTTP requests to the POS by outcome: 2xx, 401, 429, other 4xx, 5xx, or cut (no answer: timeout, connection cut)");
        _wait = meter.CreateHistogram("pos.provider.rate_limit.wait", "s",
            "Time a request waited for the account's rate limit before it was sent (its sum is the total wait)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120] });
        _fill = meter.CreateHistogram("pos.provider.bucket.fill", "1",
            "How full the account's rate-limit bucket was after an answer (level / size), over all accounts",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 0.75, 0.9, 1] });
    }

    /// <summary>An answer came, with this status.</summary>
    public void Answered(HttpStatusCode status) => _requests.Add(1, _system, new("outcome", OutcomeOf(status)));

    /// <summary>No answer came: a timeout or a cut connection.</summary>
    public void Cut() => _requests.Add(1, _system, new("outcome", "cut"));

    public void Waited(TimeSpan waited) => _wait.Record(waited.TotalSeconds, _system);

    public void BucketLevel(double level, double size)
    {
        if (size > 0) _fill.Record(Math.Clamp(level / size, 0, 1), _system);
    }

    private static string OutcomeOf(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => "2xx",
        401 => "401",
        429 => "429",
        >= 500 => "5xx",
        _ => "4xx",
    };
}
