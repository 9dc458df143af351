using System.Diagnostics;
using Grpc.Core;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Benchmarks;

/// <summary>
/// watch-streams: many WatchImportJob streams on one running job, half native gRPC and half gRPC-Web (text),
/// against the out-of-process host. Every stream must see the terminal state; the host's extra RSS is reported.
/// The job is kept running long enough by the simulator's bucket (time-scaled), so it changes a few times a second.
/// </summary>
public static class WatchStreams
{
    private sealed class StreamResult
    {
        public int Messages;
        public int Heartbeats;
        public bool GotSnapshot;
        public ImportJobState LastState;
        public string? Error;
    }

    public static async Task RunAsync(Options options)
    {
        var streams = options.Int("--streams", 1000);
        var days = options.Int("--days", 400);
        var timeScale = options.Double("--time-scale", 8);
        var layout = new Layout(1, 1, 1, options.Int("--sales", 40));
        var (from, until) = BenchEnvironment.Range(days);
        var machine = Bench.Machine();
        Console.Error.WriteLine($"Starting PostgreSQL, the simulator (real bucket × {timeScale}) and the host process...");
        await using var env = await BenchEnvironment.StartAsync(BenchEnvironment.Simulator(days + 10, rateLimit: true, timeScale), layout);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var idle = env.Host.RssMb;

        var job = await env.StartImportAsync(layout.Departments.Select(d => d.DepartmentId), from, until);
        var imports = env.Imports();
        while ((await imports.GetImportJobAsync(new GetImportJobRequest { JobId = job.JobId })).Job.State != ImportJobState.Running)
            await Task.Delay(100);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = await SteadyRssAsync(env.Host, TimeSpan.FromSeconds(2));
        Console.Error.WriteLine($"Job running; host RSS {before:N0} MB. Opening {streams} streams...");

        var token = PosHostFixture.Supervisor(BenchEnvironment.ClientId);
        // Native: a few HTTP/2 channels (each opens more connections past 100 streams). gRPC-Web over HTTP/1.1: one connection per stream.
        var native = Enumerable.Range(0, 4).Select(_ => new ImportService.ImportServiceClient(env.Channel(token))).ToArray();
        var web = new ImportService.ImportServiceClient(env.Channel(token, Transport.GrpcWebText));
        var results = Enumerable.Range(0, streams).Select(_ => new StreamResult()).ToArray();
        var opened = Stopwatch.StartNew();
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var tasks = Enumerable.Range(0, streams).Select(i => WatchAsync(i % 2 == 0 ? native[i / 2 % native.Length] : web, job.JobId, results[i], giveUp.Token)).ToList();

        while (results.Count(r => r.GotSnapshot || r.Error is not null) < streams && !giveUp.IsCancellationRequested)
            await Task.Delay(100);
        var allOpen = opened.Elapsed;
        var state = (await imports.GetImportJobAsync(new GetImportJobRequest { JobId = job.JobId })).Job;
        var stillRunning = state.State == ImportJobState.Running;
        env.Host.ResetPeak();
        // RSS while every stream is open and the job runs (it changes several times a second, so every stream is fed).
        var streaming = new List<double>();
        while (!giveUp.IsCancellationRequested)
        {
            streaming.Add(env.Host.RssMb);
            await Task.Delay(200);
            if (tasks.All(t => t.IsCompleted)) break;
            var now = (await imports.GetImportJobAsync(new GetImportJobRequest { JobId = job.JobId })).Job;
            if (now.State != ImportJobState.Running) break;
        }
        var with = streaming.Average();
        Console.Error.WriteLine($"{results.Count(r => r.GotSnapshot)} streams had their snapshot after {allOpen.TotalSeconds:N1} s " +
            $"(job {state.Progress.DepartmentDaysDone}/{state.Progress.DepartmentDaysTotal} then); average host RSS while streaming {with:N0} MB. Waiting for the streams to end...");
        await Task.WhenAll(tasks);
        var peakWhileStreaming = env.Host.PeakRssMb;
        var final = (await imports.GetImportJobAsync(new GetImportJobRequest { JobId = job.JobId })).Job;

        var nativeResults = results.Where((_, i) => i % 2 == 0).ToList();
        var webResults = results.Where((_, i) => i % 2 == 1).ToList();
        Console.WriteLine();
        Console.WriteLine($"### watch-streams ({machine})");
        Console.WriteLine();
        Console.WriteLine($"One job ({days} department-days, 1 page each, simulator bucket × {timeScale}: it changes several times a second), " +
            $"{streams} WatchImportJob streams opened while it ran; the host is its own process.");
        Console.WriteLine();
        Console.WriteLine("| transport | streams | got the snapshot | saw the terminal state | errors | messages (avg per stream) | heartbeats |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, group) in new[] { ("native gRPC (HTTP/2)", nativeResults), ("gRPC-Web text (HTTP/1.1)", webResults) })
            Console.WriteLine($"| {name} | {group.Count} | {group.Count(r => r.GotSnapshot)} | {group.Count(r => IsTerminal(r.LastState))} | " +
                $"{group.Count(r => r.Error is not null)} | {Bench.F(group.Average(r => r.Messages), 1)} | {group.Sum(r => r.Heartbeats)} |");
        Console.WriteLine();
        Console.WriteLine("| host RSS | MB |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine($"| idle, before the job | {Bench.F(idle)} |");
        Console.WriteLine($"| job running, no stream (before) | {Bench.F(before)} |");
        Console.WriteLine($"| job running, {streams} streams open: average over {streaming.Count * 0.2:N0} s (with) | {Bench.F(with)} |");
        Console.WriteLine($"| peak from then until every stream ended | {Bench.F(peakWhileStreaming)} |");
        Console.WriteLine();
        foreach (var error in results.Where(r => r.Error is not null).Select(r => r.Error).Distinct().Take(5)) Console.WriteLine($"Error seen: {error}");
        var extra = with - before;
        var terminal = results.Count(r => IsTerminal(r.LastState));
        Console.WriteLine($"Job {final.State}; all streams open after {allOpen.TotalSeconds:N1} s, job still running then: {stillRunning}.");
        Console.WriteLine($"Streams that saw the terminal state: {terminal}/{streams} (target all): {Bench.Verdict(terminal == streams)}");
        Console.WriteLine($"Extra host memory with {streams} streams: {extra:N0} MB (target < 100 MB): {Bench.Verdict(extra < 100)}; " +
            $"peak over 'before': {peakWhileStreaming - before:N0} MB");
    }

    private static bool IsTerminal(ImportJobState state) =>
        state is ImportJobState.Succeeded or ImportJobState.Failed or ImportJobState.Cancelled;

    private static async Task WatchAsync(ImportService.ImportServiceClient client, string jobId, StreamResult result, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            using var call = client.WatchImportJob(new WatchImportJobRequest { JobId = jobId }, cancellationToken: cancellationToken);
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                result.Messages++;
                if (message.Heartbeat) result.Heartbeats++;
                result.LastState = message.Job.State;
                result.GotSnapshot = true;
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or HttpRequestException)
        {
            result.Error = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.GetType().Name + ": " + e.Message;
        }
    }

    /// <summary>Average RSS over a short while (the GC makes single readings jumpy).</summary>
    private static async Task<double> SteadyRssAsync(MeasuredHost host, TimeSpan over)
    {
        var readings = new List<double>();
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < over)
        {
            readings.Add(host.RssMb);
            await Task.Delay(100);
        }
        return readings.Average();
    }
}
