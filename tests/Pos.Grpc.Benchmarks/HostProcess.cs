using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Benchmarks;

/// <summary>
/// The host as its own process (the apphost next to these binaries, configured by POS_ environment variables),
/// so its memory is its own: /proc/&lt;pid&gt;/status is sampled for VmRSS (every <see cref="SampleInterval"/>) and VmHWM.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peakRssKb;

    private HostProcess(Process process, int grpcPort, int grpcWebPort)
    {
        _process = process;
        GrpcPort = grpcPort;
        GrpcWebPort = grpcWebPort;
        _sampler = SampleAsync();
    }

    public int GrpcPort { get; }
    public int GrpcWebPort { get; }
    public int Pid => _process.Id;
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

    public static async Task<HostProcess> StartAsync(string connectionString, Uri simulatorUrl, IDictionary<string, string>? extra = null)
    {
        var grpcPort = PostgresServer.FreeTcpPort();
        var webPort = PostgresServer.FreeTcpPort();
        while (webPort == grpcPort) webPort = PostgresServer.FreeTcpPort();
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Pos.Grpc.Host"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var simulator = simulatorUrl.ToString();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["POS_ConnectionStrings__Pos"] = connectionString,
            ["POS_Ports__BindAddress"] = "127.0.0.1",
            ["POS_Ports__GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture),
            ["POS_Ports__GrpcWebPort"] = webPort.ToString(CultureInfo.InvariantCulture),
            ["POS_Auth__Issuer"] = PosHostFixture.Auth.Issuer,
            ["POS_Auth__Audience"] = PosHostFixture.Auth.Audience,
            ["POS_Auth__SigningKey"] = PosHostFixture.Auth.SigningKey!,
            ["POS_Scheduler__Enabled"] = "false",
            ["POS_Lightspeed__AuthBaseUrl"] = simulator,
            ["POS_Lightspeed__ApiBaseUrl"] = simulator,
            ["POS_Lightspeed__ClientId"] = Bench.SimulatorClientId,
            ["POS_Lightspeed__ClientSecret"] = Bench.SimulatorClientSecret,
            ["POS_Lightspeed__RedirectUri"] = $"http://127.0.0.1:{webPort}/oauth/lightspeed/callback",
            ["POS_Logging__LogLevel__Default"] = "Warning",
            ["POS_Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) environment[key] = value;
        // BENCH_HOST_X=v in this process's environment becomes X=v in the host's (e.g. BENCH_HOST_DOTNET_PerfMapEnabled=1 for perf).
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
            if (variable.Key is string name && name.StartsWith("BENCH_HOST_", StringComparison.Ordinal))
                environment[name["BENCH_HOST_".Length..]] = variable.Value as string ?? "";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the host.");
        // Keep its console drained (it would block on a full pipe); warnings and errors are echoed.
        process.OutputDataReceived += (_, e) => Echo(e.Data);
        process.ErrorDataReceived += (_, e) => Echo(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, grpcPort, webPort);
        Console.Error.WriteLine($"  host process {process.Id} on ports {grpcPort} (gRPC) and {webPort} (gRPC-Web)");
        await host.WaitUntilServingAsync();
        return host;
    }

    private static void Echo(string? line)
    {
        if (line is null) return;
        if (line.Contains("warn:", StringComparison.Ordinal) || line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal))
            Console.Error.WriteLine($"  [host] {line}");
        else if (line.StartsWith("      ", StringComparison.Ordinal) && Bench.Verbose)
            Console.Error.WriteLine($"  [host] {line}");
    }

    private async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var client = new ImportService.ImportServiceClient(Bench.Channel(GrpcPort, GrpcWebPort, PosHostFixture.Supervisor(1)));
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The host exited with {_process.ExitCode} while starting.");
            try
            {
                await client.ListImportJobsAsync(new ListImportJobsRequest { ClientId = 1, PageSize = 1 }, deadline: DateTime.UtcNow.AddSeconds(5));
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
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

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _sampler;
        if (!_process.HasExited)
        {
            // SIGTERM: the host shuts down gracefully (as in production); killed if it takes too long.
            Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            try { await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20)); }
            catch (TimeoutException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
        _stop.Dispose();
    }
}
