using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Benchmarks;

/// <summary>One RPC as the caller saw it: which, when (seconds since the caller started), how long from send to answer.</summary>
public sealed record RpcCall(string Kind, double At, double Ms);

/// <summary>
/// A caller of the service while something else loads it: every 100 ms one of StartImport (a day of its client, a new
/// request id each time), GetGeneralSettings and GetImportJob, timed from send to answer. It runs as a process of its
/// own (the `rpc-caller` subcommand), so its timings are not the benchmark process's: that process also serves the
/// simulator, whose thread pool is as busy as the fleet makes it.
/// </summary>
public static class RpcCaller
{
    /// <summary>The subcommand: calls until its standard input closes, one line "kind ms" per timed call.</summary>
    public static async Task RunAsync(Options options)
    {
        var grpcPort = options.Int("--grpc-port", 0);
        var grpcWebPort = options.Int("--grpc-web-port", 0);
        var clientId = options.Int("--client", 0);
        var untimedFirst = options.Flag("--untimed-first");
        var daysAgo = options.Int("--days-ago", 20);
        using var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is not null) { }
            await stop.CancelAsync();
        });
        await CallAsync(grpcPort, grpcWebPort, clientId, daysAgo, untimedFirst,
            call => Console.Out.WriteLine(FormattableString.Invariant($"{call.Kind} {call.At:0.000} {call.Ms:0.000}")), stop.Token);
        await Console.Out.FlushAsync();
    }

    /// <summary>The caller as a child process of this tool; <see cref="Running.StopAsync"/> ends it and returns its calls.</summary>
    public static Running Start(MeasuredHost host, long clientId, int daysAgo, bool untimedFirst)
    {
        var self = Environment.ProcessPath!;
        var arguments = $"rpc-caller --grpc-port {host.GrpcPort} --grpc-web-port {host.GrpcWebPort} --client {clientId} --days-ago {daysAgo}"
            + (untimedFirst ? " --untimed-first" : "");
        // Run through `dotnet` (dotnet run, dotnet <dll>) or as the apphost.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") arguments = $"\"{typeof(RpcCaller).Assembly.Location}\" {arguments}";
        var process = Process.Start(new ProcessStartInfo(self, arguments)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        return new Running(process);
    }

    public sealed class Running(Process process)
    {
        private readonly Task<string> _output = process.StandardOutput.ReadToEndAsync();
        private readonly Task<string> _errors = process.StandardError.ReadToEndAsync();

        public async Task<IReadOnlyList<RpcCall>> StopAsync()
        {
            process.StandardInput.Close();
            await process.WaitForExitAsync();
            var errors = await _errors;
            if (errors.Contains("RPC failed", StringComparison.Ordinal)) Console.Error.Write(errors);
            return (await _output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .Where(parts => parts.Length == 3)
                .Select(parts => new RpcCall(parts[0], double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture)))
                .ToList();
        }
    }

    private static async Task CallAsync(int grpcPort, int grpcWebPort, long caller, int daysAgo, bool untimedFirst, Action<RpcCall> record,
        CancellationToken stop)
    {
        using var channel = Bench.Channel(grpcPort, grpcWebPort, PosHostFixture.Supervisor(caller));
        var imports = new ImportService.ImportServiceClient(channel);
        var settings = new SettingsService.SettingsServiceClient(channel);
        string? jobId = null;
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-daysAgo);
        var started = Stopwatch.StartNew();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var at = started.Elapsed.TotalSeconds;
            var watch = Stopwatch.StartNew();
            try
            {
                string kind;
                switch (i % 3)
                {
                    case 0:
                        kind = "StartImport";
                        // A day of its own each time, whatever the answer (an earlier caller may still hold one).
                        day = day.AddDays(-1);
                        var job = (await imports.StartImportAsync(new StartImportRequest
                        {
                            ClientId = caller, DepartmentIds = { caller * 100 + 1 }, FromDate = Dates.ToWire(day), UntilDate = Dates.ToWire(day),
                            RequestId = Guid.NewGuid().ToString(),
                        }, cancellationToken: stop)).Job;
                        jobId = job.JobId;
                        break;
                    case 1:
                        kind = "GetGeneralSettings";
                        await settings.GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = caller }, cancellationToken: stop);
                        break;
                    default:
                        kind = "GetImportJob";
                        if (jobId is not null) await imports.GetImportJobAsync(new GetImportJobRequest { JobId = jobId }, cancellationToken: stop);
                        break;
                }
                // The first of each kind pays for the host's just-in-time compilation of that path, which load has nothing to do with.
                if (i >= 3 || !untimedFirst) record(new RpcCall(kind, at, watch.Elapsed.TotalMilliseconds));
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Cancelled || stop.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e)
            {
                await Console.Error.WriteLineAsync($"  RPC failed: {e.Status}");
            }
            try { await Task.Delay(100, stop); } catch (OperationCanceledException) { return; }
        }
    }
}
