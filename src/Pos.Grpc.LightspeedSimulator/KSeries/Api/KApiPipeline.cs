using Pos.Grpc.LightspeedSimulator.KSeries.Domain;
using Pos.Grpc.LightspeedSimulator.KSeries.OAuth;

namespace Pos.Grpc.LightspeedSimulator.KSeries.Api;

/// <summary>What one authenticated K-Series API request may look at; Location is null for calls that name none.</summary>
public sealed record KApiCall(HttpRequest Request, KGrant Grant, KLocation? Location);

/// <summary>A computed answer: status and JSON body.</summary>
public sealed record KAnswer(int Status, byte[] Body);

/// <summary>A request the API refuses with the Financial V2 400 body {"error": message}.</summary>
public sealed class KBadRequestException(string message) : Exception(message);

/// <summary>
/// Everything around a K-Series API answer: bearer authentication (401 "Token is not active"), the location check
/// (404 unknown, 403 "Access token not relevant for the businessLocation"), the location's fault switches, the
/// optional token bucket, and the way the body goes out (whole, cut, garbled).
/// </summary>
public sealed class KApiPipeline(KOAuthServer oauth, KLocationStore locations, KRateLimiter limiter, SimClock clock)
{
    private static int _serverErrorFlip;

    public async Task RunAsync(HttpContext http, long? businessLocationId, Func<KApiCall, KAnswer> handler)
    {
        var path = http.Request.Path.ToString();
        var location = businessLocationId is { } id ? locations.Find(id) : null;
        var header = http.Request.Headers.Authorization.ToString();
        var grant = oauth.Validate(header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null);
        if (grant is null)
        {
            if (location is not null) Interlocked.Increment(ref location.Stats.Unauthorized);
            await SimResponses.WriteJsonAsync(http, 401, KErrors.OAuth("invalid_token", "Token is not active"));
            return;
        }
        if (businessLocationId is { } blId)
        {
            if (location is null)
            {
                await SimResponses.WriteJsonAsync(http, 404, KErrors.Spring(clock.UtcNow, 404, "Not Found",
                    $"Business Location Not found for {blId}", path, "com.ikentoo.financial.service.exceptions.ResourceNotFoundException"));
                return;
            }
            if (!grant.LocationIds.Contains(blId))
            {
                Interlocked.Increment(ref location.Stats.Forbidden);
                await SimResponses.WriteJsonAsync(http, 403, KErrors.SubExceptions(clock.UtcNow, "FORBIDDEN",
                    "Access token not relevant for the businessLocation"));
                return;
            }
            Interlocked.Increment(ref location.Stats.ApiRequests);
            if (await FaultAsync(http, location, path)) return;
        }
        if (limiter.TryTake(grant.Client.ClientId) is { } retryAfter)
        {
            if (location is not null) Interlocked.Increment(ref location.Stats.RateLimited);
            await RateLimitedAsync(http, retryAfter, path);
            return;
        }

        KAnswer answer;
        try
        {
            answer = handler(new KApiCall(http.Request, grant, location));
        }
        catch (KBadRequestException e)
        {
            if (location is not null) Interlocked.Increment(ref location.Stats.BadRequests);
            answer = new KAnswer(400, KErrors.Plain(e.Message));
        }
        if (answer.Status == 200 && location is not null && location.Faults.TakeCut())
        {
            await SimResponses.CutAsync(http, answer.Body);
            return;
        }
        var body = answer.Status == 200 && location is not null && location.Faults.TakeMalformed() ? SimResponses.Garble(answer.Body) : answer.Body;
        await SimResponses.WriteJsonAsync(http, answer.Status, body);
    }

    /// <summary>Delay, 429 storm, 5xx (503 HTML and 500 Spring JSON in turn): true when the answer is already sent.</summary>
    private async Task<bool> FaultAsync(HttpContext http, KLocation location, string path)
    {
        var faults = location.Faults;
        if (faults.DelayMs > 0) await Task.Delay(faults.DelayMs, http.RequestAborted);
        if (faults.TakeRateLimit())
        {
            Interlocked.Increment(ref location.Stats.RateLimited);
            await RateLimitedAsync(http, location.StormRetryAfterSeconds, path);
            return true;
        }
        if (!faults.TakeServerError()) return false;
        Interlocked.Increment(ref location.Stats.ServerErrors);
        if (Interlocked.Increment(ref _serverErrorFlip) % 2 == 0)
            await SimResponses.WriteJsonAsync(http, 500, KErrors.Spring500(clock.UtcNow, path));
        else
            await SimResponses.HtmlErrorAsync(http, 503);
        return true;
    }

    private Task RateLimitedAsync(HttpContext http, int retryAfterSeconds, string path)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return SimResponses.WriteJsonAsync(http, 429, KErrors.Spring(clock.UtcNow, 429, "Too Many Requests",
            "Rate limit exceeded, retry later", path));
    }
}
