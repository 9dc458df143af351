namespace Pos.Grpc.Benchmarks;

/// <summary>
/// import-throughput: the full import through the host against merely fetching and parsing the same pages, rate limit off.
/// Order: a warm-up fetch (fills the simulator's day cache, so neither measured run pays the generation), fetch,
/// import, fetch again. The ratio uses the faster fetch, the stricter comparison.
/// </summary>
public static class ImportThroughput
{
    public static async Task RunAsync(Options options)
    {
        var days = options.Int("--days", 120);
        var layout = new Layout(options.Int("--accounts", 2), options.Int("--shops", 2), options.Int("--registers", 2), options.Int("--sales", 400));
        var (from, until) = BenchEnvironment.Range(days);
        var machine = Bench.Machine();
        Console.Error.WriteLine($"Starting PostgreSQL, the simulator (rate limit off) and the host process; {layout.Describe()}, {days} days...");
        await using var env = await BenchEnvironment.StartAsync(BenchEnvironment.Simulator(2 * days + 10, rateLimit: false), layout);
        await using var fetch = await DirectFetch.ConnectAsync(env);

        Console.Error.WriteLine("Warm-up fetch (fills the simulator's cache)...");
        var warm = await fetch.FetchAsync(layout.Departments, from, until);
        // The fresh host process compiles (JIT, tier-up) as it goes: an import of the same size over the days before
        // the measured range warms it the way the warm-up fetch warms this process.
        Console.Error.WriteLine($"Warm-up import of the {days} days before the range (JIT and pools of the fresh host process)...");
        await env.RunImportAsync(layout.Departments.Select(d => d.DepartmentId), from.AddDays(-days), from.AddDays(-1));
        var self = System.Diagnostics.Process.GetCurrentProcess();
        Console.Error.WriteLine("(a) fetch + parse...");
        var cpu0 = self.TotalProcessorTime;
        var fetch1 = await fetch.FetchAsync(layout.Departments, from, until);
        self.Refresh();
        var fetchCpu = self.TotalProcessorTime - cpu0;
        Console.Error.WriteLine("(b) import through the host...");
        var hostCpu0 = env.Host.CpuTime;
        cpu0 = self.TotalProcessorTime;
        var import = await env.RunImportAsync(layout.Departments.Select(d => d.DepartmentId), from, until, TimeSpan.FromMilliseconds(100));
        var hostCpu = env.Host.CpuTime - hostCpu0;
        self.Refresh();
        var benchCpu = self.TotalProcessorTime - cpu0;
        Console.Error.WriteLine("(a) fetch + parse again...");
        var fetch2 = await fetch.FetchAsync(layout.Departments, from, until);
        var best = fetch1.SalesPerSecond >= fetch2.SalesPerSecond ? fetch1 : fetch2;
        var ratio = import.SalesPerSecond / best.SalesPerSecond;
        var job = import.Job.Progress;

        Console.WriteLine();
        Console.WriteLine($"### import-throughput ({machine})");
        Console.WriteLine();
        Console.WriteLine($"{layout.Describe()}; {days} days {from:yyyy-MM-dd}..{until:yyyy-MM-dd}; simulator rate limit off.");
        Console.WriteLine();
        Console.WriteLine("| run | sales | requests | department-days | seconds | sales/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Console.WriteLine(Row("warm-up fetch (not compared)", warm.Sales, warm.Requests, "", warm.Elapsed));
        Console.WriteLine(Row("(a) fetch + parse, GetSalesAsync", fetch1.Sales, fetch1.Requests, "", fetch1.Elapsed));
        Console.WriteLine(Row("(b) import through the host (wall, polled every 100 ms)", job.SalesRead, job.RequestsMade, $"{job.DepartmentDaysDone}/{job.DepartmentDaysTotal}", import.Wall));
        Console.WriteLine(Row("(b) same job, start_time → end_time", job.SalesRead, job.RequestsMade, "", import.JobTime));
        Console.WriteLine(Row("(a) fetch + parse, again", fetch2.Sales, fetch2.Requests, "", fetch2.Elapsed));
        Console.WriteLine();
        Console.WriteLine($"CPU: (a) this process (client + simulator) {fetchCpu.TotalSeconds:N1} s; (b) host process {hostCpu.TotalSeconds:N1} s, " +
            $"this process (simulator + polling) {benchCpu.TotalSeconds:N1} s.");
        Console.WriteLine($"Job state {import.Job.State}, values written {job.ValuesWritten:N0}, errors {job.Errors.Count}.");
        Console.WriteLine($"(b) / (a): {Bench.P(ratio)}  (target >= 50 %): {Bench.Verdict(ratio >= 0.5)}");
    }

    private static string Row(string name, long sales, long requests, string days, TimeSpan elapsed) =>
        $"| {name} | {Bench.F(sales)} | {Bench.F(requests)} | {days} | {Bench.F(elapsed.TotalSeconds, 1)} | {Bench.F(sales / elapsed.TotalSeconds)} |";
}
