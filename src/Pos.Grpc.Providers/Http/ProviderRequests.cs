using System.Text.Json;

namespace Pos.Grpc.Providers;

/// <summary>What every provider's request runner shares: the engine's admission place, and the words of its log lines.</summary>
public static class ProviderRequests
{
    /// <summary>
    /// A request that goes out within this of its pacing turn is the start its turn counted; one held longer (waiting
    /// for its admission place) has its turn confirmed again by its pacer when it goes.
    /// </summary>
    public static readonly TimeSpan SameStart = TimeSpan.FromMilliseconds(20);

    /// <summary>Gives the engine's admission place back (once: a later call does nothing).</summary>
    public static void Leave(ref IDisposable? admitted)
    {
        admitted?.Dispose();
        admitted = null;
    }

    /// <summary>The path of a request's URL, for a log line (no query: it may carry tokens or cursors).</summary>
    public static string PathOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;

    /// <summary>A transport failure in words, for the log line of a request that will be retried or given up.</summary>
    public static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "timed out",
        JsonException => "malformed JSON: " + e.Message,
        _ => e.GetType().Name + ": " + e.Message,
    };
}
