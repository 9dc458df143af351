namespace Pos.Grpc.Benchmarks;

/// <summary>
/// request-floor: a historical import of a quiet, a typical and a busy shop, each an account of its own (two shops
/// of two registers, one department each), with the real bucket rules time-scaled, against the floor: the pages the
/// account's sales fill, ceil(sales / 100). Requests are the simulator's count for the account (every call: the
/// sales pages, and nothing else is asked during an import).
/// </summary>
public static class RequestFloor
{
    public static async Task RunAsync(Options options)
    {
        var days = options.Int("--days", 365);
        var timeScale = options.Double("--time-scale", 50);
        var sizes = (options.Get("--sizes") ?? "20,300,3000").Split(',').Select(int.Parse).ToList();
        var machine = Bench.Machine();
        var (from, until) = BenchEnvironment.Range(days);
        var rows = new List<string>();
        var met = true;
        foreach (var sales in sizes)
        {
            var layout = new Layout(accounts: 1, shopsPerAccount: 2, registersPerShop: 2, salesPerShopPerDay: sales);
            Console.Error.WriteLine($"request-floor: {layout.Describe()}, {days} days, real bucket rules × {timeScale}...");
            await using var env = await BenchEnvironment.StartAsync(BenchEnvironment.Simulator(days + 10, rateLimit: true, timeScale), layout);
            var account = layout.AccountIds[0];
            var (before, limitedBefore) = await env.SimulatorStatsAsync(account);
            var run = await env.RunImportAsync(layout.Departments.Select(d => d.DepartmentId), from, until);
            var (after, limitedAfter) = await env.SimulatorStatsAsync(account);
            var requests = after - before;
            var progress = run.Job.Progress;
            var floor = (long)Math.Max(1, Math.Ceiling(progress.SalesRead / 100.0));
            var within = requests <= 1.1 * floor + 1;
            met &= within && limitedAfter == limitedBefore && progress.Errors.Count == 0;
            rows.Add($"| {sales:N0} per shop and day | {progress.SalesRead:N0} | {floor:N0} | {requests:N0} | {(double)requests / floor:N3} | " +
                $"{limitedAfter - limitedBefore} | {run.Wall.TotalSeconds:N1} s | {run.Job.State} | {Bench.Verdict(within)} |");
        }

        Console.WriteLine();
        Console.WriteLine($"### request-floor ({machine})");
        Console.WriteLine();
        Console.WriteLine($"Ran: `{options}`: per size one account of 2 shops × 2 registers (a department per shop), {days} days " +
            $"{from:yyyy-MM-dd}..{until:yyyy-MM-dd} imported at once, real bucket rules × {timeScale}. Floor = ceil(sales / 100).");
        Console.WriteLine();
        Console.WriteLine("| shop | sales read | floor (pages) | Lightspeed requests | requests / floor | 429s | wall | job | ≤ 1.1 × floor + 1 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        Console.WriteLine();
        Console.WriteLine($"Every size within 1.1 × floor + 1, no 429, no errors: {Bench.Verdict(met)}");
    }
}
