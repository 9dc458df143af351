using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// One pacer per Lightspeed account for the whole process, so every import touching an account shares its
/// leaky bucket (lightspeed-api.md §6).
/// </summary>
public sealed class RSeriesPacerRegistry(IOptions<RSeriesOptions> options)
{
    private readonly ConcurrentDictionary<long, RSeriesAccountPacer> _pacers = new();

    /// <summary>The pacer of an account; account 0 stands for "not known yet" (account discovery).</summary>
    public RSeriesAccountPacer For(long accountId) =>
        _pacers.GetOrAdd(accountId, _ => new RSeriesAccountPacer(options.Value));
}

/// <summary>A granted request start: how long it waited, how many drips it reserved, and its place in the start order.</summary>
public readonly record struct PacerReservation(TimeSpan Waited, double Cost, long Sequence = 0, long StartedAt = 0);

/// <summary>
/// Client side of Lightspeed's leaky bucket. It mirrors the server's level from the X-LS-API-Bucket-Level and
/// X-LS-API-Drip-Rate headers, drains it locally between responses, and delays each request start until
/// level + cost fits below the bucket size. Request starts are serialized per account so that parallel
/// callers cannot all see the same free room and overflow it together, and in priority order (<see cref="PriorityGate"/>):
/// the night's requests before a historical import's, and both before an interactive listing.
/// <para>The server's level is the truth: a response replaces the local estimate by the level it reports plus the
/// requests still in flight. Only an answer that is older than one already applied (responses of parallel requests
/// can arrive out of order) is ignored, since it shows a level from before requests the server has since counted.
/// Keeping the higher local running total instead would never let the estimate fall below "everything we sent,
/// drained at the drip rate": a level the server reports lower (a cheaper request than reserved, a bucket that
/// drains faster, no limit at all) would then leave capacity unused.</para>
/// <para>The burst limiter allows a number of requests per fixed one-second window (X-LS-API-Burst-Level: count/limit).
/// The pacer keeps its request starts below that limit (minus one) in any <see cref="BurstWindow"/>, slightly longer than
/// a second because requests reach the server a little later than they start, so no server window can see more.
/// This only binds when the bucket has room for a burst: the drip rate is far below the burst limit.</para>
/// </summary>
public sealed class RSeriesAccountPacer
{
    private readonly PriorityGate _startGate = new();
    private readonly Lock _state = new();
    private readonly double _headroom;
    private double _level;
    private long _levelAt = Stopwatch.GetTimestamp();
    private double _size;
    private double _drip;
    private double _lastCost = 1;
    private double _inFlightCost;
    private long _blockedUntil;
    private long _nextSequence;
    private long _appliedSequence = -1;
    private int _burstLimit;
    private readonly Queue<long> _recentStarts = new();
    private double _latencySeconds;

    /// <summary>Request starts are counted over this window against the burst limit.</summary>
    internal static readonly TimeSpan BurstWindow = TimeSpan.FromSeconds(1.1);

    internal RSeriesAccountPacer(RSeriesOptions options)
    {
        _size = options.InitialBucketSize;
        _drip = options.InitialDripRate;
        _headroom = options.PacingHeadroom;
        _burstLimit = options.InitialBurstLimit;
    }

    /// <summary>Counters of every request this process made to the account.</summary>
    public RSeriesRequestStats Totals { get; } = new();

    /// <summary>The estimated bucket level now, and the last known size and drip rate.</summary>
    public (double Level, double Size, double DripRate) Snapshot()
    {
        lock (_state) return (DrainedLevel(Stopwatch.GetTimestamp()), _size, _drip);
    }

    /// <summary>
    /// Waits until a request of <paramref name="cost"/> drips fits and reserves it. The reserved cost is at least
    /// the cost the server reported for the previous request (relations cost extra); hand the reservation back
    /// with the response.
    /// </summary>
    public async Task<PacerReservation> WaitTurnAsync(double cost, RequestPriority priority, CancellationToken ct)
    {
        var waited = TimeSpan.Zero;
        var entering = Stopwatch.GetTimestamp();
        using var turn = await _startGate.EnterAsync(priority, ct);
        // Waiting behind other requests of the account is waiting on its rate limit too.
        if (turn.Queued) waited += Stopwatch.GetElapsedTime(entering);
        {
            while (true)
            {
                TimeSpan delay;
                lock (_state)
                {
                    var now = Stopwatch.GetTimestamp();
                    var level = DrainedLevel(now);
                    var effectiveCost = Math.Max(cost, _lastCost);
                    var room = Math.Max(_size - _headroom, effectiveCost);
                    var bucketWait = (level + effectiveCost - room) / _drip;
                    var blockedWait = Stopwatch.GetElapsedTime(now, _blockedUntil).TotalSeconds;
                    var seconds = Math.Max(Math.Max(bucketWait, BurstWait(now)), _blockedUntil > now ? blockedWait : 0);
                    if (seconds <= 0)
                    {
                        _level = level + effectiveCost;
                        _levelAt = now;
                        _inFlightCost += effectiveCost;
                        _recentStarts.Enqueue(now);
                        return new PacerReservation(waited, effectiveCost, _nextSequence++, now);
                    }
                    // Sleep a little past the computed point: the server drains in its own clock.
                    delay = TimeSpan.FromSeconds(seconds + 0.01);
                }
                await Task.Delay(delay, ct);
                waited += delay;
            }
        }
    }

    /// <summary>
    /// Confirms a turn when the request really goes out, after it waited elsewhere (the engine's admission gate). A
    /// turn is counted against the bucket and the burst window when it is given; a request held back afterwards would
    /// otherwise see its cost drain in the estimate while Lightspeed has not yet received it, and requests held back
    /// together would reach the server at once (the fleet's night met both the burst limiter and a full bucket that
    /// way). So a turn older than a moment is taken back and given again now if the bucket, the burst window and any
    /// Retry-After allow it; otherwise null: the caller gives up its place and waits for a new turn, so a place is never
    /// held over a pacing wait. The confirmed turn starts now, so the latency it measures is Lightspeed's.
    /// </summary>
    public PacerReservation? ConfirmSend(PacerReservation reservation)
    {
        lock (_state)
        {
            var now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(reservation.StartedAt, now) < ProviderRequests.SameStart) return reservation;
            Uncount(reservation.StartedAt);
            _inFlightCost = Math.Max(0, _inFlightCost - reservation.Cost);
            // The estimate without this request's cost (it has not reached the server): exact whether or not the
            // level drained to empty while it waited.
            _level = Math.Max(0, DrainedLevel(now) - reservation.Cost);
            _levelAt = now;
            var room = Math.Max(_size - _headroom, reservation.Cost);
            if (_level + reservation.Cost > room || BurstWait(now) > 0 || _blockedUntil > now) return null;
            _level += reservation.Cost;
            _inFlightCost += reservation.Cost;
            _recentStarts.Enqueue(now);
            return reservation with { StartedAt = now };
        }
    }

    /// <summary>Takes back a start counted at its turn, in one pass that keeps the order of the others.</summary>
    private void Uncount(long start)
    {
        var removed = false;
        for (int i = 0, count = _recentStarts.Count; i < count; i++)
        {
            var at = _recentStarts.Dequeue();
            if (!removed && at == start) removed = true;
            else _recentStarts.Enqueue(at);
        }
    }

    /// <summary>
    /// How many requests of this account may be in flight at once to use its drip rate fully: the rate the bucket
    /// allows (drip ÷ cost) times how long an answer takes, plus one. 1 until an answer has told the bucket and the
    /// latency. A small shop (1 drip/s) stays at 1; a 50-shop chain (50 drips/s at 250 ms) reads about ten ranges at once.
    /// </summary>
    public int ParallelRequests()
    {
        lock (_state)
        {
            if (_latencySeconds <= 0) return 1;
            var perSecond = _drip / Math.Max(_lastCost, 1);
            return (int)Math.Clamp(Math.Ceiling(perSecond * _latencySeconds) + 1, 1, MaxParallelRequests);
        }
    }

    /// <summary>However fast an account drains, no more reads of it than this run at once.</summary>
    internal const int MaxParallelRequests = 16;

    /// <summary>Takes the server's view of the bucket from a response (any status).</summary>
    internal void OnResponse(HttpResponseHeaders headers, PacerReservation reservation)
    {
        lock (_state)
        {
            var latency = Stopwatch.GetElapsedTime(reservation.StartedAt).TotalSeconds;
            _latencySeconds = _latencySeconds <= 0 ? latency : 0.8 * _latencySeconds + 0.2 * latency;
            _inFlightCost = Math.Max(0, _inFlightCost - reservation.Cost);
            if (TryNumber(TryHeader(headers, "X-LS-API-Drip-Rate")) is { } drip && drip > 0) _drip = drip;
            if (TryNumber(TryHeader(headers, "X-LS-API-Request-Cost")) is { } requestCost && requestCost > 0)
                _lastCost = requestCost;
            var parts = TryHeader(headers, "X-LS-API-Bucket-Level")?.Split('/');
            if (parts is not { Length: 2 } || TryNumber(parts[0]) is not { } level || TryNumber(parts[1]) is not { } size
                || size <= 0)
                return;
            _size = size;
            // A server that meters the bucket but names no burst limit has none.
            _burstLimit = TryHeader(headers, "X-LS-API-Burst-Level")?.Split('/') is [_, var burst] && TryNumber(burst) is { } burstLimit && burstLimit >= 1
                ? (int)Math.Min(burstLimit, int.MaxValue)
                : int.MaxValue;
            // An answer to a request started before one whose answer was already applied: its level is stale.
            if (reservation.Sequence < _appliedSequence) return;
            _appliedSequence = reservation.Sequence;
            // The server's level plus what we sent that it may not have counted yet (erring high: some of it may
            // already be in the reported level). The level drained a little since the server measured it: high again.
            _level = level + _inFlightCost;
            _levelAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>No response came back (timeout, cut connection): the reservation may or may not have been spent.</summary>
    internal void OnNoResponse(PacerReservation reservation)
    {
        lock (_state) _inFlightCost = Math.Max(0, _inFlightCost - reservation.Cost);
    }

    /// <summary>
    /// A 429: nobody on this account starts a request before Retry-After has passed. A 429 of the leaky bucket also
    /// means the bucket is full; one of the burst limiter says nothing about the bucket.
    /// </summary>
    internal void OnRateLimited(TimeSpan retryAfter, bool byBurstLimiter = false)
    {
        lock (_state)
        {
            var now = Stopwatch.GetTimestamp();
            _blockedUntil = Math.Max(_blockedUntil, now + (long)(retryAfter.TotalSeconds * Stopwatch.Frequency));
            if (byBurstLimiter) return;
            _level = Math.Max(DrainedLevel(now), _size);
            _levelAt = now;
        }
    }

    /// <summary>Seconds until one more start keeps the last <see cref="BurstWindow"/> below the burst limit.</summary>
    private double BurstWait(long now)
    {
        var windowTicks = (long)(BurstWindow.TotalSeconds * Stopwatch.Frequency);
        while (_recentStarts.Count > 0 && now - _recentStarts.Peek() >= windowTicks) _recentStarts.Dequeue();
        var allowed = Math.Max(1, _burstLimit - 1);
        if (_recentStarts.Count < allowed) return 0;
        // The start that must leave the window first: the oldest of those over the allowance.
        var leaving = _recentStarts.ElementAt(_recentStarts.Count - allowed);
        return Stopwatch.GetElapsedTime(now, leaving + windowTicks).TotalSeconds;
    }

    private double DrainedLevel(long now) =>
        Math.Max(0, _level - _drip * Stopwatch.GetElapsedTime(_levelAt, now).TotalSeconds);

    private static string? TryHeader(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;

    private static double? TryNumber(string? s) =>
        s is not null && double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
}
