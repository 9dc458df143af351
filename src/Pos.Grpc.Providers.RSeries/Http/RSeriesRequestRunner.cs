using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Pos.Grpc.Providers;
using Pos.Grpc.Providers.Telemetry;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>Where a request gets its bearer token, and how it gets a new one after a 401 (null: it cannot).</summary>
internal sealed record TokenSource(
    Func<CancellationToken, Task<string>> Current,
    Func<string, CancellationToken, Task<string>>? RefreshAfterUnauthorized);

/// <summary>
/// One GET against the REST API with everything around it: pacing, bearer token, per-request timeout, and the
/// retry policy (429 → Retry-After; 5xx, timeouts, cut connections, malformed JSON → jittered backoff, same
/// URL; 401 → one refresh and one replay; 400/403/404 → typed error at once).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The body gate is never waited on through its wait handle, so it holds nothing to dispose; the runner lives as long as the process.")]
internal sealed class RSeriesRequestRunner(
    IHttpClientFactory httpClientFactory, RSeriesPacerRegistry pacers, IOptions<RSeriesOptions> options,
    ProviderRequestMetrics? metrics, ILogger? logger)
{
    private readonly SemaphoreSlim _bodies = new(ConcurrentBodies);

    /// <summary>Response bodies read and parsed at once by this process (a page of 100 sales is about 150 KB).</summary>
    internal const int ConcurrentBodies = 32;

    private RSeriesOptions Options => options.Value;

    /// <summary>The parsed JSON body of a successful GET. The caller disposes it (one page at a time).</summary>
    /// <param name="cost">Drips the request is expected to cost (1 per GET, more with relations); the pacer raises
    /// it to what the server last reported.</param>
    /// <param name="admission">The caller's say on when the request goes out, asked once the pacing lets it go and
    /// left before any backoff (a place is never held over a wait).</param>
    public async Task<JsonDocument> GetJsonAsync(
        string url, long accountId, double cost, TokenSource tokens, RSeriesRequestStats? callerStats, RequestPriority priority,
        CancellationToken ct, RequestAdmission? admission = null)
    {
        var pacer = pacers.For(accountId);
        var stats = new StatsPair(pacer.Totals, callerStats);
        var token = await tokens.Current(ct);
        var replayed = false;
        var transientFailures = 0;
        var rateLimited = 0;

        while (true)
        {
            var reservation = await pacer.WaitTurnAsync(cost, priority, ct);
            stats.AddWait(reservation.Waited);
            metrics?.Waited(reservation.Waited);
            var admitted = admission is null ? null : await admission(ct);
            if (admitted is not null)
            {
                // Its place came later than its turn: the turn is confirmed now, or the place goes back for a new turn.
                if (pacer.ConfirmSend(reservation) is not { } confirmed)
                {
                    ProviderRequests.Leave(ref admitted);
                    continue;
                }
                reservation = confirmed;
            }
            stats.AddRequest();
            var answered = false;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(Options.RequestTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Accept.ParseAdd("application/json");
                using var response = await httpClientFactory.CreateClient(RSeriesApiClient.HttpClientName)
                    .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                answered = true;
                pacer.OnResponse(response.Headers, reservation);
                metrics?.Answered(response.StatusCode);
                if (metrics is not null)
                {
                    var (level, size, _) = pacer.Snapshot();
                    metrics.BucketLevel(level, size);
                }

                if (response.IsSuccessStatusCode)
                {
                    // A cut connection surfaces here as IOException, a garbled page as JsonException: both retried.
                    // Bodies are read and parsed a few at a time: thousands of accounts answering at once must not
                    // hold thousands of pages in memory (the others wait with their bytes in the socket).
                    await _bodies.WaitAsync(timeout.Token);
                    try
                    {
                        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                        return await JsonDocument.ParseAsync(body, default, timeout.Token);
                    }
                    finally
                    {
                        _bodies.Release();
                    }
                }

                var error = await ErrorBody.ReadAsync(response, timeout.Token);
                // The one line of a failed request (HttpClient's own per-request lines are filtered out by the host).
                logger?.LogWarning("Lightspeed GET {Path} answered {Status}: {Message}", ProviderRequests.PathOf(url), (int)response.StatusCode, error.Message);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Unauthorized when !replayed && tokens.RefreshAfterUnauthorized is not null:
                        // A refresh talks to the OAuth server and may wait for the refresh lock: not in an admission place.
                        ProviderRequests.Leave(ref admitted);
                        token = await tokens.RefreshAfterUnauthorized(token, ct);
                        replayed = true;
                        stats.AddReplay();
                        continue;
                    case HttpStatusCode.Unauthorized:
                        throw new RSeriesAuthorizationException(
                            $"Lightspeed rejected the access token{(replayed ? " even after a refresh" : "")}: " +
                            $"{error.Message}", response.StatusCode, error.Message, url, error.OAuthError, error.Hint);
                    case HttpStatusCode.TooManyRequests:
                        stats.AddRateLimited();
                        if (++rateLimited > Options.MaxRateLimitRetries)
                            throw new RSeriesRateLimitException(
                                $"Lightspeed kept answering 429 after {rateLimited} attempts: {error.Message}",
                                error.Message, url);
                        pacer.OnRateLimited(RetryAfter(response), byBurstLimiter: IsBurstLimited(response));
                        continue;
                    case HttpStatusCode.BadRequest:
                        throw new RSeriesBadRequestException($"Lightspeed rejected the request: {error.Message}", error.Message, url);
                    case HttpStatusCode.Forbidden:
                        throw new RSeriesForbiddenException($"Lightspeed refused access: {error.Message}", error.Message, url);
                    case HttpStatusCode.NotFound:
                        throw new RSeriesNotFoundException($"Lightspeed found nothing: {error.Message}", error.Message, url);
                    case >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout:
                        if (++transientFailures > Options.MaxTransientRetries)
                            throw new RSeriesApiException(
                                $"Lightspeed answered {(int)response.StatusCode} {transientFailures} times: {error.Message}",
                                response.StatusCode, error.Message, url);
                        stats.AddRetry();
                        ProviderRequests.Leave(ref admitted);
                        await Backoff.DelayAsync(Options, transientFailures - 1, ct);
                        continue;
                    default:
                        throw new RSeriesApiException(
                            $"Lightspeed answered {(int)response.StatusCode}: {error.Message}", response.StatusCode, error.Message, url);
                }
            }
            catch (Exception e) when (Backoff.IsTransient(e, ct))
            {
                if (!answered)
                {
                    pacer.OnNoResponse(reservation);
                    metrics?.Cut();
                }
                logger?.LogWarning("Lightspeed GET {Path} failed: {Failure}", ProviderRequests.PathOf(url), ProviderRequests.Describe(e));
                if (++transientFailures > Options.MaxTransientRetries)
                    throw new RSeriesApiException(
                        $"Lightspeed request failed {transientFailures} times; last: {ProviderRequests.Describe(e)}", null, null, url, e);
                stats.AddRetry();
                ProviderRequests.Leave(ref admitted);
                await Backoff.DelayAsync(Options, transientFailures - 1, ct);
            }
            finally
            {
                ProviderRequests.Leave(ref admitted);
            }
        }
    }

    /// <summary>A 429 of the burst limiter (too many requests in one second), not of the leaky bucket.</summary>
    private static bool IsBurstLimited(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-LS-API-RateLimit-Type", out var types)
        && types.Any(t => t.Contains("burst", StringComparison.OrdinalIgnoreCase));

    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => TimeSpan.FromSeconds(1), // burst limiter guidance: wait at least a second
        };
        return retryAfter < TimeSpan.Zero ? TimeSpan.Zero
            : retryAfter > Options.MaxRetryAfter ? Options.MaxRetryAfter : retryAfter;
    }

}

/// <summary>
/// The body of an error answer: the httpCode envelope's message, or the OAuth error/hint of a 401, or the
/// start of a non-JSON body (5xx pages are often HTML).
/// </summary>
internal sealed record ErrorBody(string Message, string? OAuthError, string? Hint)
{
    public static async Task<ErrorBody> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new ErrorBody(response.ReasonPhrase ?? "", null, null);
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var oauthError = Wire.String(root, "error");
            var hint = Wire.String(root, "hint");
            var message = Wire.String(root, "message") ?? Wire.String(root, "error_description")
                ?? oauthError ?? response.ReasonPhrase ?? "";
            return new ErrorBody(hint is null ? message : $"{message} ({hint})", oauthError, hint);
        }
        catch (JsonException)
        {
            var snippet = text.Length > 200 ? text[..200] : text;
            return new ErrorBody(string.IsNullOrWhiteSpace(snippet) ? response.ReasonPhrase ?? "" : snippet, null, null);
        }
    }
}
