using System.Runtime.InteropServices;

namespace Pos.Grpc.Host.Infrastructure.RateLimiting;

/// <summary>
/// Counts what each caller, and all callers together, have in flight (open streams, slow reads) against two limits.
/// A rate limit does not bound these: starting one is a single call, and each one holds resources while it lasts.
/// </summary>
public sealed class InFlightLimiter(int perCaller, int total)
{
    public const string CallerScope = "caller", InstanceScope = "instance";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perCaller = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>
    /// Takes a place for one more of <paramref name="caller"/>'s, to be given back with <see cref="Exit"/>. When none is
    /// left, null and the limit that is reached.
    /// </summary>
    public (string Scope, int Limit)? TryEnter(string caller)
    {
        lock (_lock)
        {
            var open = _perCaller.GetValueOrDefault(caller);
            if (open >= perCaller) return (CallerScope, perCaller);
            if (_total >= total) return (InstanceScope, total);
            _perCaller[caller] = open + 1;
            _total++;
            return null;
        }
    }

    public void Exit(string caller)
    {
        lock (_lock)
        {
            _total--;
            if (--CollectionsMarshal.GetValueRefOrNullRef(_perCaller, caller) == 0) _perCaller.Remove(caller);
        }
    }
}
