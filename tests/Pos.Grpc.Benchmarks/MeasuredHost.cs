using System.Globalization;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Benchmarks;

/// <summary>
/// The host as its own process (the tests' <see cref="HostProcess"/>), with its memory and CPU read from /proc:
/// VmRSS sampled every <see cref="SampleInterval"/> for the peak, the kernel's VmHWM, user + system time.
/// </summary>
public sealed class MeasuredHost : IAsyncDisposable
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(100);

    private readonly HostProcess _host;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peakRssKb;

    private MeasuredHost(HostProcess host)
    {
        _host = host;
        _sampler = SampleAsync();
    }

    public int GrpcPort => _host.GrpcPort;
    public int GrpcWebPort => _host.GrpcWebPort;
    public int Pid => _host.ProcessId;
    public string Logs => _host.Logs;
    public string CallbackUrl => $"http://127.0.0.1:{GrpcWebPort}/oauth/lightspeed/callback";

    /// <summary>Highest VmRSS seen by the sampler since the start or the last <see cref="ResetPeak"/>, in MB.</summary>
    public double PeakRssMb => Interlocked.Read(ref _peakRssKb) / 1024.0;

    public double RssMb => ReadStatusKb("VmRSS") / 1024.0;

    /// <summary>The kernel's own peak (VmHWM) since start or the last reset, in MB.</summary>
    public double HighWaterMarkMb => ReadStatusKb("VmHWM") / 1024.0;

    /// <summary>CPU time (user + system) the host used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{Pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                return TimeSpan.FromSeconds(ticks / 100.0);
            }
            catch (IOException)
            {
                return TimeSpan.Zero;
            }
        }
    }

    /// <summary>Starts counting the peak afresh (also resets the kernel's VmHWM through clear_refs).</summary>
    public void ResetPeak()
    {
        try { File.WriteAllText($"/proc/{Pid}/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        Interlocked.Exchange(ref _peakRssKb, ReadStatusKb("VmRSS"));
    }

    public static async Task<MeasuredHost> StartAsync(string connectionString, Uri simulatorUrl, IReadOnlyDictionary<string, string?>? extra = null, string processName = "bench")
    {
        var simulator = simulatorUrl.ToString();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Pos"] = connectionString,
            ["Auth:Issuer"] = PosHostFixture.Auth.Issuer,
            ["Auth:Audience"] = PosHostFixture.Auth.Audience,
            ["Auth:SigningKey"] = PosHostFixture.Auth.SigningKey,
            ["Scheduler:Enabled"] = "false",
            ["Lightspeed:AuthBaseUrl"] = simulator,
            ["Lightspeed:ApiBaseUrl"] = simulator,
            ["Lightspeed:ClientId"] = Bench.SimulatorClientId,
            ["Lightspeed:ClientSecret"] = Bench.SimulatorClientSecret,
            ["Logging:LogLevel:Default"] = "Warning",
            [PosHostFixture.RateLimitPermitsPerPeriod] = PosHostFixture.RateLimitOutOfReach,
            [PosHostFixture.RateLimitBurst] = PosHostFixture.RateLimitOutOfReach,
            [PosHostFixture.StreamLimitPerCaller] = PosHostFixture.RateLimitOutOfReach,
            [PosHostFixture.StreamLimitTotal] = PosHostFixture.RateLimitOutOfReach,
            [PosHostFixture.CallbackLimitBurst] = PosHostFixture.RateLimitOutOfReach,
            [PosHostFixture.CallbackLimitPerMinute] = PosHostFixture.RateLimitOutOfReach,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        // BENCH_HOST_X=v in this process's environment becomes X=v in the host's (e.g. BENCH_HOST_DOTNET_PerfMapEnabled=1 for perf).
        var environment = new Dictionary<string, string>();
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
            if (variable.Key is string name && name.StartsWith("BENCH_HOST_", StringComparison.Ordinal))
                environment[name["BENCH_HOST_".Length..]] = variable.Value as string ?? "";
        var host = new MeasuredHost(await HostProcess.StartAsync(processName, settings, environment));
        Console.Error.WriteLine($"  host process {host.Pid} on ports {host.GrpcPort} (gRPC) and {host.GrpcWebPort} (gRPC-Web)");
        return host;
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(SampleInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var rss = ReadStatusKb("VmRSS");
                long peak;
                while (rss > (peak = Interlocked.Read(ref _peakRssKb)) && Interlocked.CompareExchange(ref _peakRssKb, rss, peak) != peak) { }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private long ReadStatusKb(string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
                if (line.StartsWith(key + ":", StringComparison.Ordinal))
                    return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>SIGTERM, as in production (the host shuts down gracefully); killed if that takes too long.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _sampler;
        try
        {
            await _host.SendSigtermAsync();
            await _host.WaitForExitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            // Already gone, or too slow: DisposeAsync below kills it.
        }
        await _host.DisposeAsync();
        _stop.Dispose();
    }
}
