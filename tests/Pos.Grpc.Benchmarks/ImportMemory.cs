using System.Globalization;
namespace Pos.Grpc.Benchmarks;

/// <summary>
/// import-memory: the host's peak memory importing ~1,000,000 sales against ~100,000 sales, same departments and
/// same sales per day, ten times the range. Each import runs in a fresh host process, so each peak is its own.
/// </summary>
public static class ImportMemory
{
    public static async Task RunAsync(Options options)
    {
        var smallDays = options.Int("--small-days", 20);
        var largeDays = options.Int("--large-days", 200);
        var layout = new Layout(options.Int("--accounts", 2), options.Int("--shops", 1), options.Int("--registers", 1), options.Int("--sales", 2500));
        var (smallFrom, until) = BenchEnvironment.Range(smallDays);
        var (largeFrom, largeUntil) = BenchEnvironment.Range(largeDays, endDaysAgo: smallDays + 1);
        var machine = Bench.Machine();
        Console.Error.WriteLine($"Starting PostgreSQL, the simulator (rate limit off) and the host process; {layout.Describe()}...");
        await using var env = await BenchEnvironment.StartAsync(BenchEnvironment.Simulator(smallDays + largeDays + 10, rateLimit: false), layout);
        var departments = layout.Departments.Select(d => d.DepartmentId).ToList();

        var results = new List<(string Name, ImportRun Run, MemoryProfile Memory)>();
        foreach (var (name, from, to) in new[] { ("small", smallFrom, until), ("large", largeFrom, largeUntil) })
        {
            await env.RestartHostAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            env.Host.ResetPeak();
            var start = env.Host.RssMb;
            Console.Error.WriteLine($"Import {name}: {from:yyyy-MM-dd}..{to:yyyy-MM-dd} in a fresh host process (RSS {start:N0} MB)...");
            var run = await env.RunImportAsync(departments, from, to);
            results.Add((name, run, MemoryProfile.Of(start, env.Host, run)));
        }

        Console.WriteLine();
        Console.WriteLine($"### import-memory ({machine})");
        Console.WriteLine();
        Console.WriteLine($"{layout.Describe()}; simulator rate limit off; each import in a fresh host process (Server GC, as shipped); " +
            $"RSS sampled every {MeasuredHost.SampleInterval.TotalMilliseconds:N0} ms from /proc/<pid>/status.");
        Console.WriteLine();
        Console.WriteLine("| import | days | department-days | sales | seconds | sales/s | RSS idle MB | peak RSS MB | VmHWM MB | RSS at ¼ / ½ / ¾ / end MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (name, run, memory) in results)
        {
            var p = run.Job.Progress;
            var days = (DateOnly.Parse(run.Job.UntilDate, CultureInfo.InvariantCulture).DayNumber - DateOnly.Parse(run.Job.FromDate, CultureInfo.InvariantCulture).DayNumber) + 1;
            Console.WriteLine($"| {name} ({run.Job.FromDate}..{run.Job.UntilDate}, {run.Job.State}) | {days} | {p.DepartmentDaysDone} | {Bench.F(p.SalesRead)} | " +
                $"{Bench.F(run.Wall.TotalSeconds, 1)} | {Bench.F(run.SalesPerSecond)} | {Bench.F(memory.StartRssMb)} | {Bench.F(memory.PeakRssMb)} | " +
                $"{Bench.F(memory.HighWaterMarkMb)} | {memory.Quarters} |");
        }
        var small = results[0].Memory;
        var large = results[1].Memory;
        var ratio = large.PeakRssMb / small.PeakRssMb;
        Console.WriteLine();
        Console.WriteLine($"Sales ratio large / small: {results[1].Run.Job.Progress.SalesRead / (double)results[0].Run.Job.Progress.SalesRead:N1}×");
        Console.WriteLine($"Peak of the large import: {large.PeakRssMb:N0} MB (target < 300 MB): {Bench.Verdict(large.PeakRssMb < 300)}");
        Console.WriteLine($"Peak large / peak small: {Bench.P(ratio)} (target <= 115 %): {Bench.Verdict(ratio <= 1.15)}");
        Console.WriteLine($"Drift of the large import's RSS between ¼ and the end: {large.Drift:N0} MB");
    }
}
