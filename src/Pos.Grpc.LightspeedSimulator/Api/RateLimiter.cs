using System.Collections.Concurrent;
using System.Diagnostics;
using Pos.Grpc.LightspeedSimulator.Domain;

namespace Pos.Grpc.LightspeedSimulator.Api;

public sealed record BucketAnswer(bool Allowed, double Level, double Size, double DripRate, double Cost, int RetryAfterSeconds);

/// <summary>
/// Lightspeed's leaky bucket per (account, OAuth client): size 90 + 10 per register beyond the first, drip
/// 1/s + 0.5/s per register beyond the first. A request is refused while the level is at or above the size;
/// the first request that overflows is still allowed (lightspeed-api.md §6). Refused requests cost nothing.
/// </summary>
public sealed class RateLimiter(SimulatorOptions options)
{
    private sealed class Bucket
    {
        public double Level;
        public long At = Stopwatch.GetTimestamp();
    }

    private readonly ConcurrentDictionary<(long Account, string Client), Bucket> _buckets = new();

    private RateLimitOptions O => options.RateLimit;

    public (double Size, double Drip) Shape(SimAccount account)
    {
        var extra = Math.Max(0, account.ActiveRegisters.Count() - 1);
        return (O.BucketSize + O.BucketSizePerExtraRegister * extra,
            (O.DripRate + O.DripRatePerExtraRegister * extra) * O.TimeScale);
    }

    public BucketAnswer TryAdd(SimAccount account, string clientId, double cost)
    {
        var (size, drip) = Shape(account);
        if (!O.Enabled) return new BucketAnswer(true, 0, size, drip, cost, 0);
        var bucket = _buckets.GetOrAdd((account.AccountId, clientId), _ => new Bucket());
        lock (bucket)
        {
            var now = Stopwatch.GetTimestamp();
            bucket.Level = Math.Max(0, bucket.Level - drip * Stopwatch.GetElapsedTime(bucket.At, now).TotalSeconds);
            bucket.At = now;
            if (bucket.Level >= size)
            {
                var wait = (int)Math.Ceiling((bucket.Level - size) / drip + 0.001);
                return new BucketAnswer(false, bucket.Level, size, drip, cost, Math.Max(1, wait));
            }
            bucket.Level += cost;
            return new BucketAnswer(true, bucket.Level, size, drip, cost, 0);
        }
    }

    /// <summary>The level without spending anything (headers of answers the bucket did not meter).</summary>
    public BucketAnswer Peek(SimAccount account, string clientId, double cost)
    {
        var (size, drip) = Shape(account);
        if (!O.Enabled || !_buckets.TryGetValue((account.AccountId, clientId), out var bucket))
            return new BucketAnswer(true, 0, size, drip, cost, 0);
        lock (bucket)
            return new BucketAnswer(true,
                Math.Max(0, bucket.Level - drip * Stopwatch.GetElapsedTime(bucket.At).TotalSeconds), size, drip, cost, 0);
    }
}
