namespace Pos.Grpc.Providers;

public static class HttpUrls
{
    /// <summary>Whether a setting is an absolute http or https URL (every URL the service is configured with must be).</summary>
    public static bool IsHttp(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
