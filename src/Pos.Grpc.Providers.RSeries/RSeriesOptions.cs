namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// Configuration of the Lightspeed Retail (R-Series) client. Base URLs are configurable so the same code
/// talks to the real Lightspeed or to the simulator.
/// </summary>
public sealed class RSeriesOptions : IBackoffSettings
{
    /// <summary>OAuth server: authorize and token endpoints live below it.</summary>
    public string AuthBaseUrl { get; set; } = "https://cloud.lightspeedapp.com";

    /// <summary>REST API server: /API/V3/... lives below it.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.lightspeedapp.com";

    public string ClientId { get; set; } = "";

    /// <summary>Empty for a public (PKCE-only) client.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>
    /// The redirect URI registered with Lightspeed. Lightspeed's authorize URL carries no redirect_uri
    /// (the registered one is used); kept here so the host knows where its callback lives.
    /// </summary>
    public string RedirectUri { get; set; } = "";

    /// <summary>Space-separated scopes requested at authorization.</summary>
    public string Scopes { get; set; } = "employee:register_read employee:reports";

    /// <summary>Time allowed for one HTTP request, body included. A timeout counts as a transient failure.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a transient failure (5xx, timeout, cut connection, malformed JSON) before giving up.</summary>
    public int MaxTransientRetries { get; set; } = 4;

    /// <summary>Retries after a 429 before giving up; each one waits Retry-After first.</summary>
    public int MaxRateLimitRetries { get; set; } = 6;

    /// <summary>First backoff delay; doubles per attempt, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Upper bound for a single Retry-After wait, so a bogus header cannot park an import for hours.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Access tokens are refreshed this long before they expire, so a request never races the expiry.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a connection's tokens, once read from the store, are used without reading it again (zero: read
    /// for every request). Bounds how long this process keeps using tokens that were revoked or replaced elsewhere.
    /// </summary>
    public TimeSpan TokenCacheLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Drips kept free below the bucket size: in-flight requests and clock drift make the local level estimate
    /// a little optimistic, and a 429 costs far more than this headroom.
    /// </summary>
    public double PacingHeadroom { get; set; } = 2;

    /// <summary>Bucket assumed before the first response of an account told us the real one (documented minimum).</summary>
    public double InitialBucketSize { get; set; } = 60;

    public double InitialDripRate { get; set; } = 1;

    /// <summary>
    /// Requests per second assumed allowed before the first response of an account told us its burst limit
    /// (X-LS-API-Burst-Level; 20 for a 90-drip bucket in Lightspeed's documentation).
    /// </summary>
    public int InitialBurstLimit { get; set; } = 10;

    /// <summary>Page size for list reads (Lightspeed's maximum is 100).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>What is wrong with these settings, each naming its key; nothing when they can work.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, url) in new[] { (nameof(AuthBaseUrl), AuthBaseUrl), (nameof(ApiBaseUrl), ApiBaseUrl) })
            if (!HttpUrls.IsHttp(url))
                yield return $"{name} '{url}' must be an absolute http(s) URL such as https://api.lightspeedapp.com";
        if (!string.IsNullOrEmpty(RedirectUri) && !Uri.TryCreate(RedirectUri, UriKind.Absolute, out _))
            yield return $"RedirectUri '{RedirectUri}' must be an absolute URL (the host's /oauth/lightspeed/callback)";
        if (!string.IsNullOrEmpty(ClientSecret) && string.IsNullOrWhiteSpace(ClientId)) yield return "ClientId must be set with ClientSecret";
        if (RequestTimeout <= TimeSpan.Zero) yield return "RequestTimeout must be positive";
        if (MaxTransientRetries < 0 || MaxRateLimitRetries < 0) yield return "MaxTransientRetries and MaxRateLimitRetries must not be negative";
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff) yield return "InitialBackoff must be positive and at most MaxBackoff";
        if (MaxRetryAfter <= TimeSpan.Zero) yield return "MaxRetryAfter must be positive";
        if (RefreshBeforeExpiry < TimeSpan.Zero || TokenCacheLifetime < TimeSpan.Zero) yield return "RefreshBeforeExpiry and TokenCacheLifetime must not be negative";
        if (PacingHeadroom < 0 || InitialBucketSize <= PacingHeadroom || InitialDripRate <= 0 || InitialBurstLimit < 1)
            yield return "PacingHeadroom, InitialBucketSize, InitialDripRate and InitialBurstLimit must describe a bucket with room (size above headroom, positive rates)";
        if (PageSize is < 1 or > 100) yield return $"PageSize {PageSize} must be 1-100 (Lightspeed's maximum is 100)";
    }
}
