using System.Diagnostics;

namespace Pos.Grpc.LoadTest;

public sealed record LoadResult(string Name, int Requests, int Errors, TimeSpan Duration, double P50Ms, double P99Ms)
{
    public double RequestsPerSecond => Requests / Duration.TotalSeconds;

    public string ToRow() => $"| {Name} | {RequestsPerSecond,10:N0} | {P50Ms,6:N2} | {P99Ms,6:N2} | {Errors} |";
}

/// <summary>
/// Closed-loop load (a fixed number of callers, each sending as fast as answers come) to find throughput,
/// and fixed-rate load to read latency at a given load. Bounded in time; stops by itself.
/// </summary>
public static class LoadRunner
{
    public static async Task<LoadResult> ClosedLoopAsync(string name, int callers, TimeSpan duration, Func<int, Task> call)
    {
        await WarmUpAsync(call);
        var latencies = new List<double>[callers];
        var errors = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var mine = latencies[caller] = new List<double>(100_000);
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try { await call(caller); }
                catch { Interlocked.Increment(ref errors); }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        return Summarise(name, latencies.SelectMany(l => l).ToList(), errors, stopwatch.Elapsed);
    }

    /// <summary>
    /// Latency at a fixed request rate: <paramref name="callers"/> callers share the schedule (request i is due at
    /// i / rate and belongs to caller i % callers); each sends its requests when due and waits for the answer, so the
    /// number in flight stays bounded as in a real client pool. Two views of the same run: from when each request was
    /// due (a caller running late counts against the service) and from when it was sent (the service's latency).
    /// </summary>
    public static async Task<(LoadResult FromDue, LoadResult FromSend)> FixedRateAsync(string name, double requestsPerSecond, int callers,
        TimeSpan duration, Func<int, Task> call)
    {
        await WarmUpAsync(call);
        var total = (int)(requestsPerSecond * duration.TotalSeconds);
        var fromDue = new double[total];
        var fromSend = new double[total];
        var errors = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            for (var i = caller; i < total; i += callers)
            {
                var due = TimeSpan.FromSeconds(i / requestsPerSecond);
                var wait = due - stopwatch.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
                var sent = stopwatch.Elapsed;
                try { await call(i); }
                catch { Interlocked.Increment(ref errors); }
                var done = stopwatch.Elapsed;
                fromDue[i] = (done - due).TotalMilliseconds;
                fromSend[i] = (done - sent).TotalMilliseconds;
            }
        })));
        return (Summarise(name + ", from due time", fromDue.ToList(), errors, stopwatch.Elapsed),
            Summarise(name + ", from send", fromSend.ToList(), errors, stopwatch.Elapsed));
    }

    private static async Task WarmUpAsync(Func<int, Task> call)
    {
        for (var i = 0; i < 300; i++) await call(i);
    }

    private static LoadResult Summarise(string name, List<double> latencies, int errors, TimeSpan duration)
    {
        latencies.Sort();
        double Percentile(double p) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
        return new LoadResult(name, latencies.Count, errors, duration, Percentile(0.50), Percentile(0.99));
    }
}
