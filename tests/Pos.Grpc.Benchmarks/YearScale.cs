using Pos.Grpc.LightspeedSimulator;

namespace Pos.Grpc.Benchmarks;

/// <summary>
/// year-scale ("proof under load"): a year of history for 20 departments on 5 accounts (4 departments' shops and
/// registers each). Phase 1, rate limit off: throughput, peak memory, memory flatness. Phase 2, the simulator's real
/// bucket rules time-scaled: requests sustained against the drip, 429s caused. Each phase has its own simulator,
/// database and host process.
/// </summary>
public static class YearScale
{
    public static async Task RunAsync(Options options)
    {
        var days = options.Int("--days", 365);
        var accounts = options.Int("--accounts", 5);
        var departments = options.Int("--departments", 20);
        var registers = options.Int("--registers", 2);
        var sales = options.Int("--sales", 40);
        if (departments % accounts != 0) throw new ArgumentException("--departments must be a multiple of --accounts");
        var layout = new Layout(accounts, departments / accounts, registers, sales);
        var (from, until) = BenchEnvironment.Range(days);
        var machine = Bench.Machine();
        var departmentIds = layout.Departments.Select(d => d.DepartmentId).ToList();

        Console.Error.WriteLine($"Phase 1, rate limit off: {layout.Describe()}, {days} days...");
        ImportRun unpaced;
        MemoryProfile memory;
        await using (var env = await BenchEnvironment.StartAsync(BenchEnvironment.Simulator(days + 10, rateLimit: false), layout))
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            env.Host.ResetPeak();
            var start = env.Host.RssMb;
            unpaced = await env.RunImportAsync(departmentIds, from, until, TimeSpan.FromSeconds(1));
            memory = MemoryProfile.Of(start, env.Host, unpaced);
        }

        // Auto: a drip at half the request rate each account managed unpaced, so the bucket (not the engine) sets the pace.
        var baseDrip = 1 + 0.5 * (layout.RegistersPerAccount - 1);
        var unpacedPerAccount = unpaced.Job.Progress.RequestsMade / unpaced.Wall.TotalSeconds / accounts;
        var timeScale = options.Get("--time-scale") is { } given && given != "auto"
            ? double.Parse(given, System.Globalization.CultureInfo.InvariantCulture)
            : Math.Max(1, Math.Round(0.5 * unpacedPerAccount * Pacing.SalesPageCost / baseDrip));
        Console.Error.WriteLine($"Phase 2, real bucket rules × {timeScale}...");
        SimulatorOptions simulator = BenchEnvironment.Simulator(days + 10, rateLimit: true, timeScale);
        ImportRun paced;
        PacingProbe probe;
        IReadOnlyList<PacingProbe.AccountPacing> pacing;
        await using (var env = await BenchEnvironment.StartAsync(simulator, layout))
            (paced, probe, pacing) = await Pacing.RunPacedAsync(env, layout, from, until);

        var p = unpaced.Job.Progress;
        Console.WriteLine();
        Console.WriteLine($"### year-scale ({machine})");
        Console.WriteLine();
        Console.WriteLine($"Ran: `{options}` → {layout.Describe()}; {days} days {from:yyyy-MM-dd}..{until:yyyy-MM-dd}.");
        Console.WriteLine();
        Console.WriteLine("Phase 1, simulator rate limit off:");
        Console.WriteLine();
        Console.WriteLine("| job | department-days | sales | requests | values written | seconds | sales/s | department-days/s | RSS idle MB | peak RSS MB | RSS at ¼ / ½ / ¾ / end MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        Console.WriteLine($"| {unpaced.Job.State} | {p.DepartmentDaysDone}/{p.DepartmentDaysTotal} | {Bench.F(p.SalesRead)} | {Bench.F(p.RequestsMade)} | {Bench.F(p.ValuesWritten)} | " +
            $"{Bench.F(unpaced.Wall.TotalSeconds, 1)} | {Bench.F(unpaced.SalesPerSecond)} | {Bench.F(p.DepartmentDaysDone / unpaced.Wall.TotalSeconds, 1)} | " +
            $"{Bench.F(memory.StartRssMb)} | {Bench.F(memory.PeakRssMb)} | {memory.Quarters} |");
        Console.WriteLine();
        Console.WriteLine($"Peak RSS {memory.PeakRssMb:N0} MB (target < 300 MB): {Bench.Verdict(memory.PeakRssMb < 300)}; " +
            $"RSS drift between ¼ and the end: {memory.Drift:N0} MB ({memory.Drift / memory.PeakRssMb:P0} of the peak; flat = within 15 %): {Bench.Verdict(memory.Drift <= 0.15 * memory.PeakRssMb)}. Errors: {p.Errors.Count}.");
        Console.WriteLine();
        Console.WriteLine($"Phase 2, real bucket rules × {timeScale} ({(options.Get("--time-scale") is null or "auto" ? "auto: half the unpaced request rate per account" : "given")}):");
        Console.WriteLine();
        Pacing.PrintReport(layout, simulator, days, paced, probe, pacing);
    }
}
