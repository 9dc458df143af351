using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Pos.Grpc.LightspeedSimulator.Domain;

namespace Pos.Grpc.LightspeedSimulator.OAuth;

/// <summary>/auth/oauth/*: the authorize page (consents at once), the token endpoint and revoke.</summary>
public static class OAuthEndpoints
{
    public static void MapOAuth(this WebApplication app)
    {
        app.MapGet("/auth/oauth/authorize", Authorize);
        app.MapPost("/auth/oauth/token", TokenAsync);
        app.MapMethods("/auth/oauth/token", ["GET", "PUT", "DELETE", "PATCH"], () =>
            Error(new OAuthError(405, "invalid_request", "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.", "Use POST")));
        app.MapPost("/auth/oauth/revoke", RevokeAsync);
    }

    /// <summary>
    /// Consents at once and redirects to the client's registered redirect URI with code and state.
    /// Simulator extras for local use: redirect_uri overrides the registered URI, account_id picks the account.
    /// </summary>
    private static IResult Authorize(HttpRequest request, OAuthServer oauth, AccountStore accounts)
    {
        var q = request.Query;
        if (q["response_type"] != "code")
            return Error(new OAuthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.", "Check that all required parameters have been provided"));
        if (oauth.FindClient(q["client_id"].ToString()) is not { } client)
            return Error(new OAuthError(401, "invalid_client", "Client authentication failed"));
        var challenge = q["code_challenge"].ToString();
        var method = q["code_challenge_method"].ToString();
        if (challenge != "" && method is not ("" or "S256"))
            return Error(new OAuthError(400, "invalid_request", "Code challenge method must be S256", "Check the `code_challenge_method` parameter"));

        var accountId = long.TryParse(q["account_id"], out var requested) ? requested : client.AccountId;
        if (accounts.Find(accountId) is null)
            return Error(new OAuthError(400, "invalid_request", $"Unknown account {accountId}", "Check the `account_id` parameter"));
        var redirect = q["redirect_uri"].ToString() is { Length: > 0 } overridden ? overridden : client.RedirectUri;
        var code = oauth.IssueCode(client, accountId, q["scope"].ToString(), challenge == "" ? null : challenge);
        var separator = redirect.Contains('?') ? '&' : '?';
        return Results.Redirect($"{redirect}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(q["state"].ToString())}");
    }

    private static async Task<IResult> TokenAsync(HttpRequest request, OAuthServer oauth, SimulatorOptionsAccessor opts)
    {
        var p = await ReadParametersAsync(request);
        if (p is null)
            return Error(new OAuthError(400, "invalid_request", "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.", "Send application/json, application/x-www-form-urlencoded or multipart/form-data"));
        var clientId = p.GetValueOrDefault("client_id") ?? "";
        var secret = p.GetValueOrDefault("client_secret");
        var issuer = opts.BaseUrl(request);
        var (tokens, error) = p.GetValueOrDefault("grant_type") switch
        {
            "authorization_code" when p.GetValueOrDefault("code") is { Length: > 0 } code =>
                oauth.ExchangeCode(clientId, secret, code, p.GetValueOrDefault("code_verifier"), issuer),
            "refresh_token" when p.GetValueOrDefault("refresh_token") is { Length: > 0 } refresh =>
                oauth.Refresh(clientId, secret, refresh, issuer),
            "authorization_code" or "refresh_token" => (null, new OAuthError(400, "invalid_request",
                "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
                "Check the `code` or `refresh_token` parameter")),
            _ => (null, new OAuthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.", "Check that all required parameters have been provided")),
        };
        if (error is not null) return Error(error);
        // Exactly the four documented fields; expires_in is an integer.
        return Results.Json(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = tokens!.ExpiresIn,
            ["access_token"] = tokens.AccessToken,
            ["refresh_token"] = tokens.RefreshToken,
        });
    }

    private static async Task<IResult> RevokeAsync(HttpRequest request, OAuthServer oauth)
    {
        var p = await ReadParametersAsync(request);
        var token = p?.GetValueOrDefault("refresh_token") ?? p?.GetValueOrDefault("token");
        if (p is null || string.IsNullOrEmpty(token))
            return Error(new OAuthError(400, "invalid_request", "The request is missing a required parameter.", "Check the `refresh_token` parameter"));
        return oauth.Revoke(p.GetValueOrDefault("client_id") ?? "", p.GetValueOrDefault("client_secret"), token)
            ? Results.Json(new { })
            : Error(new OAuthError(401, "invalid_client", "Client authentication failed"));
    }

    /// <summary>JSON, form-urlencoded and multipart bodies are all accepted, as Lightspeed documents.</summary>
    private static async Task<Dictionary<string, string>?> ReadParametersAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            return form.ToDictionary(f => f.Key, f => f.Value.ToString());
        }
        if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true) return null;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            return doc.RootElement.EnumerateObject().ToDictionary(
                p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonHttpResult<Dictionary<string, string>> Error(OAuthError e)
    {
        var body = new Dictionary<string, string> { ["error"] = e.Error, ["error_description"] = e.Description };
        if (e.Hint is not null) body["hint"] = e.Hint;
        return TypedResults.Json(body, statusCode: e.Status);
    }
}
