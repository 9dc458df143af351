using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Features.Imports.Service;
using Pos.Grpc.Host.Engine.Progress;
using Pos.Grpc.Host.Infrastructure.Operations;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.Imports.Service;

/// <summary>
/// One WatchImportJob stream: the snapshot, then a message per change (notifications arriving faster than
/// <see cref="ImportWatchOptions.MinUpdateInterval"/> are coalesced into one read), a heartbeat after
/// <see cref="ImportWatchOptions.HeartbeatInterval"/> of silence, and the end after the terminal state.
/// A heartbeat re-reads too, so a missed notification delays a change by one heartbeat at most.
/// Reads are shared with the other streams of the job (<see cref="ImportJobSnapshots"/>): a stream asks for a
/// read that started after the notification that woke it, so it never sends an older state than it was told of.
/// The stream only reads: a watcher that leaves changes nothing.
/// When the instance shuts down, the stream ends with UNAVAILABLE once readiness has been down for the drain delay
/// (<see cref="ShutdownDrain.StreamsEnd"/>; the job goes on elsewhere, the client reconnects). Without this, the server's graceful stop would wait for every open stream, which lasts until the job
/// ends: the instance would keep importing instead of handing the job over, and could be killed before releasing it.
/// </summary>
public sealed class ImportJobWatcher(
    ImportJobSnapshots snapshots, ImportProgressHub hub, IOptions<ImportWatchOptions> options, ShutdownDrain shutdown)
{
    /// <param name="signal">Subscribed before <paramref name="job"/> was read, so no change after the snapshot is missed.</param>
    public async Task WatchAsync(ImportJobEntity job, ImportSignal signal, IServerStreamWriter<WatchImportJobResponse> stream,
        CancellationToken cancellationToken)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.StreamsEnd);
        try
        {
            await StreamAsync(job, signal, stream, watching.Token);
        }
        catch (OperationCanceledException) when (shutdown.StreamsEnd.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new UnavailableException("SERVER_SHUTTING_DOWN",
                "This server is shutting down; the job goes on. Reconnect to keep watching it.");
        }
    }

    private async Task StreamAsync(ImportJobEntity job, ImportSignal signal, IServerStreamWriter<WatchImportJobResponse> stream,
        CancellationToken cancellationToken)
    {
        var heartbeat = options.Value.HeartbeatInterval;
        var minInterval = options.Value.MinUpdateInterval;
        var sinceSent = Stopwatch.StartNew();
        // Any read that started after the subscription is at least as fresh as the row the caller checked access on.
        var first = await snapshots.GetAsync(job.Id, signal.SubscribedAt, cancellationToken);
        if (first is null) return;
        job = first.Job;
        await SendAsync(first.Message, heartbeat: false);

        while (!ImportStates.IsTerminal(job.State))
        {
            var signalled = await signal.WaitAsync(heartbeat - sinceSent.Elapsed, cancellationToken);
            if (signalled && sinceSent.Elapsed < minInterval)
            {
                await Task.Delay(minInterval - sinceSent.Elapsed, cancellationToken);
                signal.Clear();
            }
            // Fresh enough: started after the last change notification; for a heartbeat also at most minInterval old.
            var notBefore = hub.LastChangeOf(job.Id);
            if (!signalled) notBefore = Math.Max(notBefore, Stopwatch.GetTimestamp() - (long)(minInterval.TotalSeconds * Stopwatch.Frequency));
            var current = await snapshots.GetAsync(job.Id, notBefore, cancellationToken);
            if (current is null) return;
            if (current.Job.ProgressVersion != job.ProgressVersion)
                await SendAsync(current.Message, heartbeat: false);
            else if (sinceSent.Elapsed >= heartbeat)
                await SendAsync(current.Message, heartbeat: true);
            job = current.Job;
        }

        async Task SendAsync(ImportJob message, bool heartbeat)
        {
            await stream.WriteAsync(new WatchImportJobResponse { Job = message, Heartbeat = heartbeat }, cancellationToken);
            sinceSent.Restart();
        }
    }
}
