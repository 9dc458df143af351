using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Infrastructure.Errors;

namespace Pos.Grpc.Host.Infrastructure.RateLimiting;

public sealed class StreamLimitOptions
{
    public const string Section = "RateLimit:Streams";

    /// <summary>Streams (WatchImportJob, Health/Watch, reflection) one caller may hold open at once.</summary>
    public int PerCaller { get; set; } = 50;

    /// <summary>Streams this instance holds open at once, for all callers together (each holds memory while it lasts).</summary>
    public int Total { get; set; } = 2000;
}

/// <summary>
/// Counts the open streams of each caller and of the instance. A rate limit does not bound streams: opening one is a
/// single call, and one caller held 10,000 of them (+350 MB). Over either limit a new stream is refused at once with
/// RESOURCE_EXHAUSTED naming the limit; the streams already open go on.
/// </summary>
public sealed class OpenStreamLimiter(IOptions<StreamLimitOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perCaller = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>A slot for one more stream of <paramref name="caller"/>, to be given back with <see cref="Close"/>; null when it has one.</summary>
    public TooManyStreamsException? TryOpen(string caller)
    {
        var limits = options.Value;
        lock (_lock)
        {
            var open = _perCaller.GetValueOrDefault(caller);
            if (open >= limits.PerCaller) return new TooManyStreamsException("caller", limits.PerCaller);
            if (_total >= limits.Total) return new TooManyStreamsException("instance", limits.Total);
            _perCaller[caller] = open + 1;
            _total++;
            return null;
        }
    }

    public void Close(string caller)
    {
        lock (_lock)
        {
            _total--;
            if (--CollectionsMarshal.GetValueRefOrNullRef(_perCaller, caller) == 0) _perCaller.Remove(caller);
        }
    }
}
