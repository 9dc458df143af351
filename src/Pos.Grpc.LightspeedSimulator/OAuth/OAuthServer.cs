using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Pos.Grpc.LightspeedSimulator.Domain;
using Pos.Grpc.LightspeedSimulator.State;

namespace Pos.Grpc.LightspeedSimulator.OAuth;

public sealed record SimClient(string ClientId, string ClientSecret, string RedirectUri, long AccountId);

/// <summary>An OAuth error in league/oauth2-server's shape.</summary>
public sealed record OAuthError(int Status, string Error, string Description, string? Hint = null);

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn);

/// <summary>
/// The OAuth state: registered clients, authorization codes (60 s, single use, PKCE S256), rotating refresh
/// tokens and access-token validation. Rotation follows Lightspeed since 2026-01-15: a refresh returns a new
/// pair, and the old refresh token dies when the new access token is first used; using a dead refresh token
/// gives invalid_grant. Every change is saved to the <see cref="StateDirectory"/> (when one is configured) under
/// the same lock, so a restarted simulator still knows the tokens it issued, as Lightspeed does.
/// </summary>
public sealed class OAuthServer
{
    private const string StateName = "r-series-oauth";

    private readonly SimulatorOptions _options;
    private readonly SimClock _clock;
    private readonly AccountStore _accounts;
    private readonly StateDirectory _stateDirectory;
    private readonly Lock _lock = new();
    private readonly OAuthState _state;
    private readonly SimJwt _jwt;

    public OAuthServer(SimulatorOptions options, SimClock clock, AccountStore accounts, StateDirectory stateDirectory)
    {
        (_options, _clock, _accounts, _stateDirectory) = (options, clock, accounts, stateDirectory);
        _state = stateDirectory.Load<OAuthState>(StateName) ?? new OAuthState();
        // Configured clients win over saved ones (a restart may change a redirect URI); clients added at run time stay.
        foreach (var c in options.Clients) _state.Clients[c.ClientId] = new SimClient(c.ClientId, c.ClientSecret, c.RedirectUri, c.AccountId);
        if (_state.Clients.IsEmpty)
        {
            var d = SimulatorOptions.DefaultClient;
            _state.Clients[d.ClientId] = new SimClient(d.ClientId, d.ClientSecret, d.RedirectUri, d.AccountId);
        }
        if (!string.IsNullOrEmpty(options.JwtSigningKey)) _state.SigningKey = Convert.ToBase64String(Encoding.UTF8.GetBytes(options.JwtSigningKey));
        else if (_state.SigningKey == "") _state.SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _jwt = new SimJwt(Convert.FromBase64String(_state.SigningKey));
        lock (_lock) Save();
    }

    /// <summary>Everything the server knows, as saved: a restart that loads it answers every token as before.</summary>
    internal sealed class OAuthState
    {
        /// <summary>The HS256 key (base64): access tokens issued before a restart still verify after it.</summary>
        public string SigningKey { get; set; } = "";
        public ConcurrentDictionary<string, SimClient> Clients { get; init; } = new();
        public Dictionary<string, CodeGrant> Codes { get; init; } = [];
        public Dictionary<string, RefreshGrant> RefreshTokens { get; init; } = [];
        /// <summary>Access token jti → the refresh token its first use kills.</summary>
        public Dictionary<string, string> KillsOnFirstUse { get; init; } = [];
        public HashSet<string> RevokedJtis { get; init; } = [];
        /// <summary>Per account: tokens issued at or before this instant are dead (the "revoked tokens" switch).</summary>
        public Dictionary<long, DateTimeOffset> TokensRevokedAt { get; init; } = [];
    }

    internal sealed class CodeGrant
    {
        public required SimClient Client { get; init; }
        public required long AccountId { get; init; }
        public required string Scope { get; init; }
        public string? Challenge { get; init; }
        public required DateTimeOffset ExpiresAt { get; init; }
        public bool Used { get; set; }
    }

    internal sealed class RefreshGrant
    {
        public required string ClientId { get; init; }
        public required long AccountId { get; init; }
        public required string Scope { get; init; }
        public required DateTimeOffset IssuedAt { get; init; }
        public required DateTimeOffset ExpiresAt { get; init; }
        /// <summary>Consumed (a successor access token was used) or revoked: any further use is invalid_grant.</summary>
        public bool Dead { get; set; }
        public List<string> AccessJtis { get; init; } = [];
    }

    public SimClient? FindClient(string clientId) => _state.Clients.TryGetValue(clientId, out var c) ? c : null;

    public void PutClient(SimClient client)
    {
        lock (_lock)
        {
            _state.Clients[client.ClientId] = client;
            Save();
        }
    }

    /// <summary>The "revoked tokens" switch: every token issued so far for the account dies.</summary>
    public void RevokeAccountTokens(long accountId)
    {
        lock (_lock)
        {
            _state.TokensRevokedAt[accountId] = _clock.UtcNow;
            Save();
        }
    }

    /// <summary>A fresh single-use code for the consent that the authorize page gives at once.</summary>
    public string IssueCode(SimClient client, long accountId, string scope, string? challenge)
    {
        var code = "def50200" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        lock (_lock)
        {
            _state.Codes[code] = new CodeGrant
            {
                Client = client, AccountId = accountId, Scope = scope, Challenge = challenge,
                ExpiresAt = _clock.UtcNow.AddSeconds(_options.CodeLifetimeSeconds),
            };
            Save();
        }
        return code;
    }

    public (TokenPair? Tokens, OAuthError? Error) ExchangeCode(
        string clientId, string? clientSecret, string code, string? codeVerifier, string issuer)
    {
        lock (_lock)
        {
            if (!_state.Codes.TryGetValue(code, out var grant))
                return Fail(null, "invalid_grant", "Cannot decrypt the authorization code");
            if (grant.Client.ClientId != clientId)
                return Fail(grant.AccountId, "invalid_grant", "Authorization code was not issued to this client");
            if (ClientError(grant.Client, clientSecret, pkce: grant.Challenge is not null) is { } clientError)
                return (null, clientError);
            if (grant.Used)
                return Fail(grant.AccountId, "invalid_grant", "Authorization code has been revoked");
            if (_clock.UtcNow > grant.ExpiresAt)
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
            var pair = Issue(grant.Client.ClientId, grant.AccountId, grant.Scope, issuer);
            Save();
            return (pair, null);
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
            if (!_state.RefreshTokens.TryGetValue(refreshToken, out var grant))
                return Fail(null, "invalid_grant", "Cannot decrypt the refresh token");
            if (grant.ClientId != clientId)
                return Fail(grant.AccountId, "invalid_grant", "Token is not linked to client");
            if (grant.Dead || IsRevokedForAccount(grant.AccountId, grant.IssuedAt))
                return Fail(grant.AccountId, "invalid_grant", "Token has been revoked");
            if (_clock.UtcNow > grant.ExpiresAt)
                return Fail(grant.AccountId, "invalid_grant", "Token has expired");

            var pair = Issue(clientId, grant.AccountId, grant.Scope, issuer);
            _state.KillsOnFirstUse[Jti(pair.AccessToken)] = refreshToken;
            if (Account(grant.AccountId) is { } account) Interlocked.Increment(ref account.Stats.Refreshes);
            Save();
            return (pair, null);
        }
    }

    /// <summary>Revokes a refresh token and every access token issued with it.</summary>
    public bool Revoke(string clientId, string? clientSecret, string refreshToken)
    {
        lock (_lock)
        {
            if (FindClient(clientId) is not { } client || ClientError(client, clientSecret, pkce: true) is not null) return false;
            if (!_state.RefreshTokens.TryGetValue(refreshToken, out var grant) || grant.ClientId != clientId) return true;
            grant.Dead = true;
            foreach (var jti in grant.AccessJtis) _state.RevokedJtis.Add(jti);
            Save();
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
        if (_clock.UtcNow > claims.ExpiresAt) return (null, "Access token could not be verified");
        lock (_lock)
        {
            if (_state.RevokedJtis.Contains(claims.Jti) || IsRevokedForAccount(claims.AccountId, claims.IssuedAt))
                return (null, "Access token has been revoked");
            if (_state.KillsOnFirstUse.Remove(claims.Jti, out var parent))
            {
                if (_state.RefreshTokens.TryGetValue(parent, out var old)) old.Dead = true;
                Save();
            }
        }
        return (claims, null);
    }

    private bool IsRevokedForAccount(long accountId, DateTimeOffset issuedAt) =>
        _state.TokensRevokedAt.TryGetValue(accountId, out var revokedAt) && issuedAt <= revokedAt;

    /// <summary>Saves the whole state; called under <see cref="_lock"/> after every change.</summary>
    private void Save() => _stateDirectory.Save(StateName, _state);

    private TokenPair Issue(string clientId, long accountId, string scope, string issuer)
    {
        var now = _clock.UtcNow;
        var jti = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var access = _jwt.Create(new AccessTokenClaims(issuer, clientId, "1", accountId, scope, now,
            now.AddSeconds(_options.AccessTokenLifetimeSeconds), jti));
        var refresh = "def50200" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(48));
        var grant = new RefreshGrant
        {
            ClientId = clientId, AccountId = accountId, Scope = scope, IssuedAt = now,
            ExpiresAt = now.AddDays(_options.RefreshTokenLifetimeDays),
        };
        grant.AccessJtis.Add(jti);
        _state.RefreshTokens[refresh] = grant;
        return new TokenPair(access, refresh, _options.AccessTokenLifetimeSeconds);
    }

    private string Jti(string accessToken) => _jwt.Read(accessToken)!.Jti;

    private SimAccount? Account(long id) => _accounts.Find(id);

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
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
