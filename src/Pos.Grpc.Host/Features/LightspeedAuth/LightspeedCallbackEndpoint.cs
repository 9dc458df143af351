using System.Globalization;
using System.Net;
using Grpc.Core;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

/// <summary>
/// The redirect URI Lightspeed sends the merchant's browser to: GET ?code&amp;state. The browser carries no
/// bearer token; possession of the single-use state is the proof, and it names the client and user. Anyone can call
/// it, so it is limited before it does any work (<see cref="LightspeedCallbackLimits"/>), and a state this service
/// did not issue is refused without a database read (<see cref="OAuthStateSigner"/>).
/// </summary>
public static class LightspeedCallbackEndpoint
{
    public const string Path = "/oauth/lightspeed/callback";

    private const string Method = "GET " + Path;

    public static void MapLightspeedCallback(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, async (HttpContext http, string? code, string? state, string? error, LightspeedCallbackLimits limits,
            OAuthStateSigner states, LightspeedAuthorizationFlow flow, PosDbContext db, RefusalLog refusals, ILoggerFactory logs,
            BoundPorts ports, CancellationToken cancellationToken) =>
        {
            // The redirect URI names the gRPC-Web port (HTTP/1.1, for browsers); the native gRPC port does not serve it.
            if (http.Connection.LocalPort != ports.GrpcWebPort) return Results.NotFound();
            SetPageHeaders(http.Response);
            var address = CallerKeys.AddressOf(http);
            var logger = logs.CreateLogger(typeof(LightspeedCallbackEndpoint));
            if (!limits.TryAdmit(address, out var retryAfter))
            {
                refusals.Record(address, Method, StatusCode.ResourceExhausted, "RATE_LIMITED", "Too many callback requests from this address.");
                return Busy(http, HttpStatusCode.TooManyRequests, retryAfter, "Too many requests",
                    "This address has opened this page too often. Wait a minute, then start the authorisation again.");
            }
            if (!string.IsNullOrEmpty(error)) return Page(HttpStatusCode.BadRequest, "Authorisation was not given", $"Lightspeed answered: {error}.");
            if (string.IsNullOrEmpty(code) || string.IsNullOrEmpty(state) || state.Length > 256 || code.Length > 2048)
                return Page(HttpStatusCode.BadRequest, "Incomplete answer from Lightspeed", "The link is missing its code or state. Start the authorisation again.");
            if (!states.IsGenuine(state))
            {
                refusals.Record(address, Method, StatusCode.NotFound, "OAUTH_STATE_UNKNOWN", "A state this service did not issue, or an expired one.");
                return Page(HttpStatusCode.BadRequest, "This link is not valid",
                    "It was not issued by SameSystem, or it has expired (links live 10 minutes). Start the authorisation again.");
            }

            using var place = await limits.EnterAsync(cancellationToken);
            if (!place.IsAcquired)
            {
                refusals.Record(address, Method, StatusCode.Unavailable, "CALLBACK_BUSY", "Every place to complete an authorisation was taken.");
                return Busy(http, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5), "Busy",
                    "Too many authorisations are being completed right now. Reload this page in a few seconds.");
            }
            try
            {
                var connection = await flow.CompleteAsync(state, code, cancellationToken);
                var shared = await LightspeedConnections.ActiveForOtherClientsAsync(db, connection, cancellationToken);
                return Page(HttpStatusCode.OK, "Lightspeed is connected",
                    $"{Covered(connection)} is now linked to SameSystem client {connection.ClientId}. " +
                    (shared.Count == 0 ? "" : "This Lightspeed account already imports into another SameSystem client: if that is not meant, tell SameSystem. ") +
                    "SameSystem's integration contact will now activate the import; you can close this page.");
            }
            catch (PosException ex)
            {
                return Page(HttpStatusCode.BadRequest, "Lightspeed could not be connected", ex.Message);
            }
            catch (Exception ex) when (ProviderFailures.ForCaller(ex) is { } refusal)
            {
                logger.LogWarning("{Method}: Lightspeed failed ({Reason}): {Detail}", Method, refusal.Reason, ProviderFailures.Detail(ex));
                // The state was spent on this attempt: only a new authorisation can succeed.
                return refusal is UnavailableException
                    ? Page(HttpStatusCode.ServiceUnavailable, "Lightspeed did not answer", $"{refusal.Message} Start the authorisation again in a few minutes.")
                    : Page(HttpStatusCode.BadRequest, "Lightspeed could not be connected", $"{refusal.Message} Start the authorisation again.");
            }
        });

    /// <summary>What the consent covers, in the merchant's words: the account, or the business and its locations.</summary>
    private static string Covered(Infrastructure.Persistence.Entities.LightspeedConnectionEntity connection) =>
        connection.Provider == (int)Pos.Grpc.Providers.PosSystem.LightspeedKSeries
            ? $"Lightspeed Restaurant business {connection.AccountName} ({connection.AccountId}), business locations " +
              string.Join(", ", connection.Accounts.OrderBy(a => a.AccountId, StringComparer.Ordinal).Select(a => $"{a.AccountId} {a.Name}"))
            : $"Lightspeed account {connection.AccountId} ({connection.AccountName})";

    private static IResult Busy(HttpContext http, HttpStatusCode status, TimeSpan retryAfter, string title, string message)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Page(status, title, message);
    }

    private const string Style = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;color:#1f2933}h1{font-size:1.4rem}";

    /// <summary>
    /// The page is text and its one style, nothing else: no script, no frame, no form may load or embed it, it is not
    /// cached (it answers a one-time code), and its address, which holds the code and the state, is never sent on.
    /// </summary>
    private static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Style)))}'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static void SetPageHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
    }

    private static IResult Page(HttpStatusCode status, string title, string message) => Results.Content(
        $$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(title)}}</title>
        <style>{{Style}}</style></head>
        <body><h1>{{WebUtility.HtmlEncode(title)}}</h1><p>{{WebUtility.HtmlEncode(message)}}</p></body></html>
        """, "text/html; charset=utf-8", statusCode: (int)status);
}
