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
/// The open streams of each caller and of the instance. Opening a stream is a single call to the rate limit, and one
/// caller held 10,000 of them (+350 MB). Over either limit a new stream is refused at once with RESOURCE_EXHAUSTED
/// naming the limit; the streams already open go on.
/// </summary>
public sealed class OpenStreamLimiter(IOptions<StreamLimitOptions> options)
{
    private readonly InFlightLimiter _open = new(options.Value.PerCaller, options.Value.Total);

    /// <summary>A slot for one more stream of <paramref name="caller"/>, to be given back with <see cref="Close"/>; null when it has one.</summary>
    public InFlightLimitException? TryOpen(string caller) =>
        _open.TryEnter(caller) is { } reached ? new InFlightLimitException("TOO_MANY_STREAMS", "open streams", reached.Scope, reached.Limit) : null;

    public void Close(string caller) => _open.Exit(caller);
}
