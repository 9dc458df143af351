using System.Threading.Channels;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Infrastructure.Notifications;

namespace Pos.Grpc.Host.Engine.Progress;

/// <summary>
/// In-process fan-out of the import notifications that <see cref="PostgresNotificationListener"/> receives on the
/// instance's one LISTEN connection: each watcher subscribes to its job, the lane scheduler to "work was queued", each
/// running lane to "work was queued on my account".
/// A signal carries no data: the subscriber re-reads the row, so signals that arrive before it reads are
/// coalesced into one (a subscription holds at most one pending signal).
/// </summary>
public sealed class ImportProgressHub : INotificationHandler
{
    public IReadOnlyList<string> Channels { get; } = [ImportNotifications.ProgressChannel, ImportNotifications.QueuedChannel];

    public void OnNotification(string channel, string payload)
    {
        if (channel == ImportNotifications.QueuedChannel) PublishQueued(ImportNotifications.AccountsOf(payload));
        else if (Guid.TryParse(payload, out var jobId)) PublishJobChanged(jobId);
    }

    /// <summary>Notifications may have been lost while the listener was away: every subscriber re-reads.</summary>
    public void OnListening() => PublishAll();

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, HashSet<ImportSignal>> _byJob = [];
    private readonly Dictionary<Guid, long> _lastChange = [];
    private readonly HashSet<ImportSignal> _queued = [];
    private readonly Dictionary<string, HashSet<ImportSignal>> _byAccount = new(StringComparer.Ordinal);

    public ImportSignal SubscribeToJob(Guid jobId)
    {
        var signal = new ImportSignal(s => Remove(jobId, s));
        lock (_gate)
        {
            if (!_byJob.TryGetValue(jobId, out var set)) _byJob[jobId] = set = [];
            set.Add(signal);
        }
        return signal;
    }

    /// <summary>Work was queued for any account (the lane scheduler claims it).</summary>
    public ImportSignal SubscribeToQueued()
    {
        var signal = new ImportSignal(s => { lock (_gate) _queued.Remove(s); });
        lock (_gate) _queued.Add(signal);
        return signal;
    }

    /// <summary>Work was queued for this account (its running lane starts it).</summary>
    public ImportSignal SubscribeToAccount(string accountKey)
    {
        var signal = new ImportSignal(s =>
        {
            lock (_gate)
                if (_byAccount.TryGetValue(accountKey, out var set) && set.Remove(s) && set.Count == 0) _byAccount.Remove(accountKey);
        });
        lock (_gate)
        {
            if (!_byAccount.TryGetValue(accountKey, out var set)) _byAccount[accountKey] = set = [];
            set.Add(signal);
        }
        return signal;
    }

    /// <summary>
    /// When (Stopwatch timestamp) the last change notification of a watched job arrived; 0 when none since it is
    /// watched. A read of the job that starts after this instant shows that change.
    /// </summary>
    public long LastChangeOf(Guid jobId)
    {
        lock (_gate) return _lastChange.GetValueOrDefault(jobId);
    }

    public void PublishJobChanged(Guid jobId)
    {
        ImportSignal[] targets;
        lock (_gate)
        {
            targets = _byJob.TryGetValue(jobId, out var set) ? [.. set] : [];
            if (targets.Length > 0) _lastChange[jobId] = System.Diagnostics.Stopwatch.GetTimestamp();
        }
        foreach (var signal in targets) signal.Set();
    }

    /// <summary>Wakes the lane scheduler, and the lanes of <paramref name="accountKeys"/> (null: every lane).</summary>
    public void PublishQueued(IReadOnlyList<string>? accountKeys = null)
    {
        ImportSignal[] targets;
        lock (_gate)
            targets = accountKeys is null
                ? [.. _queued, .. _byAccount.Values.SelectMany(s => s)]
                : [.. _queued, .. accountKeys.SelectMany(k => _byAccount.GetValueOrDefault(k) ?? [])];
        foreach (var signal in targets) signal.Set();
    }

    /// <summary>After the listener (re)connects: notifications may have been missed, so everyone re-reads.</summary>
    public void PublishAll()
    {
        ImportSignal[] targets;
        lock (_gate)
        {
            targets = [.. _byJob.Values.SelectMany(s => s), .. _queued, .. _byAccount.Values.SelectMany(s => s)];
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            foreach (var jobId in _byJob.Keys) _lastChange[jobId] = now;
        }
        foreach (var signal in targets) signal.Set();
    }

    private void Remove(Guid jobId, ImportSignal signal)
    {
        lock (_gate)
        {
            if (_byJob.TryGetValue(jobId, out var set) && set.Remove(signal) && set.Count == 0)
            {
                _byJob.Remove(jobId);
                _lastChange.Remove(jobId);
            }
        }
    }
}

/// <summary>A coalescing signal: any number of <see cref="Set"/> calls before a wait make one wake-up.</summary>
public sealed class ImportSignal(Action<ImportSignal> unsubscribe) : IDisposable
{
    /// <summary>When (Stopwatch timestamp) the subscription began: a read started after it misses no change since.</summary>
    public long SubscribedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    internal void Set() => _channel.Writer.TryWrite(true);

    /// <summary>True when signalled within <paramref name="timeout"/> (the signal is consumed); false on timeout.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _)) return true;
        if (timeout <= TimeSpan.Zero) return false;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _channel.Reader.WaitToReadAsync(timer.Token);
            return _channel.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Drops a signal that arrived meanwhile: the caller is about to read the current state anyway.</summary>
    public void Clear() => _channel.Reader.TryRead(out _);

    public void Dispose() => unsubscribe(this);
}
