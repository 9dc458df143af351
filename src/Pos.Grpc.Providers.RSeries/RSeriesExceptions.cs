using System.Net;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>Base of every error the Lightspeed client throws on purpose.</summary>
public class RSeriesException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The OAuth server refused a token call (authorization code exchange, refresh, revoke).
/// Carries the league/oauth2-server body: error, error_description, hint.
/// </summary>
public class RSeriesOAuthException(
    HttpStatusCode? statusCode, string error, string? errorDescription, string? hint, Exception? inner = null)
    : RSeriesException(Describe(statusCode, error, errorDescription, hint), inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>OAuth error code, e.g. invalid_grant, invalid_client, invalid_request.</summary>
    public string Error { get; } = error;

    public string? ErrorDescription { get; } = errorDescription;

    public string? Hint { get; } = hint;

    public bool IsInvalidGrant => Error == "invalid_grant";

    private static string Describe(HttpStatusCode? status, string error, string? description, string? hint) =>
        $"Lightspeed OAuth error {(status is null ? "" : (int)status + " ")}{error}: {description}" +
        (string.IsNullOrEmpty(hint) ? "" : $" ({hint})");
}

/// <summary>
/// A refresh was answered with invalid_grant: the refresh token is expired, revoked or already used.
/// Retrying cannot help; the merchant must authorize again (connection state REAUTHORIZATION_REQUIRED).
/// </summary>
public sealed class RSeriesReauthorizationRequiredException(
    HttpStatusCode? statusCode, string error, string? errorDescription, string? hint)
    : RSeriesOAuthException(statusCode, error, errorDescription, hint);

/// <summary>
/// The REST API answered with an error, or kept failing after the bounded retries.
/// <see cref="LightspeedMessage"/> is the "message" of Lightspeed's httpCode envelope when there was one.
/// </summary>
public class RSeriesApiException(
    string message, HttpStatusCode? statusCode, string? lightspeedMessage, string? requestUrl, Exception? inner = null)
    : RSeriesException(message, inner)
{
    /// <summary>Null when no HTTP response was received at all (timeouts, cut connections).</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    public string? LightspeedMessage { get; } = lightspeedMessage;

    /// <summary>The URL that failed, without any credential (tokens travel in headers only).</summary>
    public string? RequestUrl { get; } = requestUrl;
}

/// <summary>401 even after one refresh and one replay: the token is not accepted for this account.</summary>
public sealed class RSeriesAuthorizationException(
    string message, HttpStatusCode? statusCode, string? lightspeedMessage, string? requestUrl,
    string? oauthError = null, string? hint = null)
    : RSeriesApiException(message, statusCode, lightspeedMessage, requestUrl)
{
    public string? OAuthError { get; } = oauthError;

    public string? Hint { get; } = hint;
}

/// <summary>403: the token is valid but its scope (or the employee's rights) does not allow the call.</summary>
public sealed class RSeriesForbiddenException(string message, string? lightspeedMessage, string? requestUrl)
    : RSeriesApiException(message, HttpStatusCode.Forbidden, lightspeedMessage, requestUrl);

/// <summary>404: the account or resource does not exist.</summary>
public sealed class RSeriesNotFoundException(string message, string? lightspeedMessage, string? requestUrl)
    : RSeriesApiException(message, HttpStatusCode.NotFound, lightspeedMessage, requestUrl);

/// <summary>400: Lightspeed rejected the request itself (bad filter, unsupported sort, ...). A bug on our side.</summary>
public sealed class RSeriesBadRequestException(string message, string? lightspeedMessage, string? requestUrl)
    : RSeriesApiException(message, HttpStatusCode.BadRequest, lightspeedMessage, requestUrl);

/// <summary>Still 429 after the bounded number of Retry-After waits.</summary>
public sealed class RSeriesRateLimitException(string message, string? lightspeedMessage, string? requestUrl)
    : RSeriesApiException(message, HttpStatusCode.TooManyRequests, lightspeedMessage, requestUrl);
