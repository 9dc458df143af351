using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Pos.Grpc.LightspeedSimulator.KSeries.Domain;
using Pos.Grpc.LightspeedSimulator.State;

namespace Pos.Grpc.LightspeedSimulator.KSeries.OAuth;

public enum KGeneration { V1 = 1, V2 = 2 }

/// <summary>A registered API client: which OAuth server knows it, where it may redirect, what its user sees.</summary>
public sealed record KClient(
    string ClientId, string ClientSecret, KGeneration Generation, string RedirectUri, IReadOnlyList<long> LocationIds, string UserEmail)
{
    public KClientStats Stats { get; } = new();
}

/// <summary>Counters of one client's token calls, read from GET /__sim/kseries/clients/{id}/stats.</summary>
public sealed class KClientStats
{
    public long CodeExchanges;
    public long Refreshes;
    public long InvalidGrants;
    public long InvalidClients;
    /// <summary>V1 token calls whose grant parameters came as URL query parameters, or in a form body.</summary>
    public long ParametersInQuery;
    public long ParametersInBody;
}

/// <summary>An OAuth error in Keycloak's shape.</summary>
public sealed record KOAuthError(int Status, string Error, string Description);

/// <summary>What an access token grants: its client, the locations its user sees, its scope.</summary>
public sealed record KGrant(KClient Client, IReadOnlyList<long> LocationIds, string Scope, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt);

public sealed record KTokenAnswer(string AccessToken, string RefreshToken, int ExpiresIn, int RefreshExpiresIn, string Scope, KGeneration Generation);

/// <summary>
/// The OAuth state of both K-Series generations: clients, codes (~15 s, single use, bound to their redirect URI),
/// access tokens and single-use refresh tokens. A refresh spends its refresh token at once; using it again is
/// invalid_grant "Token is not active". Access tokens issued before stay valid until they expire.
/// Clients registered through the admin API and the live tokens are saved to the <see cref="StateDirectory"/> (when one
/// is configured) under "k-series-oauth" after every change, so a restarted sandbox still refreshes a connection it
/// authorised before, as the R-Series one does. Codes (15 s) are not kept.
/// </summary>
public sealed class KOAuthServer
{
    public const string SandboxV2ClientId = "devp-v2-demo-sandbox";
    public const string SandboxV1ClientId = "devp-demo-sandbox";
    public const string SandboxSecret = "sandbox-secret";

    private sealed record Code(KGrant Grant, string RedirectUri, DateTimeOffset ExpiresAt);

    private const string StateName = "k-series-oauth";

    private readonly KSeriesSimulatorOptions options;
    private readonly SimClock clock;
    private readonly KLocationStore locations;
    private readonly StateDirectory _stateDirectory;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, KClient> _clients;
    private readonly Dictionary<string, Code> _codes = new();
    private readonly Dictionary<string, KGrant> _accessTokens = new();
    private readonly Dictionary<string, KGrant> _refreshTokens = new();

    public KOAuthServer(KSeriesSimulatorOptions options, SimClock clock, KLocationStore locations, StateDirectory stateDirectory)
    {
        this.options = options;
        this.clock = clock;
        this.locations = locations;
        _stateDirectory = stateDirectory;
        _clients = new ConcurrentDictionary<string, KClient>(SeedClients(options));
        if (stateDirectory.Load<KOAuthState>(StateName) is { } state) Restore(state);
    }

    /// <summary>What is saved: registered clients and live tokens, grants naming their client by id.</summary>
    internal sealed class KOAuthState
    {
        public List<KClientRecord> Clients { get; set; } = [];
        public Dictionary<string, KGrantRecord> AccessTokens { get; set; } = [];
        public Dictionary<string, KGrantRecord> RefreshTokens { get; set; } = [];
    }

    internal sealed record KClientRecord(string ClientId, string ClientSecret, KGeneration Generation, string RedirectUri, List<long> LocationIds, string UserEmail);

    internal sealed record KGrantRecord(string ClientId, List<long> LocationIds, string Scope, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt);

    private void Restore(KOAuthState state)
    {
        foreach (var c in state.Clients) _clients[c.ClientId] = new KClient(c.ClientId, c.ClientSecret, c.Generation, c.RedirectUri, c.LocationIds, c.UserEmail);
        foreach (var (token, grant) in state.AccessTokens) if (GrantOf(grant) is { } g) _accessTokens[token] = g;
        foreach (var (token, grant) in state.RefreshTokens) if (GrantOf(grant) is { } g) _refreshTokens[token] = g;
    }

    private KGrant? GrantOf(KGrantRecord r) =>
        FindClient(r.ClientId) is { } client ? new KGrant(client, r.LocationIds, r.Scope, r.IssuedAt, r.ExpiresAt) : null;

    /// <summary>Saves the whole state; called under <see cref="_lock"/> after every change. Expired tokens are dropped first.</summary>
    private void Save()
    {
        if (!_stateDirectory.IsEnabled) return;
        var now = clock.UtcNow;
        foreach (var expired in _accessTokens.Where(t => t.Value.ExpiresAt < now).Select(t => t.Key).ToList()) _accessTokens.Remove(expired);
        foreach (var expired in _refreshTokens.Where(t => t.Value.ExpiresAt < now).Select(t => t.Key).ToList()) _refreshTokens.Remove(expired);
        static KGrantRecord Record(KGrant g) => new(g.Client.ClientId, g.LocationIds.ToList(), g.Scope, g.IssuedAt, g.ExpiresAt);
        _stateDirectory.Save(StateName, new KOAuthState
        {
            Clients = _clients.Values.Where(c => !IsSeeded(c.ClientId))
                .Select(c => new KClientRecord(c.ClientId, c.ClientSecret, c.Generation, c.RedirectUri, c.LocationIds.ToList(), c.UserEmail)).ToList(),
            AccessTokens = _accessTokens.ToDictionary(t => t.Key, t => Record(t.Value)),
            RefreshTokens = _refreshTokens.ToDictionary(t => t.Key, t => Record(t.Value)),
        });
    }

    private bool IsSeeded(string clientId) =>
        options.SeedSandbox && clientId is SandboxV1ClientId or SandboxV2ClientId || options.Clients.Any(c => c.ClientId == clientId);

    private static IEnumerable<KeyValuePair<string, KClient>> SeedClients(KSeriesSimulatorOptions options)
    {
        var configured = options.Clients.Select(c => new KClient(c.ClientId, c.ClientSecret,
            Enum.Parse<KGeneration>(c.Generation, ignoreCase: true), c.RedirectUri, c.LocationIds, c.UserEmail));
        var sandbox = options.SeedSandbox
            ? new[]
            {
                new KClient(SandboxV2ClientId, SandboxSecret, KGeneration.V2, "", [], "owner@sandbox.example"),
                new KClient(SandboxV1ClientId, SandboxSecret, KGeneration.V1, "", [], "owner@sandbox.example"),
            }
            : [];
        return sandbox.Concat(configured).Select(c => KeyValuePair.Create(c.ClientId, c));
    }

    public KClient? FindClient(string clientId) => _clients.TryGetValue(clientId, out var c) ? c : null;

    public void PutClient(KClient client)
    {
        lock (_lock)
        {
            _clients[client.ClientId] = client;
            Save();
        }
    }

    /// <summary>The client of a Basic header, when its secret matches.</summary>
    public KClient? Authenticate(string? clientId, string? secret) =>
        clientId is not null && FindClient(clientId) is { } c && c.ClientSecret == secret ? c : null;

    /// <summary>A fresh code for the consent the authorize page gives at once.</summary>
    public string IssueCode(KClient client, IReadOnlyList<long> locationIds, string scope, string redirectUri)
    {
        var code = Random(24);
        lock (_lock)
            _codes[code] = new Code(new KGrant(client, locationIds, scope, clock.UtcNow, null), redirectUri,
                clock.UtcNow.AddSeconds(options.CodeLifetimeSeconds));
        return code;
    }

    public (KTokenAnswer? Answer, KOAuthError? Error) ExchangeCode(KClient client, string code, string? redirectUri)
    {
        lock (_lock)
        {
            if (!_codes.Remove(code, out var grant) || grant.Grant.Client.ClientId != client.ClientId || clock.UtcNow > grant.ExpiresAt)
                return InvalidGrant(client, "Code not valid");
            if (redirectUri != grant.RedirectUri)
                return InvalidGrant(client, "Incorrect redirect_uri");
            Interlocked.Increment(ref client.Stats.CodeExchanges);
            var answer = Issue(grant.Grant with { IssuedAt = clock.UtcNow });
            Save();
            return (answer, null);
        }
    }

    public (KTokenAnswer? Answer, KOAuthError? Error) Refresh(KClient client, string refreshToken)
    {
        lock (_lock)
        {
            // Single use: the token is spent by this call whatever follows.
            if (!_refreshTokens.Remove(refreshToken, out var grant) || grant.Client.ClientId != client.ClientId
                || grant.ExpiresAt is { } expires && clock.UtcNow > expires || Revoked(grant))
            {
                Save();
                return InvalidGrant(client, "Token is not active");
            }
            Interlocked.Increment(ref client.Stats.Refreshes);
            var answer = Issue(grant with { IssuedAt = clock.UtcNow });
            Save();
            return (answer, null);
        }
    }

    /// <summary>The grant of a bearer token, or null when it is unknown, expired or revoked.</summary>
    public KGrant? Validate(string? bearer)
    {
        if (string.IsNullOrEmpty(bearer)) return null;
        lock (_lock)
        {
            if (!_accessTokens.TryGetValue(bearer, out var grant)) return null;
            return clock.UtcNow > grant.ExpiresAt || Revoked(grant) ? null : grant;
        }
    }

    /// <summary>Tokens of a consent that covers a location whose tokens were revoked after they were issued are dead.</summary>
    private bool Revoked(KGrant grant) =>
        grant.LocationIds.Any(id => locations.Find(id) is { } l && grant.IssuedAt <= l.TokensRevokedAt);

    private KTokenAnswer Issue(KGrant grant)
    {
        var v1 = grant.Client.Generation == KGeneration.V1;
        var expiresIn = v1 ? options.V1AccessTokenLifetimeSeconds : options.V2AccessTokenLifetimeSeconds;
        var offline = !v1 && grant.Scope.Split(' ').Contains("offline_access");
        var refreshExpiresIn = v1 ? options.V1RefreshTokenLifetimeDays * 86400 : offline ? 0 : options.V2RefreshTokenLifetimeSeconds;
        var access = (v1 ? "ksim-v1-at-" : "ksim-v2-at-") + Random(32);
        var refresh = (v1 ? "ksim-v1-rt-" : "ksim-v2-rt-") + Random(32);
        _accessTokens[access] = grant with { ExpiresAt = grant.IssuedAt.AddSeconds(expiresIn) };
        _refreshTokens[refresh] = grant with { ExpiresAt = refreshExpiresIn == 0 ? null : grant.IssuedAt.AddSeconds(refreshExpiresIn) };
        return new KTokenAnswer(access, refresh, expiresIn, refreshExpiresIn, grant.Scope, grant.Client.Generation);
    }

    private static (KTokenAnswer?, KOAuthError?) InvalidGrant(KClient client, string description)
    {
        Interlocked.Increment(ref client.Stats.InvalidGrants);
        return (null, new KOAuthError(400, "invalid_grant", description));
    }

    public static KOAuthError InvalidClient => new(401, "invalid_client", "Invalid client or Invalid client credentials");

    private static string Random(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));
}
