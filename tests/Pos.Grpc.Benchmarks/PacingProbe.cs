namespace Pos.Grpc.Benchmarks;

/// <summary>
/// Reads the simulator's counters of every account while an import runs and works out, per account, the request
/// rate the import sustained once the bucket was full, against the most the drip allows.
/// </summary>
public sealed class PacingProbe(BenchEnvironment env, double bucketSize, double dripPerSecond, double requestCost)
{
    private readonly Dictionary<long, List<(TimeSpan At, long Requests)>> _samples = [];
    private readonly Dictionary<long, (long Requests, long RateLimited)> _before = [];

    public double DripPerSecond => dripPerSecond;
    public double MaxRequestsPerSecond => dripPerSecond / requestCost;

    public async Task StartAsync()
    {
        foreach (var account in env.Layout.AccountIds)
        {
            _before[account] = await env.SimulatorStatsAsync(account);
            _samples[account] = [];
        }
    }

    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Reads every account's counter, each timed when its answer arrived (not when the round began).</summary>
    public async Task SampleAsync(TimeSpan _)
    {
        foreach (var account in env.Layout.AccountIds)
        {
            var requests = (await env.SimulatorStatsAsync(account)).ApiRequests - _before[account].Requests;
            _samples[account].Add((_clock.Elapsed, requests));
        }
    }

    public sealed record AccountPacing(long AccountId, long Requests, long RateLimited, TimeSpan Window, double RequestsPerSecond, double Utilisation);

    public async Task<IReadOnlyList<AccountPacing>> ResultAsync()
    {
        var results = new List<AccountPacing>();
        foreach (var account in env.Layout.AccountIds)
        {
            var (requests, limited) = await env.SimulatorStatsAsync(account);
            var samples = _samples[account];
            // From the first sample at which the burst allowance (the bucket) is spent, to the last sample at which
            // the account still had work (its requests still grew afterwards): the import waits on the drip there.
            // The steady middle of the account's work: from a quarter of its requests (and well past the burst the
            // bucket allows at first) to 90 % of them. While the import waits on the drip and the bucket never runs
            // empty, the slope there is the drip rate; capacity left unused (an empty bucket) shows as a lower slope.
            var total = samples[^1].Requests;
            var full = samples.FindIndex(s => s.Requests >= Math.Max(0.25 * total, 1.5 * bucketSize / requestCost));
            var last = samples.FindIndex(s => s.Requests >= 0.9 * total);
            if (full < 0 || last <= full)
            {
                results.Add(new AccountPacing(account, requests - _before[account].Requests, limited - _before[account].RateLimited, TimeSpan.Zero, double.NaN, double.NaN));
                continue;
            }
            var window = samples[last].At - samples[full].At;
            var rate = (samples[last].Requests - samples[full].Requests) / window.TotalSeconds;
            results.Add(new AccountPacing(account, requests - _before[account].Requests, limited - _before[account].RateLimited, window, rate, rate / MaxRequestsPerSecond));
        }
        return results;
    }

    public static void PrintTable(IReadOnlyList<AccountPacing> accounts, PacingProbe probe)
    {
        Console.WriteLine("| account | requests | 429s (simulator) | measured window s (25 %..90 % of its requests) | requests/s sustained | max requests/s (drip ÷ cost) | of drip |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var a in accounts)
            Console.WriteLine($"| {a.AccountId} | {Bench.F(a.Requests)} | {a.RateLimited} | {Bench.F(a.Window.TotalSeconds, 1)} | " +
                $"{Bench.F(a.RequestsPerSecond, 2)} | {Bench.F(probe.MaxRequestsPerSecond, 2)} | {Bench.P(a.Utilisation)} |");
    }
}
