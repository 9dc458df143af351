using System.Diagnostics;

namespace Pos.Grpc.LightspeedSimulator;

/// <summary>
/// The simulator's notion of "now" for codes, tokens and today's sales: real time, optionally sped up, and
/// jumpable forward from the admin API so tests can expire a 60 s code without waiting.
/// </summary>
public sealed class SimClock(double scale = 1)
{
    private readonly DateTimeOffset _origin = DateTimeOffset.UtcNow;
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _offsetTicks;

    public DateTimeOffset UtcNow =>
        _origin + Stopwatch.GetElapsedTime(_started) * scale + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
