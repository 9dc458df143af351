namespace Pos.Grpc.Client;

/// <summary>How the Pos.Grpc clients reach the host. Set with <c>services.AddPosGrpcClient(options => ...)</c>.</summary>
public sealed class PosGrpcClientOptions
{
    /// <summary>The native gRPC (HTTP/2) address, e.g. <c>http://127.0.0.1:5080</c>. Used unless <see cref="GrpcWebAddress"/> is set.</summary>
    public Uri? Address { get; set; }

    /// <summary>
    /// The gRPC-Web (HTTP/1.1) address, e.g. <c>http://127.0.0.1:5081</c>. When set, every call goes there over
    /// gRPC-Web: for networks whose proxies only pass HTTP/1.1.
    /// </summary>
    public Uri? GrpcWebAddress { get; set; }

    /// <summary>With <see cref="GrpcWebAddress"/>: base64 "grpc-web-text" instead of binary (what browsers use for streaming).</summary>
    public bool UseGrpcWebText { get; set; }

    /// <summary>
    /// Returns the bearer token (without "Bearer "); asked once per call (and per retry attempt), so it can
    /// cache and renew tokens itself. Null sends no token (only health and reflection work without one).
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? TokenProvider { get; set; }

    /// <summary>Deadline of a unary call that sets none itself; null = none. Covers every retry attempt together.</summary>
    public TimeSpan? UnaryDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Deadline of a server-streaming call (WatchImportJob) that sets none itself; null (the default) = none,
    /// because a watch lasts as long as the import does.
    /// </summary>
    public TimeSpan? StreamingDeadline { get; set; }

    /// <summary>Attempts (first try included) of an idempotent read that answered UNAVAILABLE; 1 turns retries off. gRPC caps it at 5.</summary>
    public int ReadMaxAttempts { get; set; } = 4;

    /// <summary>Backoff before the first retry; it doubles per attempt up to <see cref="RetryMaxBackoff"/> (jittered by gRPC).</summary>
    public TimeSpan RetryInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest backoff between two attempts.</summary>
    public TimeSpan RetryMaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The address calls go to, and whether it is gRPC-Web.</summary>
    internal (Uri Address, bool GrpcWeb) Target() =>
        GrpcWebAddress is not null ? (GrpcWebAddress, true)
        : Address is not null ? (Address, false)
        : throw new InvalidOperationException("PosGrpcClientOptions: set Address (native gRPC) or GrpcWebAddress (gRPC-Web).");
}
