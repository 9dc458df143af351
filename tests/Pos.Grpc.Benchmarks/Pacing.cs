namespace Pos.Grpc.Benchmarks;

/// <summary>
/// pacing: the simulator's real bucket rules, time-scaled, and an import big enough to wait on the drip for a
/// while. Reports the request rate sustained against the drip and the 429s the service caused.
/// </summary>
public static class Pacing
{
    /// <summary>A sales page with SaleLines loaded: 1 + 0.2 × 2 drips (relation surcharge doubled on lists).</summary>
    public const double SalesPageCost = 1.4;

    public static async Task RunAsync(Options options)
    {
        var days = options.Int("--days", 40);
        var timeScale = options.Double("--time-scale", 20);
        var layout = new Layout(options.Int("--accounts", 1), options.Int("--shops", 1), options.Int("--registers", 2), options.Int("--sales", 1500));
        var (from, until) = BenchEnvironment.Range(days);
        var machine = Bench.Machine();
        var simulator = BenchEnvironment.Simulator(days + 10, rateLimit: true, timeScale);
        Console.Error.WriteLine($"Starting PostgreSQL, the simulator (real bucket rules × {timeScale}) and the host process; {layout.Describe()}...");
        await using var env = await BenchEnvironment.StartAsync(simulator, layout);
        var (import, probe, accounts) = await RunPacedAsync(env, layout, from, until);

        Console.WriteLine();
        Console.WriteLine($"### pacing ({machine})");
        Console.WriteLine();
        PrintReport(layout, simulator, days, import, probe, accounts);
    }

    public static async Task<(ImportRun Run, PacingProbe Probe, IReadOnlyList<PacingProbe.AccountPacing> Accounts)> RunPacedAsync(
        BenchEnvironment env, Layout layout, DateOnly from, DateOnly until)
    {
        var rules = env.SimulatorOptions.RateLimit;
        var extra = layout.RegistersPerAccount - 1;
        var size = rules.BucketSize + rules.BucketSizePerExtraRegister * extra;
        var drip = (rules.DripRate + rules.DripRatePerExtraRegister * extra) * rules.TimeScale;
        var probe = new PacingProbe(env, size, drip, SalesPageCost);
        await probe.StartAsync();
        var import = await env.RunImportAsync(layout.Departments.Select(d => d.DepartmentId), from, until,
            TimeSpan.FromMilliseconds(500), probe.SampleAsync);
        return (import, probe, await probe.ResultAsync());
    }

    public static void PrintReport(Layout layout, Pos.Grpc.LightspeedSimulator.SimulatorOptions simulator, int days, ImportRun import,
        PacingProbe probe, IReadOnlyList<PacingProbe.AccountPacing> accounts)
    {
        var rules = simulator.RateLimit;
        var extra = layout.RegistersPerAccount - 1;
        var job = import.Job.Progress;
        Console.WriteLine($"{layout.Describe()}; {days} days; bucket {rules.BucketSize + rules.BucketSizePerExtraRegister * extra:N0} drips, " +
            $"drip {probe.DripPerSecond:N1}/s (= {(rules.DripRate + rules.DripRatePerExtraRegister * extra):N1}/s × time scale {rules.TimeScale:N0}), " +
            $"a sales page costs {SalesPageCost} drips.");
        Console.WriteLine();
        PacingProbe.PrintTable(accounts, probe);
        Console.WriteLine();
        Console.WriteLine($"Job {import.Job.State}: {job.DepartmentDaysDone}/{job.DepartmentDaysTotal} department-days, {job.SalesRead:N0} sales, " +
            $"requests_made {job.RequestsMade:N0}, rate_limit_wait_ms {job.RateLimitWaitMs:N0} ({job.RateLimitWaitMs / 1000.0 / import.Wall.TotalSeconds:P0} of the " +
            $"{import.Wall.TotalSeconds:N1} s wall time, summed over lanes), errors {job.Errors.Count}.");
        var worst = accounts.Where(a => !double.IsNaN(a.Utilisation)).Select(a => a.Utilisation).DefaultIfEmpty(double.NaN).Min();
        var limited = accounts.Sum(a => a.RateLimited);
        Console.WriteLine($"Sustained requests / drip allowance (worst account): {Bench.P(worst)} (target >= 95 %): {Bench.Verdict(worst >= 0.95)}");
        Console.WriteLine($"429s caused: {limited} (target 0): {Bench.Verdict(limited == 0)}");
    }
}
