using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>
/// One pacer per (connection, business location) for the whole process, so every reader of a location shares its
/// request rate and its 429 backoff. Location 0 paces the connection's calls that name no location (businesses, userinfo).
/// Pacing spaces real requests, so it runs on the machine's clock, never on the host's <see cref="TimeProvider"/>: that
/// one is the calendar (which day it is, when a token expires), which a test may set to another night.
/// </summary>
public sealed class KSeriesPacerRegistry(IOptions<KSeriesOptions> options)
{
    private readonly ConcurrentDictionary<(string ConnectionKey, long BusinessLocationId), KSeriesLocationPacer> _pacers = new();

    public KSeriesLocationPacer For(string connectionKey, long businessLocationId) =>
        _pacers.GetOrAdd((connectionKey, businessLocationId),
            _ => new KSeriesLocationPacer(options.Value.RequestsPerSecondPerLocation, TimeProvider.System));
}

/// <summary>
/// K-Series documents no rate limit, so the client keeps its own: request starts of one location are spaced
/// 1 / <see cref="KSeriesOptions.RequestsPerSecondPerLocation"/> apart, and after a 429 nobody starts before
/// Retry-After has passed. When several requests wait, the one of the lowest <see cref="RequestPriority"/> goes
/// first (first come, first served within a priority), chosen at the moment the next start is due, so a request
/// that arrives during a wait still overtakes lower priorities.
/// </summary>
public sealed class KSeriesLocationPacer
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private readonly PriorityQueue<TaskCompletionSource, (RequestPriority Priority, long Arrival)> _waiting = new();
    private long _nextStartAt;
    private long _lastSentAt;
    private long _blockedUntil;
    private long _arrivals;
    private bool _dispatchPending;

    internal KSeriesLocationPacer(double requestsPerSecond, TimeProvider time)
    {
        _time = time;
        _intervalTicks = requestsPerSecond > 0 ? (long)(time.TimestampFrequency / requestsPerSecond) : 0;
        _nextStartAt = time.GetTimestamp();
    }

    /// <summary>Counters of every request this process made to the location.</summary>
    public KSeriesRequestStats Totals { get; } = new();

    /// <summary>Requests waiting for their turn now (diagnostics and tests).</summary>
    public int Waiting
    {
        get { lock (_lock) return _waiting.Count; }
    }

    /// <summary>Waits until this request may start; returns how long it waited.</summary>
    public async Task<TimeSpan> WaitTurnAsync(RequestPriority priority, CancellationToken ct)
    {
        var arrived = _time.GetTimestamp();
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_waiting.Count == 0 && arrived >= _nextStartAt)
            {
                Start(arrived);
                return TimeSpan.Zero;
            }
            _waiting.Enqueue(turn, (priority, _arrivals++));
            ScheduleDispatch();
        }
        // A cancelled waiter stays queued; the dispatcher skips it (its TrySetResult fails).
        await using (ct.Register(() => turn.TrySetCanceled(ct)))
            await turn.Task;
        return _time.GetElapsedTime(arrived);
    }

    /// <summary>A 429: no request of this location starts before <paramref name="wait"/> has passed.</summary>
    internal void OnRateLimited(TimeSpan wait)
    {
        lock (_lock)
        {
            var until = _time.GetTimestamp() + (long)(wait.TotalSeconds * _time.TimestampFrequency);
            _nextStartAt = Math.Max(_nextStartAt, until);
            _blockedUntil = Math.Max(_blockedUntil, until);
        }
    }

    /// <summary>
    /// Confirms a start when the request really goes out after its turn waited <paramref name="heldFor"/> elsewhere (the
    /// engine's admission gate): requests held back together would otherwise reach the location at once. A request
    /// held only a moment goes; one held longer goes only if one interval has passed since the last request of the
    /// location went out and no Retry-After runs, and otherwise the caller gives its place back and waits for a new turn.
    /// </summary>
    public bool ConfirmSend(TimeSpan heldFor)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (heldFor >= ProviderRequests.SameStart && (now - _lastSentAt < _intervalTicks || now < _blockedUntil)) return false;
            _lastSentAt = Math.Max(_lastSentAt, now);
            return true;
        }
    }

    private void Start(long now)
    {
        _nextStartAt = Math.Max(now, _nextStartAt) + _intervalTicks;
        _lastSentAt = Math.Max(_lastSentAt, now);
    }

    /// <summary>Under the lock: one dispatch at a time wakes when the next start is due.</summary>
    private void ScheduleDispatch()
    {
        if (_dispatchPending || _waiting.Count == 0) return;
        _dispatchPending = true;
        _ = DispatchAsync(_time.GetElapsedTime(_time.GetTimestamp(), _nextStartAt));
    }

    private async Task DispatchAsync(TimeSpan delay)
    {
        if (delay > TimeSpan.Zero) await Task.Delay(delay, _time);
        else await Task.Yield();
        lock (_lock)
        {
            _dispatchPending = false;
            var now = _time.GetTimestamp();
            if (now >= _nextStartAt)
            {
                while (_waiting.TryDequeue(out var next, out _))
                {
                    if (!next.TrySetResult()) continue; // cancelled meanwhile
                    Start(now);
                    break;
                }
            }
            ScheduleDispatch();
        }
    }
}
