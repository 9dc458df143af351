using System.Diagnostics;

namespace Pos.Grpc.LoadTest;

public sealed record LoadResult(string Name, int Requests, int Errors, TimeSpan Duration, double P50Ms, double P99Ms)
{
    public double RequestsPerSecond => Requests / Duration.TotalSeconds;

    public string ToRow() => $"| {Name} | {RequestsPerSecond,10:N0} | {P50Ms,6:N2} | {P99Ms,6:N2} | {Errors} |";
}

/// <summary>
/// Closed-loop load (a fixed number of callers, each sending as fast as answers come) to find throughput,
/// and open-loop load (a fixed request rate) to read latency at a given load. Bounded in time; stops by itself.
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

    public static async Task<LoadResult> OpenLoopAsync(string name, double requestsPerSecond, TimeSpan duration, Func<int, Task> call)
    {
        await WarmUpAsync(call);
        var total = (int)(requestsPerSecond * duration.TotalSeconds);
        var latencies = new double[total];
        var errors = 0;
        var stopwatch = Stopwatch.StartNew();
        var inFlight = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / requestsPerSecond);
            var wait = due - stopwatch.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            var index = i;
            // Latency is measured from when the request was due, so a late sender counts against the service
            // (no coordinated omission).
            var dueTimestamp = due;
            inFlight.Add(Task.Run(async () =>
            {
                try { await call(index); }
                catch { Interlocked.Increment(ref errors); }
                latencies[index] = (stopwatch.Elapsed - dueTimestamp).TotalMilliseconds;
            }));
        }
        await Task.WhenAll(inFlight);
        return Summarise(name, latencies.ToList(), errors, stopwatch.Elapsed);
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
