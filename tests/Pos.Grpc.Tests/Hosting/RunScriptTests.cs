using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Tests.Hosting;

/// <summary>
/// scripts/run.sh as a user runs it, on ports and a data directory of its own (POS_DATA_DIR), so it never meets a
/// developer's running copy: one line per step, SIGTERM stops everything it started, a busy port is one line naming
/// the setting that moves it.
/// </summary>
public sealed class RunScriptTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"pos-run-sh-{Guid.NewGuid():N}");
    private readonly Dictionary<string, int> _ports = new()
    {
        ["POS_Ports__GrpcPort"] = PostgresServer.FreeTcpPort(),
        ["POS_Ports__GrpcWebPort"] = PostgresServer.FreeTcpPort(),
        ["POS_Ports__OperationsPort"] = PostgresServer.FreeTcpPort(),
        ["POS_SANDBOX_PORT"] = PostgresServer.FreeTcpPort(),
        ["POS_LOCAL_PG_PORT"] = PostgresServer.FreeTcpPort(),
    };

    private sealed class RunScript(Process process, StringBuilder output) : IDisposable
    {
        public Process Process => process;

        public string Output
        {
            get { lock (output) return output.ToString(); }
        }

        public async Task WaitForOutputAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (process.HasExited) Assert.Fail($"run.sh ended ({process.ExitCode}) before printing \"{text}\":\n{Output}");
                Assert.True(DateTime.UtcNow < deadline, $"run.sh did not print \"{text}\" within {timeout}:\n{Output}");
                await Task.Delay(200);
            }
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
            process.WaitForExit(); // the asynchronous readers' last lines
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                Signal("TERM");
                if (!process.WaitForExit(TimeSpan.FromSeconds(60))) process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }

        public void Signal(string signal)
        {
            using var kill = Process.Start("kill", $"-{signal} {process.Id}");
            kill?.WaitForExit();
        }
    }

    private RunScript Start()
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ReadmeWalkthroughTests.RepositoryRoot(),
        };
        info.ArgumentList.Add("scripts/run.sh");
        // Only what a user's shell would have: no POS_ setting of the test run, no environment name, no MSBuild state.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("POS_", StringComparison.Ordinal)
                     || k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k == "ASPNETCORE_ENVIRONMENT").ToList())
            info.Environment.Remove(name);
        info.Environment["POS_DATA_DIR"] = _dataDirectory;
        foreach (var (name, port) in _ports) info.Environment[name] = port.ToString(CultureInfo.InvariantCulture);
        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RunScript(process, output);
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Sigterm_StopsTheHostTheSandboxAndThePostgresItStarted_AfterOneLinePerStep()
    {
        using var run = Start();
        await run.WaitForOutputAsync("Pos.Grpc is running", TimeSpan.FromMinutes(5));
        var started = run.Output;
        Assert.All(_ports.Values, port => Assert.True(Listening(port), $"port {port} not listening:\n{started}"));
        foreach (var step in new[]
                 {
                     "Building the host and the Lightspeed sandbox (Release)... done (",
                     "Creating a PostgreSQL cluster in ", $"Starting PostgreSQL on 127.0.0.1:{_ports["POS_LOCAL_PG_PORT"]} ",
                     "Applying the database migrations... done (",
                     $"Starting the Lightspeed sandbox on http://127.0.0.1:{_ports["POS_SANDBOX_PORT"]} ",
                     "Starting the host (its log follows)...",
                     "stops the host, the Lightspeed sandbox and PostgreSQL",
                 })
            Assert.Contains(step, started);

        run.Signal("TERM");

        Assert.Equal(143, await run.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.All(_ports, p => Assert.False(Listening(p.Value), $"{p.Key} {p.Value} still listening after SIGTERM:\n{run.Output}"));
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "postgres", "postmaster.pid")), run.Output);
        Assert.Contains("Stopped. The data stays in ", run.Output);
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "lightspeed-sandbox", "r-series-oauth.json")), run.Output);
    }

    [Theory]
    [InlineData("POS_Ports__GrpcPort")]
    [InlineData("POS_Ports__GrpcWebPort")]
    [InlineData("POS_Ports__OperationsPort")]
    [InlineData("POS_SANDBOX_PORT")]
    [InlineData("POS_LOCAL_PG_PORT")]
    public async Task BusyPort_IsOneLineNamingTheSettingThatMovesIt(string setting)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        _ports[setting] = ((IPEndPoint)holder.LocalEndpoint).Port;

        using var run = Start();

        Assert.Equal(1, await run.WaitForExitAsync(TimeSpan.FromMinutes(5)));
        // The one line (prerequisites.sh may say before it that it installs something a pull added).
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"Port {_ports[setting]} is already in use (another scripts/run.sh?); choose another with {setting}=<port>.",
            Assert.Single(lines, line => line.Contains("in use", StringComparison.Ordinal)));
        Assert.All(lines, line => Assert.StartsWith(line.StartsWith("Installing ", StringComparison.Ordinal) ? "Installing " : "Port ", line));
        Assert.False(Directory.Exists(Path.Combine(_dataDirectory, "postgres")), "nothing is started when a port is busy");
    }

    public void Dispose()
    {
        var postgres = Path.Combine(_dataDirectory, "postgres");
        if (File.Exists(Path.Combine(postgres, "postmaster.pid")))
        {
            // Only after a failed test: the script did not stop its PostgreSQL.
            var info = Environment.UserName == "root"
                ? new ProcessStartInfo("runuser", $"-u postgres -- pg_ctl -D {postgres} -m immediate -w stop")
                : new ProcessStartInfo("pg_ctl", $"-D {postgres} -m immediate -w stop");
            using var stop = Process.Start(info);
            stop?.WaitForExit();
        }
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }
}
