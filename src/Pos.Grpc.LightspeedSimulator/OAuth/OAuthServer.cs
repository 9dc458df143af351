using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Pos.Grpc.LightspeedSimulator.Domain;

namespace Pos.Grpc.LightspeedSimulator.OAuth;

public sealed record SimClient(string ClientId, string ClientSecret, string RedirectUri, long AccountId);

/// <summary>An OAuth error in league/oauth2-server's shape.</summary>
public sealed record OAuthError(int Status, string Error, string Description, string? Hint = null);

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn);

/// <summary>
/// The OAuth state: registered clients, authorization codes (60 s, single use, PKCE S256), rotating refresh
/// tokens and access-token validation. Rotation follows Lightspeed since 2026-01-15: a refresh returns a new
/// pair, and the old refresh token dies when the new access token is first used; using a dead refresh token
/// gives invalid_grant.
/// </summary>
public sealed class OAuthServer(SimulatorOptions options, SimClock clock, AccountStore accounts)
{
    private sealed class CodeGrant
    {
        public required SimClient Client { get; init; }
        public required long AccountId { get; init; }
        public required string Scope { get; init; }
        public string? Challenge { get; init; }
        public required DateTimeOffset ExpiresAt { get; init; }
        public bool Used { get; set; }
    }

    private sealed class RefreshGrant
    {
        public required string ClientId { get; init; }
        public required long AccountId { get; init; }
        public required string Scope { get; init; }
        public required DateTimeOffset IssuedAt { get; init; }
        public required DateTimeOffset ExpiresAt { get; init; }
        /// <summary>Consumed (a successor access token was used) or revoked: any further use is invalid_grant.</summary>
        public bool Dead { get; set; }
        public List<string> AccessJtis { get; } = [];
    }

    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, SimClient> _clients = new(
        options.Clients.Select(c => KeyValuePair.Create(c.ClientId, new SimClient(c.ClientId, c.ClientSecret, c.RedirectUri, c.AccountId))));
    private readonly Dictionary<string, CodeGrant> _codes = new();
    private readonly Dictionary<string, RefreshGrant> _refreshTokens = new();
    /// <summary>Access token jti → the refresh token its first use kills.</summary>
    private readonly Dictionary<string, string> _killsOnFirstUse = new();
    private readonly HashSet<string> _revokedJtis = [];
    private readonly SimJwt _jwt = new(string.IsNullOrEmpty(options.JwtSigningKey)
        ? RandomNumberGenerator.GetBytes(32)
        : Encoding.UTF8.GetBytes(options.JwtSigningKey));

    public SimClient? FindClient(string clientId) => _clients.TryGetValue(clientId, out var c) ? c : null;

    public void PutClient(SimClient client) => _clients[client.ClientId] = client;

    /// <summary>A fresh single-use code for the consent that the authorize page gives at once.</summary>
    public string IssueCode(SimClient client, long accountId, string scope, string? challenge)
    {
        var code = "def50200" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        lock (_lock)
            _codes[code] = new CodeGrant
            {
                Client = client, AccountId = accountId, Scope = scope, Challenge = challenge,
                ExpiresAt = clock.UtcNow.AddSeconds(options.CodeLifetimeSeconds),
            };
        return code;
    }

    public (TokenPair? Tokens, OAuthError? Error) ExchangeCode(
        string clientId, string? clientSecret, string code, string? codeVerifier, string issuer)
    {
        lock (_lock)
        {
            if (!_codes.TryGetValue(code, out var grant))
                return Fail(null, "invalid_grant", "Cannot decrypt the authorization code");
            if (grant.Client.ClientId != clientId)
                return Fail(grant.AccountId, "invalid_grant", "Authorization code was not issued to this client");
            if (ClientError(grant.Client, clientSecret, pkce: grant.Challenge is not null) is { } clientError)
                return (null, clientError);
            if (grant.Used)
                return Fail(grant.AccountId, "invalid_grant", "Authorization code has been revoked");
            if (clock.UtcNow > grant.ExpiresAt)
                return Fail(grant.AccountId, "invalid_grant", "Authorization code has expired");
            if (grant.Challenge is not null)
            {
                if (string.IsNullOrEmpty(codeVerifier))
                    return (null, new OAuthError(400, "invalid_request",
                        "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
                        "Check the `code_verifier` parameter"));
                if (S256(codeVerifier) != grant.Challenge)
                    return Fail(grant.AccountId, "invalid_grant", "Failed to verify `code_verifier`.");
            }
            grant.Used = true;
            Interlocked.Increment(ref Account(grant.AccountId)!.Stats.CodeExchanges);
            return (Issue(grant.Client.ClientId, grant.AccountId, grant.Scope, issuer), null);
        }
    }

    public (TokenPair? Tokens, OAuthError? Error) Refresh(string clientId, string? clientSecret, string refreshToken, string issuer)
    {
        lock (_lock)
        {
            if (FindClient(clientId) is not { } client)
                return (null, InvalidClient());
            if (ClientError(client, clientSecret, pkce: true) is { } clientError)
                return (null, clientError);
            if (!_refreshTokens.TryGetValue(refreshToken, out var grant))
                return Fail(null, "invalid_grant", "Cannot decrypt the refresh token");
            if (grant.ClientId != clientId)
                return Fail(grant.AccountId, "invalid_grant", "Token is not linked to client");
            if (grant.Dead || grant.IssuedAt <= (Account(grant.AccountId)?.TokensRevokedAt ?? DateTimeOffset.MinValue))
                return Fail(grant.AccountId, "invalid_grant", "Token has been revoked");
            if (clock.UtcNow > grant.ExpiresAt)
                return Fail(grant.AccountId, "invalid_grant", "Token has expired");

            var pair = Issue(clientId, grant.AccountId, grant.Scope, issuer);
            _killsOnFirstUse[Jti(pair.AccessToken)] = refreshToken;
            if (Account(grant.AccountId) is { } account) Interlocked.Increment(ref account.Stats.Refreshes);
            return (pair, null);
        }
    }

    /// <summary>Revokes a refresh token and every access token issued with it.</summary>
    public bool Revoke(string clientId, string? clientSecret, string refreshToken)
    {
        lock (_lock)
        {
            if (FindClient(clientId) is not { } client || ClientError(client, clientSecret, pkce: true) is not null) return false;
            if (!_refreshTokens.TryGetValue(refreshToken, out var grant) || grant.ClientId != clientId) return true;
            grant.Dead = true;
            foreach (var jti in grant.AccessJtis) _revokedJtis.Add(jti);
            return true;
        }
    }

    /// <summary>
    /// Validates a bearer token for the API. The first use of an access token obtained by refresh kills the
    /// refresh token it was obtained with.
    /// </summary>
    public (AccessTokenClaims? Claims, string? Hint) Validate(string? bearer)
    {
        if (string.IsNullOrEmpty(bearer)) return (null, "Missing \"Authorization\" header");
        var claims = _jwt.Read(bearer);
        if (claims is null) return (null, "Access token could not be verified");
        if (clock.UtcNow > claims.ExpiresAt) return (null, "Access token could not be verified");
        var account = Account(claims.AccountId);
        lock (_lock)
        {
            if (_revokedJtis.Contains(claims.Jti) || claims.IssuedAt <= (account?.TokensRevokedAt ?? DateTimeOffset.MinValue))
                return (null, "Access token has been revoked");
            if (_killsOnFirstUse.Remove(claims.Jti, out var parent) && _refreshTokens.TryGetValue(parent, out var old))
                old.Dead = true;
        }
        return (claims, null);
    }

    private TokenPair Issue(string clientId, long accountId, string scope, string issuer)
    {
        var now = clock.UtcNow;
        var jti = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var access = _jwt.Create(new AccessTokenClaims(issuer, clientId, "1", accountId, scope, now,
            now.AddSeconds(options.AccessTokenLifetimeSeconds), jti));
        var refresh = "def50200" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(48));
        var grant = new RefreshGrant
        {
            ClientId = clientId, AccountId = accountId, Scope = scope, IssuedAt = now,
            ExpiresAt = now.AddDays(options.RefreshTokenLifetimeDays),
        };
        grant.AccessJtis.Add(jti);
        _refreshTokens[refresh] = grant;
        return new TokenPair(access, refresh, options.AccessTokenLifetimeSeconds);
    }

    private string Jti(string accessToken) => _jwt.Read(accessToken)!.Jti;

    private SimAccount? Account(long id) => accounts.Find(id);

    private static OAuthError? ClientError(SimClient client, string? secret, bool pkce)
    {
        // Public clients (PKCE) may omit the secret; a secret that is sent must be right.
        if (string.IsNullOrEmpty(secret) ? !pkce && client.ClientSecret != "" : secret != client.ClientSecret)
            return InvalidClient();
        return null;
    }

    private static OAuthError InvalidClient() => new(401, "invalid_client", "Client authentication failed");

    private (TokenPair?, OAuthError?) Fail(long? accountId, string error, string hint)
    {
        if (accountId is { } id && Account(id) is { } account) Interlocked.Increment(ref account.Stats.InvalidGrants);
        return (null, new OAuthError(400, error,
            "The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
            hint));
    }

    public static string S256(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
