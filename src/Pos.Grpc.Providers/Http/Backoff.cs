using System.Text.Json;

namespace Pos.Grpc.Providers;

/// <summary>A provider's retry delays: the first one, doubled per attempt up to the last.</summary>
public interface IBackoffSettings
{
    TimeSpan InitialBackoff { get; }

    TimeSpan MaxBackoff { get; }
}

/// <summary>Jittered exponential backoff and the single definition of "worth retrying", for every provider's requests.</summary>
public static class Backoff
{
    /// <summary>
    /// Transport-level failures that a retry may cure: cut connections, our own per-request timeout,
    /// and bodies that are not JSON (a truncated or garbled page). The caller's cancellation is never transient.
    /// </summary>
    public static bool IsTransient(Exception e, CancellationToken callerToken) => e switch
    {
        _ when callerToken.IsCancellationRequested => false,
        HttpRequestException or IOException or JsonException => true,
        OperationCanceledException => true, // our timeout fired, not the caller's token
        _ => false,
    };

    /// <summary>Full jitter: a random delay between half and all of min(max, initial * 2^attempt).</summary>
    public static TimeSpan Delay(IBackoffSettings settings, int attempt)
    {
        var ceiling = Math.Min(settings.MaxBackoff.TotalMilliseconds,
            settings.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble() * 0.5));
    }

    public static Task DelayAsync(IBackoffSettings settings, int attempt, CancellationToken ct) =>
        Task.Delay(Delay(settings, attempt), ct);
}
