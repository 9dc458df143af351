namespace Pos.Grpc.Providers;

/// <summary>
/// A POS could not be read. <see cref="Reason"/> is stable (callers and support see it), the message is plain words
/// without transport details (those go to the log with the inner exception).
/// </summary>
public sealed class PosProviderException(string reason, string message, bool permanent, Exception? inner = null, bool needsReauthorization = false)
    : Exception(message, inner)
{
    /// <summary>Machine-readable reason, e.g. "LIGHTSPEED_REAUTHORIZATION_REQUIRED".</summary>
    public string Reason { get; } = reason;

    /// <summary>Retrying will not help (the connection lost its authorisation, access is refused).</summary>
    public bool Permanent { get; } = permanent;

    /// <summary>The connection's refresh failed for good: the client must authorise again.</summary>
    public bool NeedsReauthorization { get; } = needsReauthorization;
}
