using System.Text;
using Pos.Grpc.LightspeedSimulator.KSeries.Domain;

namespace Pos.Grpc.LightspeedSimulator.KSeries.OAuth;

/// <summary>
/// K-Series OAuth over HTTP: V1 at /oauth/authorize and /oauth/token (grant parameters accepted as URL query
/// parameters and in a form body), V2 at /realms/k-series/protocol/openid-connect/auth and /token (form body only),
/// both with HTTP Basic client authentication, and /oauth/userinfo.
/// </summary>
public static class KOAuthEndpoints
{
    public const string RealmPath = "/realms/k-series/protocol/openid-connect";

    /// <summary>Scopes the simulated server knows; others come back on the redirect as invalid_scope.</summary>
    private static readonly HashSet<string> KnownScopes =
        ["financial-api", "orders-api", "items", "staff-api", "propertymanagement", "reservations-api", "offline_access", "openid", "profile", "email"];

    public static void MapKSeriesOAuth(this WebApplication app)
    {
        app.MapGet("/oauth/authorize", (HttpRequest r, KOAuthServer o, KLocationStore l) => Authorize(r, o, l, KGeneration.V1));
        app.MapGet($"{RealmPath}/auth", (HttpRequest r, KOAuthServer o, KLocationStore l) => Authorize(r, o, l, KGeneration.V2));
        app.MapPost("/oauth/token", (HttpRequest r, KOAuthServer o) => TokenAsync(r, o, KGeneration.V1));
        app.MapPost($"{RealmPath}/token", (HttpRequest r, KOAuthServer o) => TokenAsync(r, o, KGeneration.V2));
    }

    /// <summary>
    /// Consents at once and redirects with code and state. Unknown client or redirect URI: an HTML error page (the
    /// browser-side errors of the reference); unknown scope: error=invalid_scope on the redirect. Simulator extra:
    /// bl_ids=1,2 picks the locations the consenting user sees (default: the client's, or every location).
    /// </summary>
    private static IResult Authorize(HttpRequest request, KOAuthServer oauth, KLocationStore locations, KGeneration generation)
    {
        var q = request.Query;
        if (oauth.FindClient(q["client_id"].ToString()) is not { } client || client.Generation != generation)
            return Html(400, "Client not found");
        var redirect = q["redirect_uri"].ToString();
        if (redirect == "" || client.RedirectUri != "" && redirect != client.RedirectUri)
            return Html(400, "Invalid parameter: redirect_uri");
        var issuer = $"{request.Scheme}://{request.Host}{RealmPath.Replace("/protocol/openid-connect", "")}";
        var separator = redirect.Contains('?') ? '&' : '?';
        if (q["response_type"] != "code")
            return Results.Redirect($"{redirect}{separator}error=unsupported_response_type&state={Uri.EscapeDataString(q["state"].ToString())}");
        var scope = q["scope"].ToString();
        var unknown = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !KnownScopes.Contains(s)).ToList();
        if (unknown.Count > 0)
            return Results.Redirect($"{redirect}{separator}error=invalid_scope&error_description={Uri.EscapeDataString("Invalid scopes: " + string.Join(" ", unknown))}&iss={Uri.EscapeDataString(issuer)}");

        IReadOnlyList<long> locationIds = q["bl_ids"].ToString() is { Length: > 0 } ids
            ? ids.Split(',').Select(long.Parse).ToList()
            : client.LocationIds.Count > 0 ? client.LocationIds : locations.All.Select(l => l.BusinessLocationId).ToList();
        var code = oauth.IssueCode(client, locationIds, scope, redirect);
        var extra = generation == KGeneration.V2 ? $"&session_state={Guid.NewGuid()}&iss={Uri.EscapeDataString(issuer)}" : "";
        return Results.Redirect($"{redirect}{separator}state={Uri.EscapeDataString(q["state"].ToString())}{extra}&code={Uri.EscapeDataString(code)}");
    }

    private static async Task<IResult> TokenAsync(HttpRequest request, KOAuthServer oauth, KGeneration generation)
    {
        var (clientId, secret) = BasicCredentials(request);
        if (oauth.Authenticate(clientId, secret) is not { } client || client.Generation != generation)
        {
            if (clientId is not null && oauth.FindClient(clientId) is { } known) Interlocked.Increment(ref known.Stats.InvalidClients);
            return Error(KOAuthServer.InvalidClient);
        }
        var body = request.HasFormContentType
            ? (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString())
            : [];
        Dictionary<string, string> p;
        if (generation == KGeneration.V1)
        {
            // V1 documents URL parameters; real clients send a form body too, and it works.
            var query = request.Query.ToDictionary(f => f.Key, f => f.Value.ToString());
            if (query.ContainsKey("grant_type")) Interlocked.Increment(ref client.Stats.ParametersInQuery);
            else Interlocked.Increment(ref client.Stats.ParametersInBody);
            p = body.Concat(query).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        }
        else
        {
            p = body;
        }
        var grantType = p.GetValueOrDefault("grant_type");
        var (answer, error) = grantType switch
        {
            null or "" => (null, new KOAuthError(400, "invalid_request", "Missing form parameter: grant_type")),
            "authorization_code" => oauth.ExchangeCode(client, p.GetValueOrDefault("code") ?? "", p.GetValueOrDefault("redirect_uri")),
            "refresh_token" => oauth.Refresh(client, p.GetValueOrDefault("refresh_token") ?? ""),
            "password" => (null, new KOAuthError(400, "unauthorized_client", "Client not allowed for direct access grants")),
            _ => (null, new KOAuthError(400, "unsupported_grant_type", "Unsupported grant_type")),
        };
        if (error is not null) return Error(error);
        return generation == KGeneration.V1
            ? Results.Json(new Dictionary<string, object>
            {
                ["access_token"] = answer!.AccessToken, ["token_type"] = "bearer", ["refresh_token"] = answer.RefreshToken,
                ["expires_in"] = answer.ExpiresIn, ["scope"] = answer.Scope,
            })
            // Keycloak's token answer.
            : Results.Json(new Dictionary<string, object>
            {
                ["access_token"] = answer!.AccessToken, ["expires_in"] = answer.ExpiresIn, ["refresh_expires_in"] = answer.RefreshExpiresIn,
                ["refresh_token"] = answer.RefreshToken, ["token_type"] = "Bearer", ["not-before-policy"] = 0,
                ["session_state"] = Guid.NewGuid().ToString(), ["scope"] = answer.Scope,
            });
    }

    private static (string? ClientId, string? Secret) BasicCredentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return (null, null);
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = text.IndexOf(':');
            return colon < 0 ? (null, null) : (Uri.UnescapeDataString(text[..colon]), Uri.UnescapeDataString(text[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    public static IResult Error(KOAuthError e) =>
        Results.Json(new Dictionary<string, string> { ["error"] = e.Error, ["error_description"] = e.Description }, statusCode: e.Status);

    private static IResult Html(int status, string message) =>
        Results.Content($"<html><body><h1>We are sorry...</h1><p>{message}</p></body></html>", "text/html", Encoding.UTF8, status);
}
