namespace Pos.Grpc.Host.Engine;

/// <summary>
/// The import engine of this instance (section "Imports:Engine"). There is no size knob: an instance runs a lane for
/// every account with work it can claim, and the database budget (Database:MaxConnections) bounds what they share.
/// </summary>
public sealed class EngineOptions
{
    public const string Section = "Imports:Engine";

    /// <summary>Whether this instance runs lanes; off, it still serves every RPC (and creates jobs).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a claimed lane stays ours without renewal; after that another instance may take it over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the instance renews the leases of all its lanes (one statement); well below <see cref="LeaseDuration"/>.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the instance looks for lanes to claim when no "job queued" notification arrives.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts of a manual job's department-day on transient failures (the first one included).</summary>
    public int MaxUnitAttempts { get; set; } = 4;

    /// <summary>A manual job's wait before the second attempt; doubled for each further one.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A scheduled job's wait before retrying a failed day; doubled each time up to <see cref="NightlyRetryMaxDelay"/>, until the client's confirm time.</summary>
    public TimeSpan NightlyRetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan NightlyRetryMaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>On shutdown, how long the department-days already read may take to be written before they are left to whoever resumes.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Names this instance as a lease owner; unique per process unless configured.</summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public IEnumerable<string> Problems()
    {
        if (LeaseDuration <= TimeSpan.Zero) yield return "LeaseDuration must be positive";
        if (LeaseRenewInterval <= TimeSpan.Zero || LeaseRenewInterval >= LeaseDuration) yield return "LeaseRenewInterval must be positive and shorter than LeaseDuration";
        if (PollInterval <= TimeSpan.Zero) yield return "PollInterval must be positive";
        if (MaxUnitAttempts < 1) yield return "MaxUnitAttempts must be at least 1";
        if (RetryBaseDelay < TimeSpan.Zero) yield return "RetryBaseDelay must not be negative";
        if (NightlyRetryBaseDelay <= TimeSpan.Zero || NightlyRetryMaxDelay < NightlyRetryBaseDelay) yield return "NightlyRetryBaseDelay must be positive and at most NightlyRetryMaxDelay";
        if (ShutdownGrace < TimeSpan.Zero) yield return "ShutdownGrace must not be negative";
        if (string.IsNullOrWhiteSpace(InstanceId) || InstanceId.Length > 200) yield return "InstanceId must be 1-200 characters";
    }
}
