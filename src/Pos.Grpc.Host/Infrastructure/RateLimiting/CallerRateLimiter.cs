using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Pos.Grpc.Host.Infrastructure.RateLimiting;

/// <summary>How many calls one caller may make: a token bucket per caller.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>Calls a caller can keep up per <see cref="Period"/> (opening a stream is one call).</summary>
    public int PermitsPerPeriod { get; set; } = 100;

    /// <summary>How often the bucket is refilled with <see cref="PermitsPerPeriod"/> calls.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Calls a caller that has been quiet can make at once (the bucket's size).</summary>
    public int Burst { get; set; } = 200;
}

/// <summary>
/// Keeps one caller from using up the service for everyone (OWASP API4, unrestricted resource consumption). Each
/// caller draws from its own token bucket: the token's subject, or the remote address for calls without a token
/// (health and reflection). A caller over its rate is refused at once with RESOURCE_EXHAUSTED and the time to wait,
/// before its call does any work (<see cref="CallerGateMiddleware"/>). Buckets of callers that went quiet are dropped by the limiter itself.
/// </summary>
public sealed class CallerRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly TimeSpan _period;

    public CallerRateLimiter(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        _period = limits.Period;
        _limiter = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetTokenBucketLimiter(caller, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.PermitsPerPeriod,
                ReplenishmentPeriod = limits.Period,
                AutoReplenishment = true,
                QueueLimit = 0,
            }));
    }

    /// <summary>Takes one call from the caller's bucket; false, with the time to wait, when it is empty.</summary>
    public bool TryAdmit(string caller, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(caller);
        retryAfter = lease.IsAcquired ? TimeSpan.Zero : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _period;
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
