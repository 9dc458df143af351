using System.Net;

namespace Pos.Grpc.Lightspeed;

/// <summary>Base of every error the Lightspeed client throws on purpose.</summary>
public class LightspeedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The OAuth server refused a token call (authorization code exchange, refresh, revoke).
/// Carries the league/oauth2-server body: error, error_description, hint.
/// </summary>
public class LightspeedOAuthException(
    HttpStatusCode? statusCode, string error, string? errorDescription, string? hint, Exception? inner = null)
    : LightspeedException(Describe(statusCode, error, errorDescription, hint), inner)
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
public sealed class LightspeedReauthorizationRequiredException(
    HttpStatusCode? statusCode, string error, string? errorDescription, string? hint)
    : LightspeedOAuthException(statusCode, error, errorDescription, hint);

/// <summary>
/// The REST API answered with an error, or kept failing after the bounded retries.
/// <see cref="LightspeedMessage"/> is the "message" of Lightspeed's httpCode envelope when there was one.
/// </summary>
public class LightspeedApiException(
    string message, HttpStatusCode? statusCode, string? lightspeedMessage, string? requestUrl, Exception? inner = null)
    : LightspeedException(message, inner)
{
    /// <summary>Null when no HTTP response was received at all (timeouts, cut connections).</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    public string? LightspeedMessage { get; } = lightspeedMessage;

    /// <summary>The URL that failed, without any credential (tokens travel in headers only).</summary>
    public string? RequestUrl { get; } = requestUrl;
}

/// <summary>401 even after one refresh and one replay: the token is not accepted for this account.</summary>
public sealed class LightspeedAuthorizationException(
    string message, HttpStatusCode? statusCode, string? lightspeedMessage, string? requestUrl,
    string? oauthError = null, string? hint = null)
    : LightspeedApiException(message, statusCode, lightspeedMessage, requestUrl)
{
    public string? OAuthError { get; } = oauthError;

    public string? Hint { get; } = hint;
}

/// <summary>403: the token is valid but its scope (or the employee's rights) does not allow the call.</summary>
public sealed class LightspeedForbiddenException(string message, string? lightspeedMessage, string? requestUrl)
    : LightspeedApiException(message, HttpStatusCode.Forbidden, lightspeedMessage, requestUrl);

/// <summary>404: the account or resource does not exist.</summary>
public sealed class LightspeedNotFoundException(string message, string? lightspeedMessage, string? requestUrl)
    : LightspeedApiException(message, HttpStatusCode.NotFound, lightspeedMessage, requestUrl);

/// <summary>400: Lightspeed rejected the request itself (bad filter, unsupported sort, ...). A bug on our side.</summary>
public sealed class LightspeedBadRequestException(string message, string? lightspeedMessage, string? requestUrl)
    : LightspeedApiException(message, HttpStatusCode.BadRequest, lightspeedMessage, requestUrl);

/// <summary>Still 429 after the bounded number of Retry-After waits.</summary>
public sealed class LightspeedRateLimitException(string message, string? lightspeedMessage, string? requestUrl)
    : LightspeedApiException(message, HttpStatusCode.TooManyRequests, lightspeedMessage, requestUrl);
