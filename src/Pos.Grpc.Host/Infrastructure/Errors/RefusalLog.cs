using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Pos.Grpc.Host.Infrastructure.Errors;

public sealed class RefusalLogOptions
{
    public const string Section = "Refusals";

    /// <summary>How often the refusals of each caller are written, as one line with their count.</summary>
    public TimeSpan LogInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Callers tallied one by one per interval; refusals of further callers are counted together.</summary>
    public int MaxCallers { get; set; } = 1000;
}

/// <summary>
/// Refused calls (bad input, unknown ids, rate limits, unreadable messages) are the caller's business, not the
/// service's: logging each one lets a single caller write the log full (one token wrote 212 MB in 20 s). They are
/// tallied per caller instead and written once per <see cref="RefusalLogOptions.LogInterval"/>: one line per caller
/// with the count, the reasons and the last refusal. Internal errors are not refusals: they are logged at once.
/// </summary>
public sealed class RefusalLog(IOptions<RefusalLogOptions> options, ILogger<RefusalLog> logger) : BackgroundService
{
    public const string OtherCallers = "other callers";

    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    public void Record(string caller, string method, StatusCode code, string reason, string message)
    {
        if (!_tallies.ContainsKey(caller) && _tallies.Count >= options.Value.MaxCallers) caller = OtherCallers;
        // A tally being flushed takes no more refusals: the next attempt starts a new one.
        while (!_tallies.GetOrAdd(caller, _ => new Tally()).TryAdd(method, code, reason, message)) { }
    }

    /// <summary>Writes one line per caller refused since the last flush, and starts counting again.</summary>
    public void Flush()
    {
        foreach (var caller in _tallies.Keys)
        {
            if (!_tallies.TryRemove(caller, out var tally)) continue;
            var (count, reasons, last) = tally.Read();
            logger.LogInformation("Refused {Count} call(s) of {Caller} ({Reasons}); the last: {Method} {Code} {Message}",
                count, caller, reasons, last.Method, last.Code, last.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LogInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Flush();
        }
        catch (OperationCanceledException)
        {
        }
        Flush();
    }

    private sealed record Refusal(string Method, StatusCode Code, string Message);

    private sealed class Tally
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, int> _byReason = new(StringComparer.Ordinal);
        private int _count;
        private bool _closed;
        private Refusal _last = new("", StatusCode.OK, "");

        public bool TryAdd(string method, StatusCode code, string reason, string message)
        {
            lock (_lock)
            {
                if (_closed) return false;
                _count++;
                // Reasons are a fixed set of constants, so this stays small whatever a caller sends.
                _byReason[reason] = _byReason.GetValueOrDefault(reason) + 1;
                _last = new Refusal(method, code, message);
                return true;
            }
        }

        public (int Count, string Reasons, Refusal Last) Read()
        {
            lock (_lock)
            {
                _closed = true;
                return (_count, string.Join(", ", _byReason.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}")), _last);
            }
        }
    }
}
