using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pos.Grpc.Providers.Telemetry;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>Where a request gets its bearer token, and how it gets a new one after a 401 (null: it cannot).</summary>
internal sealed record TokenSource(
    Func<CancellationToken, Task<string>> Current,
    Func<string, CancellationToken, Task<string>>? RefreshAfterUnauthorized);

/// <summary>
/// What one GET is for: its pacer, the location it names (0: none), its priority, the caller's counters and the
/// caller's admission (asked once the pacing lets the request go, left before any backoff).
/// </summary>
internal sealed record RequestContext(KSeriesLocationPacer Pacer, long BusinessLocationId, RequestPriority Priority, KSeriesRequestStats? Stats,
    RequestAdmission? Admission = null);

/// <summary>
/// One GET against the K-Series API with everything around it: pacing, bearer token, per-request timeout, and the
/// retry policy (429 → Retry-After, bounded, for every caller of the location; 5xx, timeouts, cut connections,
/// malformed JSON → jittered backoff, same URL; 401 → one refresh and one replay; 400/403/404 → typed error at once).
/// </summary>
internal sealed class KSeriesRequestRunner(IHttpClientFactory httpClientFactory, IOptions<KSeriesOptions> options, TimeProvider timeProvider,
    ProviderRequestMetrics? metrics, ILogger? logger)
{
    /// <summary>The text of the 403 for a location the token cannot see.</summary>
    private const string NotRelevantForLocation = "not relevant for the businessLocation";

    private KSeriesOptions Options => options.Value;

    /// <summary>The parsed JSON body of a successful GET. The caller disposes it (one page at a time).</summary>
    public async Task<JsonDocument> GetJsonAsync(string url, RequestContext context, TokenSource tokens, CancellationToken ct)
    {
        var stats = new StatsPair(context.Pacer.Totals, context.Stats);
        var token = await tokens.Current(ct);
        var replayed = false;
        var transientFailures = 0;
        var rateLimited = 0;

        while (true)
        {
            var waited = await context.Pacer.WaitTurnAsync(context.Priority, ct);
            stats.AddWait(waited);
            metrics?.Waited(waited);
            var asked = Stopwatch.GetTimestamp();
            var admitted = context.Admission is null ? null : await context.Admission(ct);
            // Its place came later than its turn: it goes now if the location's pace allows, or gives the place back.
            if (admitted is not null && !context.Pacer.ConfirmSend(Stopwatch.GetElapsedTime(asked)))
            {
                ProviderRequests.Leave(ref admitted);
                continue;
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
                using var response = await httpClientFactory.CreateClient(KSeriesApiClient.HttpClientName)
                    .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                answered = true;
                metrics?.Answered(response.StatusCode);

                if (response.IsSuccessStatusCode)
                {
                    // A cut connection surfaces here as IOException, a garbled page as JsonException: both retried.
                    await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                    return await JsonDocument.ParseAsync(body, default, timeout.Token);
                }

                var error = await KSeriesErrorBody.ReadAsync(response, timeout.Token);
                // The one line of a failed request (HttpClient's own per-request lines are filtered out by the host).
                logger?.LogWarning("K-Series GET {Path} answered {Status}: {Message}", ProviderRequests.PathOf(url), (int)response.StatusCode, error.Message);
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
                        throw new KSeriesAuthorizationException(
                            $"K-Series rejected the access token{(replayed ? " even after a refresh" : "")}: {error.Message}",
                            response.StatusCode, error, url);
                    case HttpStatusCode.TooManyRequests:
                        stats.AddRateLimited();
                        if (++rateLimited > Options.MaxRateLimitRetries)
                            throw new KSeriesRateLimitException(
                                $"K-Series kept answering 429 after {rateLimited} attempts: {error.Message}", error, url);
                        context.Pacer.OnRateLimited(RateLimitWait(response, rateLimited - 1));
                        continue;
                    case HttpStatusCode.BadRequest:
                        throw new KSeriesBadRequestException($"K-Series rejected the request: {error.Message}", error, url);
                    case HttpStatusCode.Forbidden when error.Message.Contains(NotRelevantForLocation, StringComparison.OrdinalIgnoreCase):
                        throw new KSeriesLocationAccessDeniedException(context.BusinessLocationId,
                            $"The authorising user cannot see business location {context.BusinessLocationId}: {error.Message}", error, url);
                    case HttpStatusCode.Forbidden:
                        throw new KSeriesForbiddenException($"K-Series refused access: {error.Message}", error, url);
                    case HttpStatusCode.NotFound:
                        throw new KSeriesNotFoundException($"K-Series found nothing: {error.Message}", error, url);
                    case >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout:
                        if (++transientFailures > Options.MaxTransientRetries)
                            throw new KSeriesApiException(
                                $"K-Series answered {(int)response.StatusCode} {transientFailures} times: {error.Message}",
                                response.StatusCode, error, url);
                        stats.AddRetry();
                        ProviderRequests.Leave(ref admitted);
                        await Backoff.DelayAsync(Options, transientFailures - 1, ct);
                        continue;
                    default:
                        throw new KSeriesApiException(
                            $"K-Series answered {(int)response.StatusCode}: {error.Message}", response.StatusCode, error, url);
                }
            }
            catch (Exception e) when (Backoff.IsTransient(e, ct))
            {
                if (!answered) metrics?.Cut();
                logger?.LogWarning("K-Series GET {Path} failed: {Failure}", ProviderRequests.PathOf(url), ProviderRequests.Describe(e));
                if (++transientFailures > Options.MaxTransientRetries)
                    throw new KSeriesApiException(
                        $"K-Series request failed {transientFailures} times; last: {ProviderRequests.Describe(e)}", null, null, url, e);
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

    /// <summary>Retry-After when given (bounded by MaxRetryAfter), else the backoff of this attempt (K-Series documents no header).</summary>
    private TimeSpan RateLimitWait(HttpResponseMessage response, int attempt)
    {
        var wait = RetryAfterHeader.Read(response.Headers, timeProvider.GetUtcNow()) ?? Backoff.Delay(Options, attempt);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Options.MaxRetryAfter ? Options.MaxRetryAfter : wait;
    }

}
