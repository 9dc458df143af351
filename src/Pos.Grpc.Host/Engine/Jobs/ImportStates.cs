using Pos.Grpc.Contracts.Imports.V1;

namespace Pos.Grpc.Host.Engine.Jobs;

/// <summary>The stored values of job and unit states (import_jobs.state is the ImportJobState enum value).</summary>
public static class ImportStates
{
    public const int Queued = (int)ImportJobState.Queued;
    public const int Running = (int)ImportJobState.Running;
    public const int Succeeded = (int)ImportJobState.Succeeded;
    public const int Failed = (int)ImportJobState.Failed;
    public const int Cancelled = (int)ImportJobState.Cancelled;

    /// <summary>Jobs in these states still hold their department-days: a new job overlapping them is refused.</summary>
    public static readonly int[] Active = [Queued, Running];

    public static bool IsTerminal(int state) => state is Succeeded or Failed or Cancelled;

    /// <summary>import_units.state: the unit still has to be imported.</summary>
    public const int UnitPending = 0;
    /// <summary>import_units.state: imported and checkpointed.</summary>
    public const int UnitDone = 1;
    /// <summary>import_units.state: given up (a permanent error, or transient errors past the retry limit).</summary>
    public const int UnitFailed = 2;
}

/// <summary>The stored values of import_job_accounts.probe_state.</summary>
public static class ProbeStates
{
    /// <summary>No change probe: a manual job, or an account read in full.</summary>
    public const int None = 0;
    /// <summary>The night must still ask the POS which trailing days changed.</summary>
    public const int Pending = 1;
    /// <summary>Asked; the changed days are units of the job now.</summary>
    public const int Done = 2;
}
