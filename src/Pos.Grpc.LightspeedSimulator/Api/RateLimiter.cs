using System.Collections.Concurrent;
using System.Diagnostics;
using Pos.Grpc.LightspeedSimulator.Domain;

namespace Pos.Grpc.LightspeedSimulator.Api;

public sealed record BucketAnswer(bool Allowed, double Level, double Size, double DripRate, double Cost, int RetryAfterSeconds)
{
    /// <summary>Requests counted in the current burst window, and how many it allows (0: no burst limiter).</summary>
    public int BurstCount { get; init; }
    public int BurstLimit { get; init; }

    /// <summary>Which limit refused the request: "api-leaky-bucket" or "api-burst-limiter" (X-LS-API-RateLimit-Type).</summary>
    public string RefusedBy { get; init; } = RateLimiter.LeakyBucket;
}

/// <summary>
/// Lightspeed's leaky bucket per (account, OAuth client): size 90 + 10 per register beyond the first, drip
/// 1/s + 0.5/s per register beyond the first. A request is refused while the level is at or above the size;
/// the first request that overflows is still allowed (lightspeed-api.md §6). Refused requests cost nothing.
/// <para>And the burst limiter: fixed one-second windows, each allowing a fraction of the bucket size (20 of 90, as
/// the documentation's example header "1/20" shows), times the time scale, since a scaled second is shorter.</para>
/// </summary>
public sealed class RateLimiter(SimulatorOptions options)
{
    public const string LeakyBucket = "api-leaky-bucket";
    public const string BurstLimiter = "api-burst-limiter";

    private sealed class Bucket
    {
        public double Level;
        public long At = Stopwatch.GetTimestamp();
        public long BurstWindow;
        public int BurstCount;
    }

    private readonly ConcurrentDictionary<(long Account, string Client), Bucket> _buckets = new();

    private RateLimitOptions O => options.RateLimit;

    public (double Size, double Drip) Shape(SimAccount account)
    {
        var extra = Math.Max(0, account.ActiveRegisters.Count() - 1);
        return (O.BucketSize + O.BucketSizePerExtraRegister * extra,
            (O.DripRate + O.DripRatePerExtraRegister * extra) * O.TimeScale);
    }

    /// <summary>Requests one burst window allows for a bucket of <paramref name="size"/>.</summary>
    public int BurstLimit(double size) => Math.Max(1, (int)Math.Round(size * O.BurstFraction * O.TimeScale));

    public BucketAnswer TryAdd(SimAccount account, string clientId, double cost)
    {
        var (size, drip) = Shape(account);
        // Off: nothing is limited, so no burst limit is announced either.
        if (!O.Enabled) return new BucketAnswer(true, 0, size, drip, cost, 0);
        var burstLimit = O.BurstLimiter ? BurstLimit(size) : 0;
        var bucket = _buckets.GetOrAdd((account.AccountId, clientId), _ => new Bucket());
        lock (bucket)
        {
            var now = Stopwatch.GetTimestamp();
            bucket.Level = Math.Max(0, bucket.Level - drip * Stopwatch.GetElapsedTime(bucket.At, now).TotalSeconds);
            bucket.At = now;
            var window = now / Stopwatch.Frequency;
            if (window != bucket.BurstWindow) (bucket.BurstWindow, bucket.BurstCount) = (window, 0);
            if (burstLimit > 0 && bucket.BurstCount >= burstLimit)
                return new BucketAnswer(false, bucket.Level, size, drip, cost, 1)
                    { BurstCount = bucket.BurstCount, BurstLimit = burstLimit, RefusedBy = BurstLimiter };
            if (bucket.Level >= size)
            {
                var wait = (int)Math.Ceiling((bucket.Level - size) / drip + 0.001);
                return new BucketAnswer(false, bucket.Level, size, drip, cost, Math.Max(1, wait))
                    { BurstCount = bucket.BurstCount, BurstLimit = burstLimit };
            }
            bucket.Level += cost;
            bucket.BurstCount++;
            return new BucketAnswer(true, bucket.Level, size, drip, cost, 0) { BurstCount = bucket.BurstCount, BurstLimit = burstLimit };
        }
    }

    /// <summary>The level without spending anything (headers of answers the bucket did not meter).</summary>
    public BucketAnswer Peek(SimAccount account, string clientId, double cost)
    {
        var (size, drip) = Shape(account);
        if (!O.Enabled) return new BucketAnswer(true, 0, size, drip, cost, 0);
        var burstLimit = O.BurstLimiter ? BurstLimit(size) : 0;
        if (!_buckets.TryGetValue((account.AccountId, clientId), out var bucket))
            return new BucketAnswer(true, 0, size, drip, cost, 0) { BurstLimit = burstLimit };
        lock (bucket)
        {
            var now = Stopwatch.GetTimestamp();
            var burstCount = now / Stopwatch.Frequency == bucket.BurstWindow ? bucket.BurstCount : 0;
            return new BucketAnswer(true, Math.Max(0, bucket.Level - drip * Stopwatch.GetElapsedTime(bucket.At, now).TotalSeconds), size, drip, cost, 0)
                { BurstCount = burstCount, BurstLimit = burstLimit };
        }
    }
}
