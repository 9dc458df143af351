namespace Pos.Grpc.LightspeedSimulator.KSeries;

/// <summary>Configuration section "Simulator:KSeries" (command line: --Simulator:KSeries:SalesPerLocationPerDay=200).</summary>
public sealed class KSeriesSimulatorOptions
{
    /// <summary>Seed of the sales generator: the same seed gives the same sales for the same location and day.</summary>
    public int Seed { get; set; } = 20240101;

    /// <summary>Average checks per location and day of generated locations (weekday and noise vary it).</summary>
    public int SalesPerLocationPerDay { get; set; } = 80;

    /// <summary>Days of history generated locations have (their first operational day is that long before today).</summary>
    public int HistoryDays { get; set; } = 400;

    /// <summary>Creates the sandbox location (45454565682155, Copenhagen, 3 devices) and the sandbox OAuth clients.</summary>
    public bool SeedSandbox { get; set; } = true;

    /// <summary>Authorization codes live this long ("approximately 15 seconds").</summary>
    public int CodeLifetimeSeconds { get; set; } = 15;

    /// <summary>V1 lifetimes are fixed by Lightspeed: access 60 minutes, refresh 14 days.</summary>
    public int V1AccessTokenLifetimeSeconds { get; set; } = 3600;

    public int V1RefreshTokenLifetimeDays { get; set; } = 14;

    /// <summary>V2 access-token lifetime (expires_in). Keycloak's default is 300 s; Lightspeed says "variable".</summary>
    public int V2AccessTokenLifetimeSeconds { get; set; } = 300;

    /// <summary>V2 refresh-token lifetime without offline_access (refresh_expires_in); with it, 0 (an offline token).</summary>
    public int V2RefreshTokenLifetimeSeconds { get; set; } = 1800;

    /// <summary>What pageSize above 100 does on /f/v2/.../sales: "clamp" (to 100, the default) or "reject" (400).</summary>
    public string PageSizeAboveMaximum { get; set; } = "clamp";

    /// <summary>How the last page of /f/v2/.../sales says it is the last: "absent" (no nextPageToken), "empty" ("") or "null".</summary>
    public string LastPageToken { get; set; } = "absent";

    /// <summary>Spelling of the location id in /f/data/businesses: "blID" (the documentation) or "blId".</summary>
    public string LocationIdFieldName { get; set; } = "blID";

    /// <summary>Spelling of V1 time fields: "timeofCloseAndPaid" (current OpenAPI) or "timeOfCloseAndPaid" (older examples);
    /// timeofOpening / timeofSale follow.</summary>
    public string V1CloseFieldName { get; set; } = "timeofCloseAndPaid";

    /// <summary>Refund lines carry negative quantities and amounts (the documentation shows no example; negative is inferred).</summary>
    public bool RefundsNegative { get; set; } = true;

    /// <summary>Optional token bucket per OAuth client over the API: 429 with Retry-After when empty. Off by default
    /// (K-Series documents no limit).</summary>
    public KSeriesRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Registered OAuth clients on top of the sandbox ones; admin PUT /__sim/kseries/clients/{id} adds more.</summary>
    public List<KSeriesClientOptions> Clients { get; set; } = [];
}

public sealed class KSeriesClientOptions
{
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
    /// <summary>"V1" or "V2": which OAuth server knows the client.</summary>
    public string Generation { get; set; } = "V2";
    /// <summary>Exact redirect URI; empty: any.</summary>
    public string RedirectUri { get; set; } = "";
    /// <summary>Locations the consenting user sees; empty: every location (override per authorisation: ?bl_ids=1,2).</summary>
    public List<long> LocationIds { get; set; } = [];
    public string UserEmail { get; set; } = "owner@sandbox.example";
}

public sealed class KSeriesRateLimitOptions
{
    public bool Enabled { get; set; }
    public double Capacity { get; set; } = 20;
    public double RefillPerSecond { get; set; } = 5;
}
