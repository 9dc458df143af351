namespace Pos.Grpc.Providers.KSeries;

/// <summary>
/// Configuration of the Lightspeed Restaurant (K-Series) client. Every base URL is configurable, so the same code
/// talks to production, to the trial servers or to the simulator.
/// </summary>
public sealed class KSeriesOptions : IBackoffSettings
{
    /// <summary>REST API server (/f/... lives below it) and, for V1 clients, the OAuth server (/oauth/authorize, /oauth/token).
    /// Trial: https://api.trial.lsk.lightspeed.app.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.lsk.lightspeed.app";

    /// <summary>OAuth V1 server; empty: <see cref="ApiBaseUrl"/> (where Lightspeed serves it).</summary>
    public string V1OAuthBaseUrl { get; set; } = "";

    /// <summary>Keycloak server of OAuth V2; the realm's endpoints live below /realms/{realm}/protocol/openid-connect.
    /// Trial: https://auth.lsk-demo.app.</summary>
    public string V2OAuthBaseUrl { get; set; } = "https://auth.lsk-prod.app";

    public string V2Realm { get; set; } = "k-series";

    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    /// <summary>The redirect URI registered with the API client (HTTPS, exact match, trailing slash included).</summary>
    public string RedirectUri { get; set; } = "";

    /// <summary>Space-separated scopes; financial-api is the only one an importer needs.</summary>
    public string Scopes { get; set; } = "financial-api";

    /// <summary>V2 only: also ask for offline_access, so the refresh token has no fixed expiry (refresh_expires_in 0).</summary>
    public bool V2OfflineAccess { get; set; } = true;

    /// <summary>Which OAuth generation the client id belongs to; <see cref="KSeriesTokenGenerationChoice.ByClientId"/>: V2 when
    /// the id starts with "devp-v2" (Lightspeed's V2 ids do), else V1.</summary>
    public KSeriesTokenGenerationChoice TokenGeneration { get; set; } = KSeriesTokenGenerationChoice.ByClientId;

    /// <summary>Lifetimes of V1 tokens, fixed by Lightspeed (the token answer may omit them).</summary>
    public TimeSpan V1AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(60);

    public TimeSpan V1RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Time allowed for one HTTP request, body included. A timeout counts as a transient failure.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a transient failure (5xx, timeout, cut connection, malformed JSON) before giving up.</summary>
    public int MaxTransientRetries { get; set; } = 4;

    /// <summary>Retries after a 429 before giving up; each one waits Retry-After (or a backoff) first.</summary>
    public int MaxRateLimitRetries { get; set; } = 6;

    /// <summary>First backoff delay; doubles per attempt, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(16);

    /// <summary>Upper bound of one Retry-After wait, so a bogus header cannot park an import for hours.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Request starts per second per business location (per connection), since K-Series documents no rate limit:
    /// a polite default that still reads a busy restaurant's year (about 400 pages of 100 sales) in a few minutes.
    /// </summary>
    public double RequestsPerSecondPerLocation { get; set; } = 3;

    /// <summary>Access tokens are refreshed this long before they expire.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a connection's tokens, once read from the store, are used without reading it again.</summary>
    public TimeSpan TokenCacheLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sales per page (Lightspeed's maximum, and the default here, is 100).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Longest from..to range of one sales query that Lightspeed accepts; longer ranges are split.</summary>
    public TimeSpan MaxSalesRange { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Device discovery reads the sales of this many days before now.</summary>
    public TimeSpan DeviceDiscoveryWindow { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Device discovery reads at most this many pages (the most recent days of a busy place are enough).</summary>
    public int DeviceDiscoveryMaxPages { get; set; } = 20;

    /// <summary>What is wrong with these settings, each naming its key; nothing when they can work.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, url) in new[] { (nameof(ApiBaseUrl), ApiBaseUrl), (nameof(V2OAuthBaseUrl), V2OAuthBaseUrl), (nameof(V1OAuthBaseUrl), V1OAuthBaseUrl) })
            if (!string.IsNullOrEmpty(url) && !HttpUrls.IsHttp(url))
                yield return $"{name} '{url}' must be an absolute http(s) URL";
        if (string.IsNullOrEmpty(ApiBaseUrl)) yield return "ApiBaseUrl must be set";
        if (!string.IsNullOrEmpty(ClientSecret) && string.IsNullOrWhiteSpace(ClientId)) yield return "ClientId must be set with ClientSecret";
        if (RequestTimeout <= TimeSpan.Zero) yield return "RequestTimeout must be positive";
        if (MaxTransientRetries < 0 || MaxRateLimitRetries < 0) yield return "MaxTransientRetries and MaxRateLimitRetries must not be negative";
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff) yield return "InitialBackoff must be positive and at most MaxBackoff";
        if (RequestsPerSecondPerLocation <= 0) yield return "RequestsPerSecondPerLocation must be positive";
        if (PageSize is < 1 or > 100) yield return $"PageSize {PageSize} must be 1-100";
        if (MaxSalesRange <= TimeSpan.Zero || MaxSalesRange > TimeSpan.FromDays(365)) yield return "MaxSalesRange must be positive and at most 365 days";
    }

    internal string V1OAuthBase => (string.IsNullOrEmpty(V1OAuthBaseUrl) ? ApiBaseUrl : V1OAuthBaseUrl).TrimEnd('/');

    internal string V2RealmBase => $"{V2OAuthBaseUrl.TrimEnd('/')}/realms/{V2Realm}/protocol/openid-connect";

    /// <summary>The generation new authorisations use.</summary>
    public KSeriesTokenGeneration Generation => TokenGeneration switch
    {
        KSeriesTokenGenerationChoice.V1 => KSeriesTokenGeneration.V1,
        KSeriesTokenGenerationChoice.V2 => KSeriesTokenGeneration.V2,
        _ => ClientId.StartsWith("devp-v2", StringComparison.OrdinalIgnoreCase) ? KSeriesTokenGeneration.V2 : KSeriesTokenGeneration.V1,
    };
}

/// <summary>How <see cref="KSeriesOptions.Generation"/> is chosen.</summary>
public enum KSeriesTokenGenerationChoice
{
    ByClientId,
    V1,
    V2,
}

/// <summary>
/// K-Series' two OAuth generations: V1 (clients created before 2025-11-10: token call with URL parameters, fixed
/// lifetimes) and V2 (Keycloak realm k-series: form body, expires_in / refresh_expires_in, offline_access).
/// </summary>
public enum KSeriesTokenGeneration
{
    V1 = 1,
    V2 = 2,
}
