using System.Net;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>Base of every error the K-Series client throws on purpose.</summary>
public class KSeriesException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The OAuth server refused a token call (code exchange or refresh), in Keycloak's shape: error, error_description.
/// </summary>
public class KSeriesOAuthException(HttpStatusCode? statusCode, string error, string? errorDescription, Exception? inner = null)
    : KSeriesException(
        $"K-Series OAuth error {(statusCode is null ? "" : (int)statusCode + " ")}{error}: {errorDescription}", inner)
{
    /// <summary>Null when no answer was received at all (timeouts, cut connections).</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>OAuth error code: invalid_grant, invalid_client, unauthorized_client, invalid_request, ...</summary>
    public string Error { get; } = error;

    public string? ErrorDescription { get; } = errorDescription;

    public bool IsInvalidGrant => Error == "invalid_grant";
}

/// <summary>
/// A refresh was refused for good: invalid_grant ("Token is not active": expired, revoked or already used). Retrying
/// cannot help; the merchant must authorise again (connection state REAUTHORIZATION_REQUIRED).
/// </summary>
public sealed class KSeriesReauthorizationRequiredException(HttpStatusCode? statusCode, string error, string? errorDescription)
    : KSeriesOAuthException(statusCode, error, errorDescription);

/// <summary>Which of the error bodies K-Series sends an answer carried (lightspeed-k-series.md A11).</summary>
public enum KSeriesErrorShape
{
    /// <summary>No body.</summary>
    Empty,
    /// <summary>Financial API V2: {"error": "..."}.</summary>
    Plain,
    /// <summary>Spring Boot: {timestamp, status, error, exception?, message?, path, requestId?}.</summary>
    Spring,
    /// <summary>Other services (PMS): {status, timestamp, message, apiSubExceptions[]}.</summary>
    SubExceptions,
    /// <summary>OAuth / Keycloak: {error, error_description}.</summary>
    OAuth,
    /// <summary>Not JSON at all (gateways answer HTML).</summary>
    NotJson,
}

/// <summary>
/// The REST API answered with an error, or kept failing after the bounded retries. <see cref="ServerMessage"/> is
/// the most telling text of the body, whatever its shape.
/// </summary>
public class KSeriesApiException(
    string message, HttpStatusCode? statusCode, KSeriesErrorBody? body, string? requestUrl, Exception? inner = null)
    : KSeriesException(message, inner)
{
    /// <summary>Null when no HTTP response was received at all (timeouts, cut connections).</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    public KSeriesErrorBody? Body { get; } = body;

    public string? ServerMessage => Body?.Message;

    /// <summary>The URL that failed, without any credential (tokens travel in headers only).</summary>
    public string? RequestUrl { get; } = requestUrl;
}

/// <summary>401 even after one refresh and one replay (or with tokens that cannot be refreshed).</summary>
public sealed class KSeriesAuthorizationException(string message, HttpStatusCode? statusCode, KSeriesErrorBody? body, string? requestUrl)
    : KSeriesApiException(message, statusCode, body, requestUrl);

/// <summary>403: the token is valid but may not make this call.</summary>
public class KSeriesForbiddenException(string message, KSeriesErrorBody? body, string? requestUrl)
    : KSeriesApiException(message, HttpStatusCode.Forbidden, body, requestUrl);

/// <summary>
/// 403 "Access token not relevant for the businessLocation": the user who authorised cannot see this location (a
/// department names a location of another business, or the user lost access to it).
/// </summary>
public sealed class KSeriesLocationAccessDeniedException(long businessLocationId, string message, KSeriesErrorBody? body, string? requestUrl)
    : KSeriesForbiddenException(message, body, requestUrl)
{
    public long BusinessLocationId { get; } = businessLocationId;
}

/// <summary>404: the business location or resource does not exist.</summary>
public sealed class KSeriesNotFoundException(string message, KSeriesErrorBody? body, string? requestUrl)
    : KSeriesApiException(message, HttpStatusCode.NotFound, body, requestUrl);

/// <summary>400: K-Series rejected the request itself (its text says why). A bug on our side, or a range it cannot serve.</summary>
public sealed class KSeriesBadRequestException(string message, KSeriesErrorBody? body, string? requestUrl)
    : KSeriesApiException(message, HttpStatusCode.BadRequest, body, requestUrl);

/// <summary>Still 429 after the bounded number of waits.</summary>
public sealed class KSeriesRateLimitException(string message, KSeriesErrorBody? body, string? requestUrl)
    : KSeriesApiException(message, HttpStatusCode.TooManyRequests, body, requestUrl);
