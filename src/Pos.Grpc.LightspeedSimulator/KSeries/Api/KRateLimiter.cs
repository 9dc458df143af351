using System.Collections.Concurrent;
using System.Diagnostics;

namespace Pos.Grpc.LightspeedSimulator.KSeries.Api;

/// <summary>
/// The optional token bucket per OAuth client over the K-Series API (K-Series documents none; off by default):
/// Capacity tokens, RefillPerSecond back; an empty bucket answers 429 with Retry-After in whole seconds.
/// Its settings can be changed at run time (PUT /__sim/kseries/rate-limit).
/// </summary>
public sealed class KRateLimiter(KSeriesSimulatorOptions options)
{
    private sealed class Bucket
    {
        public double Tokens = double.NaN;
        public long At = Stopwatch.GetTimestamp();
    }

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();

    public KSeriesRateLimitOptions Settings => options.RateLimit;

    public void Configure(bool enabled, double capacity, double refillPerSecond)
    {
        options.RateLimit = new KSeriesRateLimitOptions { Enabled = enabled, Capacity = capacity, RefillPerSecond = refillPerSecond };
        _buckets.Clear();
    }

    /// <summary>Null when the request may pass, else the Retry-After seconds.</summary>
    public int? TryTake(string clientId)
    {
        var o = options.RateLimit;
        if (!o.Enabled) return null;
        var bucket = _buckets.GetOrAdd(clientId, _ => new Bucket());
        lock (bucket)
        {
            var now = Stopwatch.GetTimestamp();
            var tokens = double.IsNaN(bucket.Tokens) ? o.Capacity : bucket.Tokens;
            bucket.Tokens = Math.Min(o.Capacity, tokens + o.RefillPerSecond * Stopwatch.GetElapsedTime(bucket.At, now).TotalSeconds);
            bucket.At = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return null;
            }
            return Math.Max(1, (int)Math.Ceiling((1 - bucket.Tokens) / Math.Max(o.RefillPerSecond, 0.001)));
        }
    }
}
