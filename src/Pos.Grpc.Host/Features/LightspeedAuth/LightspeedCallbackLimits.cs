using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

public sealed class CallbackLimitOptions
{
    public const string Section = "RateLimit:Callback";

    /// <summary>Callback requests one address can make at once (a merchant's browser makes one per authorisation).</summary>
    public int PerAddressBurst { get; set; } = 10;

    /// <summary>Callback requests one address can keep up per minute.</summary>
    public int PerAddressPerMinute { get; set; } = 10;

    /// <summary>Completions (code exchange with Lightspeed, account discovery, database writes) running at once.</summary>
    public int Concurrent { get; set; } = 4;

    /// <summary>Completions waiting for one of those places; beyond, the callback answers 503 "busy".</summary>
    public int Queue { get; set; } = 16;

    public IEnumerable<string> Problems()
    {
        if (PerAddressBurst < 1 || PerAddressPerMinute < 1) yield return "PerAddressBurst and PerAddressPerMinute must be positive";
        if (Concurrent < 1 || Queue < 0) yield return "Concurrent must be positive and Queue not negative";
    }
}

/// <summary>
/// The OAuth callback needs no token, so anyone can call it as often as they like. Every request draws from its
/// address's token bucket (the client's address behind a trusted proxy, see ForwardedHeadersExtensions), forged
/// ones too; a request with a genuine state then needs one of a few places to complete, so a burst of real
/// callbacks cannot hold every database connection or swamp Lightspeed's token endpoint.
/// </summary>
public sealed class LightspeedCallbackLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly ConcurrencyLimiter _completing;

    public LightspeedCallbackLimits(IOptions<CallbackLimitOptions> options)
    {
        var limits = options.Value;
        _perAddress = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.PerAddressBurst,
                TokensPerPeriod = limits.PerAddressPerMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                AutoReplenishment = true,
                QueueLimit = 0,
            }));
        _completing = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.Concurrent, QueueLimit = limits.Queue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>One request of <paramref name="address"/>; false, with the time to wait, when its bucket is empty.</summary>
    public bool TryAdmit(string address, out TimeSpan retryAfter)
    {
        using var lease = _perAddress.AttemptAcquire(address);
        retryAfter = lease.IsAcquired ? TimeSpan.Zero : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    /// <summary>A place to complete an authorisation (dispose it when done); not acquired when all places and the queue are taken.</summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) => _completing.AcquireAsync(1, cancellationToken);

    public void Dispose()
    {
        _perAddress.Dispose();
        _completing.Dispose();
    }
}
