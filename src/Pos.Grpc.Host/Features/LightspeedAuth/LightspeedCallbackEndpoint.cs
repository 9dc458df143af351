using System.Net;
using Pos.Grpc.Host.Infrastructure.Errors;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

/// <summary>
/// The redirect URI Lightspeed sends the merchant's browser to: GET ?code&amp;state. The browser carries no
/// bearer token; possession of the single-use state is the proof, and it names the client and user.
/// </summary>
public static class LightspeedCallbackEndpoint
{
    public const string Path = "/oauth/lightspeed/callback";

    public static void MapLightspeedCallback(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, async (string? code, string? state, string? error, LightspeedAuthorizationFlow flow, CancellationToken cancellationToken) =>
        {
            if (!string.IsNullOrEmpty(error)) return Page(HttpStatusCode.BadRequest, "Authorisation was not given", $"Lightspeed answered: {error}.");
            if (string.IsNullOrEmpty(code) || string.IsNullOrEmpty(state) || state.Length > 256 || code.Length > 2048)
                return Page(HttpStatusCode.BadRequest, "Incomplete answer from Lightspeed", "The link is missing its code or state. Start the authorisation again.");
            try
            {
                var connection = await flow.CompleteAsync(state, code, cancellationToken);
                return Page(HttpStatusCode.OK, "Lightspeed is connected",
                    $"Account {connection.AccountId} ({connection.AccountName}) is authorised for SameSystem. " +
                    "SameSystem's integration contact will now activate the import; you can close this page.");
            }
            catch (PosException ex)
            {
                return Page(HttpStatusCode.BadRequest, "Lightspeed could not be connected", ex.Message);
            }
        });

    private static IResult Page(HttpStatusCode status, string title, string message) => Results.Content(
        $$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(title)}}</title>
        <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;color:#1f2933}h1{font-size:1.4rem}</style></head>
        <body><h1>{{WebUtility.HtmlEncode(title)}}</h1><p>{{WebUtility.HtmlEncode(message)}}</p></body></html>
        """, "text/html; charset=utf-8", statusCode: (int)status);
}
