namespace Pos.Grpc.Host.Features.Imports;

/// <summary>Background workers of this instance (section "Imports:Workers").</summary>
public sealed class ImportWorkerOptions
{
    public const string Section = "Imports:Workers";

    /// <summary>Jobs this instance runs at once; 0 = this instance runs none (it still serves the RPCs).</summary>
    public int Slots { get; set; } = 2;

    /// <summary>How long a claimed job stays ours without renewal; after that another instance may take it over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running job's lease is renewed; well below <see cref="LeaseDuration"/>.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an idle slot looks for work when no "job queued" notification arrives.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts of one department-day on transient failures (the first one included).</summary>
    public int MaxUnitAttempts { get; set; } = 4;

    /// <summary>Wait before the second attempt; doubled for each further one.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On shutdown, how long the department-day in progress may take to finish before it is abandoned (and redone elsewhere).</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Names this instance as a lease owner; unique per process unless configured.</summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public IEnumerable<string> Problems()
    {
        if (Slots < 0) yield return "Slots must not be negative";
        if (LeaseDuration <= TimeSpan.Zero) yield return "LeaseDuration must be positive";
        if (LeaseRenewInterval <= TimeSpan.Zero || LeaseRenewInterval >= LeaseDuration) yield return "LeaseRenewInterval must be positive and shorter than LeaseDuration";
        if (PollInterval <= TimeSpan.Zero) yield return "PollInterval must be positive";
        if (MaxUnitAttempts < 1) yield return "MaxUnitAttempts must be at least 1";
        if (RetryBaseDelay < TimeSpan.Zero) yield return "RetryBaseDelay must not be negative";
        if (string.IsNullOrWhiteSpace(InstanceId) || InstanceId.Length > 200) yield return "InstanceId must be 1-200 characters";
    }
}

/// <summary>WatchImportJob streams (section "Imports:Watch").</summary>
public sealed class ImportWatchOptions
{
    public const string Section = "Imports:Watch";

    /// <summary>A heartbeat is sent after this long without any message; the contract promises at least every 15 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Least time between two progress messages of one stream: notifications arriving faster are coalesced into one read.</summary>
    public TimeSpan MinUpdateInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public IEnumerable<string> Problems()
    {
        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval > TimeSpan.FromSeconds(15)) yield return "HeartbeatInterval must be between 0 and 15 s";
        if (MinUpdateInterval < TimeSpan.Zero || MinUpdateInterval >= HeartbeatInterval) yield return "MinUpdateInterval must be shorter than HeartbeatInterval";
    }
}

/// <summary>The daily import and auto-confirm (section "Imports:Schedule").</summary>
public sealed class ImportScheduleOptions
{
    public const string Section = "Imports:Schedule";

    /// <summary>
    /// Days before yesterday that the daily import redoes while they are not confirmed (late refunds), and
    /// that auto-confirm looks at. Yesterday itself is always in.
    /// </summary>
    public int TrailingDays { get; set; } = 7;

    public IEnumerable<string> Problems()
    {
        if (TrailingDays is < 0 or > 60) yield return "TrailingDays must be 0-60";
    }
}
