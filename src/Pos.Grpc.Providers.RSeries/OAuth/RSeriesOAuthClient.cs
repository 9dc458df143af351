using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// Lightspeed R-Series OAuth 2: the authorize URL, the code exchange and the refresh. Token calls are
/// form-urlencoded and a refresh never sends `scope` (JSON plus scope broke refreshes in the wild, see
/// lightspeed-api.md §1).
/// </summary>
public sealed class RSeriesOAuthClient(
    IHttpClientFactory httpClientFactory, IOptions<RSeriesOptions> options, TimeProvider timeProvider)
{
    public const string HttpClientName = "Pos.Grpc.Providers.RSeries.OAuth";

    private RSeriesOptions Options => options.Value;

    /// <summary>
    /// The URL to send the merchant to. No redirect_uri: Lightspeed uses the one registered with the client.
    /// </summary>
    public Uri BuildAuthorizationUrl(string state, string codeChallenge)
    {
        var query = string.Join("&",
            "response_type=code",
            "client_id=" + Uri.EscapeDataString(Options.ClientId),
            "scope=" + Uri.EscapeDataString(Options.Scopes),
            "state=" + Uri.EscapeDataString(state),
            "code_challenge=" + Uri.EscapeDataString(codeChallenge),
            "code_challenge_method=S256");
        return new Uri($"{Options.AuthBaseUrl.TrimEnd('/')}/auth/oauth/authorize?{query}");
    }

    /// <summary>Trades the code from the callback (valid 60 s, single use) for the first token pair.</summary>
    public Task<RSeriesTokens> ExchangeCodeAsync(string code, string codeVerifier, CancellationToken ct) =>
        PostTokenAsync(
        [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("code_verifier", codeVerifier),
        ], isRefresh: false, ct);

    /// <summary>
    /// Trades a refresh token for a new pair. The old refresh token dies once the new access token is used,
    /// so the caller must save the result before using it. invalid_grant throws
    /// <see cref="RSeriesReauthorizationRequiredException"/>.
    /// </summary>
    public Task<RSeriesTokens> RefreshAsync(string refreshToken, CancellationToken ct) =>
        PostTokenAsync(
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
        ], isRefresh: true, ct);

    /// <summary>Revokes a refresh token (and what was issued from it), e.g. when a connection is removed.</summary>
    public async Task RevokeAsync(string refreshToken, CancellationToken ct)
    {
        using var response = await SendAsync("/auth/oauth/revoke",
            WithClient([new("refresh_token", refreshToken)]), ct);
        if (!response.IsSuccessStatusCode)
            throw await ReadErrorAsync(response, isRefresh: false, ct);
    }

    private async Task<RSeriesTokens> PostTokenAsync(
        List<KeyValuePair<string, string>> fields, bool isRefresh, CancellationToken ct)
    {
        // Retrying a lost refresh is safe here: Lightspeed revokes the old refresh token only when the new
        // access token is first used, and we never used one we did not receive.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await SendAsync("/auth/oauth/token", WithClient(fields), ct);
                if ((int)response.StatusCode >= 500 && attempt < Options.MaxTransientRetries)
                {
                    await Backoff.DelayAsync(Options, attempt, ct);
                    continue;
                }
                if (!response.IsSuccessStatusCode) throw await ReadErrorAsync(response, isRefresh, ct);
                return await ReadTokensAsync(response, ct);
            }
            catch (Exception e) when (Backoff.IsTransient(e, ct) && attempt < Options.MaxTransientRetries)
            {
                await Backoff.DelayAsync(Options, attempt, ct);
            }
            catch (Exception e) when (Backoff.IsTransient(e, ct))
            {
                throw new RSeriesOAuthException(null, "transport_error", e.Message, null, e);
            }
        }
    }

    private List<KeyValuePair<string, string>> WithClient(List<KeyValuePair<string, string>> fields)
    {
        var all = new List<KeyValuePair<string, string>> { new("client_id", Options.ClientId) };
        if (!string.IsNullOrEmpty(Options.ClientSecret)) all.Add(new("client_secret", Options.ClientSecret));
        all.AddRange(fields);
        return all;
    }

    private async Task<HttpResponseMessage> SendAsync(
        string path, List<KeyValuePair<string, string>> fields, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.RequestTimeout);
        var client = httpClientFactory.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, Options.AuthBaseUrl.TrimEnd('/') + path)
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.Accept.ParseAdd("application/json");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        return response;
    }

    private async Task<RSeriesTokens> ReadTokensAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var now = timeProvider.GetUtcNow();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = doc.RootElement;
        var access = Wire.String(root, "access_token");
        var refresh = Wire.String(root, "refresh_token");
        if (string.IsNullOrEmpty(access) || string.IsNullOrEmpty(refresh))
            throw new RSeriesOAuthException(response.StatusCode, "invalid_response",
                "Token response lacks access_token or refresh_token.", null);
        // expires_in is an integer on the wire; read a string form too, to be tolerant.
        var expiresIn = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number
            ? e.GetDouble()
            : double.TryParse(Wire.String(root, "expires_in"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d : 3600;
        return new RSeriesTokens(access, refresh, now.AddSeconds(expiresIn));
    }

    private static async Task<RSeriesOAuthException> ReadErrorAsync(
        HttpResponseMessage response, bool isRefresh, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        string error = $"http_{(int)response.StatusCode}", description = Truncate(body), hint = "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                error = Wire.String(doc.RootElement, "error") ?? error;
                description = Wire.String(doc.RootElement, "error_description")
                    ?? Wire.String(doc.RootElement, "message") ?? description;
                hint = Wire.String(doc.RootElement, "hint") ?? "";
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy error page): keep the status and the start of the body.
        }
        return isRefresh && error == "invalid_grant"
            ? new RSeriesReauthorizationRequiredException(response.StatusCode, error, description, hint)
            : new RSeriesOAuthException(response.StatusCode, error, description, hint);
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200];
}
