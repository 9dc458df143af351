using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>
/// K-Series OAuth 2, authorisation-code grant with HTTP Basic client authentication, in both generations:
/// V1 (token call with the grant parameters as URL query parameters; access 60 min, refresh 14 days, fixed) and
/// V2 (Keycloak realm k-series; parameters in a form body; lifetimes from expires_in / refresh_expires_in, 0 =
/// an offline token). No PKCE: K-Series documents none, and the client is confidential (its secret travels in the
/// Basic header of every token call); the state parameter protects the callback.
/// </summary>
public sealed class KSeriesOAuthClient(IHttpClientFactory httpClientFactory, IOptions<KSeriesOptions> options, TimeProvider timeProvider)
    : ITokenRefresher<KSeriesTokens>
{
    public const string HttpClientName = "Pos.Grpc.Providers.KSeries.OAuth";

    private KSeriesOptions Options => options.Value;

    /// <summary>The generation new authorisations use (configuration, or the client id's devp-v2 prefix).</summary>
    public KSeriesTokenGeneration Generation => Options.Generation;

    /// <summary>Scopes requested at authorisation: the configured ones, plus offline_access for V2 when configured.</summary>
    public string RequestedScopes =>
        Generation == KSeriesTokenGeneration.V2 && Options.V2OfflineAccess && !HasScope(Options.Scopes, "offline_access")
            ? $"{Options.Scopes} offline_access".Trim()
            : Options.Scopes;

    /// <summary>
    /// The URL to send the merchant to. The callback carries `code` (valid about 15 seconds, single use: exchange it
    /// at once) and this `state`.
    /// </summary>
    public Uri BuildAuthorizationUrl(string state)
    {
        var endpoint = Generation == KSeriesTokenGeneration.V2 ? $"{Options.V2RealmBase}/auth" : $"{Options.V1OAuthBase}/oauth/authorize";
        var query = string.Join("&",
            "response_type=code",
            "client_id=" + Uri.EscapeDataString(Options.ClientId),
            "scope=" + Uri.EscapeDataString(RequestedScopes),
            "redirect_uri=" + Uri.EscapeDataString(Options.RedirectUri),
            "state=" + Uri.EscapeDataString(state));
        return new Uri($"{endpoint}?{query}");
    }

    /// <summary>Trades the code from the callback for the first token pair.</summary>
    public Task<KSeriesTokens> ExchangeCodeAsync(string code, CancellationToken ct) =>
        PostTokenAsync(Generation,
        [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", Options.RedirectUri),
        ], current: null, ct);

    /// <summary>
    /// Trades the refresh token for a new pair, at the server that issued it. The old refresh token is spent by this
    /// call: the caller must save the result before anything else. invalid_grant throws
    /// <see cref="KSeriesReauthorizationRequiredException"/>.
    /// </summary>
    public Task<KSeriesTokens> RefreshAsync(KSeriesTokens current, CancellationToken ct) =>
        PostTokenAsync(current.Generation,
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", current.RefreshToken),
        ], current, ct);

    /// <summary>
    /// Retries after transient failures, refreshes included. A lost answer may have spent the refresh token already;
    /// then the retry gets invalid_grant, which is the truth (reauthorisation required), and never worse than not retrying.
    /// </summary>
    private async Task<KSeriesTokens> PostTokenAsync(
        KSeriesTokenGeneration generation, List<KeyValuePair<string, string>> parameters, KSeriesTokens? current, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await SendAsync(generation, parameters, ct);
                if ((int)response.StatusCode >= 500 && attempt < Options.MaxTransientRetries)
                {
                    await Backoff.DelayAsync(Options, attempt, ct);
                    continue;
                }
                if (!response.IsSuccessStatusCode) throw await ReadErrorAsync(response, isRefresh: current is not null, ct);
                return await ReadTokensAsync(response, generation, current, ct);
            }
            catch (Exception e) when (Backoff.IsTransient(e, ct) && attempt < Options.MaxTransientRetries)
            {
                await Backoff.DelayAsync(Options, attempt, ct);
            }
            catch (Exception e) when (Backoff.IsTransient(e, ct))
            {
                throw new KSeriesOAuthException(null, "transport_error", e.Message, e);
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(
        KSeriesTokenGeneration generation, List<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.RequestTimeout);
        using var request = generation == KSeriesTokenGeneration.V2
            ? new HttpRequestMessage(HttpMethod.Post, $"{Options.V2RealmBase}/token") { Content = new FormUrlEncodedContent(parameters) }
            // V1: "POST with URL parameters", an empty body.
            : new HttpRequestMessage(HttpMethod.Post, $"{Options.V1OAuthBase}/oauth/token?{Query(parameters)}") { Content = new FormUrlEncodedContent([]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.ClientId}:{Options.ClientSecret}")));
        request.Headers.Accept.ParseAdd("application/json");
        return await httpClientFactory.CreateClient(HttpClientName)
            .SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
    }

    private async Task<KSeriesTokens> ReadTokensAsync(
        HttpResponseMessage response, KSeriesTokenGeneration generation, KSeriesTokens? current, CancellationToken ct)
    {
        var now = timeProvider.GetUtcNow();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = doc.RootElement;
        var access = Wire.String(root, "access_token");
        // A refresh answer without a refresh token leaves the current one valid (servers that do not rotate).
        var refresh = Wire.String(root, "refresh_token") ?? current?.RefreshToken;
        if (string.IsNullOrEmpty(access) || string.IsNullOrEmpty(refresh))
            throw new KSeriesOAuthException(response.StatusCode, "invalid_response", "Token answer lacks access_token or refresh_token.");
        var expiresIn = Seconds(root, "expires_in");
        var scope = Wire.String(root, "scope") ?? current?.Scope ?? RequestedScopes;
        if (generation == KSeriesTokenGeneration.V1)
            return new KSeriesTokens(access, refresh, now + (expiresIn ?? Options.V1AccessTokenLifetime),
                now + Options.V1RefreshTokenLifetime, generation, scope);
        // V2: refresh_expires_in 0 is an offline token, with no fixed expiry.
        var refreshExpiresIn = Seconds(root, "refresh_expires_in");
        return new KSeriesTokens(access, refresh, now + (expiresIn ?? V2DefaultAccessLifetime),
            refreshExpiresIn is { } r && r > TimeSpan.Zero ? now + r : null, generation, scope);
    }

    /// <summary>Keycloak's default access-token lifespan, for a V2 answer without expires_in.</summary>
    private static readonly TimeSpan V2DefaultAccessLifetime = TimeSpan.FromMinutes(5);

    private static TimeSpan? Seconds(JsonElement root, string name) =>
        Wire.String(root, name) is { } s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static async Task<KSeriesOAuthException> ReadErrorAsync(HttpResponseMessage response, bool isRefresh, CancellationToken ct)
    {
        var body = KSeriesErrorBody.Parse(await response.Content.ReadAsStringAsync(ct), response.ReasonPhrase);
        var error = body.Shape is KSeriesErrorShape.OAuth or KSeriesErrorShape.Plain && body.Error is { } e ? e : $"http_{(int)response.StatusCode}";
        return isRefresh && error == "invalid_grant"
            ? new KSeriesReauthorizationRequiredException(response.StatusCode, error, body.Message)
            : new KSeriesOAuthException(response.StatusCode, error, body.Message);
    }

    private static string Query(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));

    private static bool HasScope(string scopes, string scope) =>
        scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal);
}
