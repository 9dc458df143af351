namespace Pos.Grpc.LightspeedSimulator;

/// <summary>Configuration section "Simulator" (command line: --Simulator:SalesPerShopPerDay=500).</summary>
public sealed class SimulatorOptions
{
    /// <summary>Seed of the sales generator: the same seed gives the same sales for the same day.</summary>
    public int Seed { get; set; } = 20240101;

    /// <summary>Average sales per shop and day of generated accounts (weekday and noise vary it ±40 %).</summary>
    public int SalesPerShopPerDay { get; set; } = 40;

    /// <summary>First day with generated sales; default: <see cref="HistoryDays"/> before today.</summary>
    public DateOnly? HistoryStart { get; set; }

    public int HistoryDays { get; set; } = 400;

    /// <summary>Creates the three demo accounts (120645 Copenhagen, 182255 US/Pacific + US/Central, 83050 London).</summary>
    public bool SeedDefaultAccounts { get; set; } = true;

    /// <summary>Base of `next`/`previous` URLs and of the token issuer; default: the request's scheme and host.</summary>
    public string? PublicBaseUrl { get; set; }

    public int AccessTokenLifetimeSeconds { get; set; } = 3600;

    public int CodeLifetimeSeconds { get; set; } = 60;

    public int RefreshTokenLifetimeDays { get; set; } = 30;

    /// <summary>Speed of the simulator's clock for codes and tokens (2 = twice as fast). Admin can also jump it.</summary>
    public double ClockScale { get; set; } = 1;

    /// <summary>Spelling of the sale's last-modified field: "updatetime" (endpoint docs) or "updateTime" (tutorial).</summary>
    public string UpdateTimeFieldName { get; set; } = "updatetime";

    /// <summary>
    /// A directory where the OAuth state (signing key, clients, codes, refresh tokens, revocations) is kept, so a
    /// restarted simulator still accepts and refreshes the tokens it issued; in memory only when empty.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>Key signing the HS256 access tokens; random when empty (kept in <see cref="StateDirectory"/> when there is one).</summary>
    public string JwtSigningKey { get; set; } = "";

    /// <summary>
    /// Registered OAuth clients; when none are configured (nor kept in <see cref="StateDirectory"/>), <see cref="DefaultClient"/> is registered. Admin
    /// PUT /__sim/clients/{clientId} adds more at run time. (Empty by default: the configuration binder appends
    /// to a pre-filled list instead of replacing it.)
    /// </summary>
    public List<SimulatorClientOptions> Clients { get; set; } = [];

    public static SimulatorClientOptions DefaultClient => new()
    {
        ClientId = "sim-client", ClientSecret = "sim-secret", RedirectUri = "http://localhost:5080/lightspeed/callback", AccountId = 120645,
    };

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>The Lightspeed Restaurant (K-Series) part of the simulator (section Simulator:KSeries).</summary>
    public KSeries.KSeriesSimulatorOptions KSeries { get; set; } = new();
}

public sealed class SimulatorClientOptions
{
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
    public string RedirectUri { get; set; } = "";
    /// <summary>The account the "merchant" consents for at authorize (override: ?account_id=).</summary>
    public long AccountId { get; set; }
}

/// <summary>The leaky bucket per (account, OAuth client), by the rules of 2026-03-17.</summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;
    public double BucketSize { get; set; } = 90;
    public double BucketSizePerExtraRegister { get; set; } = 10;
    public double DripRate { get; set; } = 1;
    public double DripRatePerExtraRegister { get; set; } = 0.5;
    /// <summary>Drip multiplier for tests (50 = drains fifty times faster). The Drip-Rate header shows the scaled rate.</summary>
    public double TimeScale { get; set; } = 1;
    /// <summary>load_relations costs: +0.2 per to-many relation, doubled on list reads.</summary>
    public bool RelationCosts { get; set; } = true;
    /// <summary>The burst limiter: fixed one-second windows of at most BurstFraction × bucket size × TimeScale requests.</summary>
    public bool BurstLimiter { get; set; } = true;
    /// <summary>20 of a 90-drip bucket, as in the documentation's example header "X-LS-API-Burst-Level: 1/20".</summary>
    public double BurstFraction { get; set; } = 2.0 / 9;
}
