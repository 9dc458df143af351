using System.Diagnostics;
using System.Text;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using System.Globalization;

namespace Pos.Grpc.Tests.Infrastructure;

/// <summary>
/// The host as a separate OS process (the apphost built next to the test binaries), configured only through
/// POS_-prefixed environment variables, as in production. Fault tests need a real process: only a process can be
/// killed with SIGKILL halfway through a write, or stopped by SIGTERM with its streams open.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _logs = new();
    private readonly List<GrpcChannel> _channels = [];

    private HostProcess(string name, IReadOnlyDictionary<string, string?> settings, Process process, int grpcPort, int grpcWebPort, int operationsPort)
    {
        OperationsPort = operationsPort;
        Name = name;
        Settings = settings;
        _process = process;
        GrpcPort = grpcPort;
        GrpcWebPort = grpcWebPort;
    }

    public string Name { get; }

    /// <summary>The configuration the process was given (besides its ports).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public int ProcessId => _process.Id;
    public int GrpcPort { get; }
    public int GrpcWebPort { get; }
    /// <summary>Prometheus' /metrics and the HTTP probes.</summary>
    public int OperationsPort { get; }
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far, one log line per line.</summary>
    public string Logs
    {
        get { lock (_logs) return _logs.ToString(); }
    }

    /// <summary>
    /// Starts the host with <paramref name="settings"/> (configuration keys such as "Imports:Engine:Slots", turned into
    /// POS_Imports__Workers__Slots) on three free ports, and returns once its health check answers SERVING. A port found
    /// free can be taken before the host binds it, so a start that dies early is retried on other ports.
    /// <paramref name="environment"/> adds raw environment variables (e.g. DOTNET_ ones for a profiler).
    /// </summary>
    public static async Task<HostProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var host = Launch(name, settings, environment ?? new Dictionary<string, string>(), PostgresServer.FreeTcpPort(), PostgresServer.FreeTcpPort(),
                PostgresServer.FreeTcpPort());
            try
            {
                await host.WaitUntilServingAsync();
                return host;
            }
            catch (HostExitedException) when (attempt < 3 && host.Logs.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await host.DisposeAsync();
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }
        }
    }

    private static HostProcess Launch(string name, IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string> environment,
        int grpcPort, int grpcWebPort, int operationsPort)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Pos.Grpc.Host"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        // Nothing of the test process's own POS_ configuration may leak in: the host gets exactly what the test gives.
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("POS_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(inherited);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Readable logs for the test output (production's default is JSON).
        info.Environment["POS_Logging__Console__FormatterName"] = "simple";
        info.Environment["POS_Logging__Console__FormatterOptions__SingleLine"] = "true";
        info.Environment["POS_Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in settings)
            info.Environment["POS_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.Environment["POS_Ports__BindAddress"] = "127.0.0.1";
        info.Environment["POS_Ports__GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["POS_Ports__GrpcWebPort"] = grpcWebPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["POS_Ports__OperationsPort"] = operationsPort.ToString(CultureInfo.InvariantCulture);

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new HostProcess(name, settings, process, grpcPort, grpcWebPort, operationsPort);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_logs) _logs.AppendLine(line);
    }

    private async Task WaitUntilServingAsync()
    {
        var health = new Health.HealthClient(Channel(null));
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process.HasExited) throw new HostExitedException($"Host process {Name} exited ({_process.ExitCode}) while starting:\n{Logs}");
            try
            {
                var response = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
            }
            catch (RpcException)
            {
                // Not listening yet, or the database check not yet green.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Host process {Name} was not SERVING within {StartTimeout}:\n{Logs}");
            await Task.Delay(100);
        }
    }

    /// <summary>A native gRPC channel to this process, sending <paramref name="bearerToken"/> when given.</summary>
    public GrpcChannel Channel(string? bearerToken)
    {
        var channel = PosHostFixture.CreateChannel(GrpcPort, bearerToken);
        lock (_channels) _channels.Add(channel);
        return channel;
    }

    public TClient Client<TClient>(string? bearerToken) where TClient : class =>
        (TClient)Activator.CreateInstance(typeof(TClient), Channel(bearerToken))!;

    /// <summary>Waits until the logs contain <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Logs.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Host process {Name} never logged \"{text}\":\n{Logs}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: the process ends at once, whatever it was doing (no grace, no lease released).</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator stops an instance: the host shuts down gracefully. Returns at once.</summary>
    public async Task SendSigtermAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-TERM {_process.Id}") { RedirectStandardError = true })
            ?? throw new InvalidOperationException("Could not run kill.");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed: {await kill.StandardError.ReadToEndAsync()}");
    }

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        // The asynchronous readers may still hold the last lines: this waits for them too.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_channels)
        {
            foreach (var channel in _channels) channel.Dispose();
            _channels.Clear();
        }
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        _process.Dispose();
    }

    private sealed class HostExitedException(string message) : Exception(message);
}
