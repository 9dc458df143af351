using Pos.Grpc.Contracts.Imports.V1;

namespace Pos.Grpc.Host.Engine.Jobs;

/// <summary>One department-day of a new job, and the POS account (lane) that imports it.</summary>
public readonly record struct DepartmentDay(long DepartmentId, DateOnly Date, string AccountKey);

/// <summary>
/// A job about to be queued. The manual start and the nightly schedule both describe their jobs this way and hand
/// them to <see cref="ImportJobStore.CreateAsync"/>, so a job always has exactly one import_units row per
/// department-day, one import_job_accounts row per account, and a matching DepartmentDaysTotal.
/// </summary>
/// <param name="ProbedAccounts">Accounts whose trailing days the night finds with the POS's change cursor (scheduled jobs).</param>
/// <param name="RetryUntil">Failed days are retried until then (scheduled: the client's confirm time); null = a manual job's bounded attempts.</param>
public sealed record NewImportJob(
    long ClientId,
    IReadOnlyList<DepartmentDay> Units,
    bool OverwriteApproved,
    ImportTrigger Trigger,
    string CreatedBy,
    string? RequestId = null,
    DateOnly? ScheduledFor = null,
    IReadOnlyCollection<string>? ProbedAccounts = null,
    DateTimeOffset? RetryUntil = null);
