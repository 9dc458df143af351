namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>
/// An import job: which department-days (import_units), per account its lane's work (import_job_accounts), progress
/// counters updated in the same transaction as each department-day's checkpoint. Only the engine's
/// ImportJobStore changes it.
/// </summary>
public sealed class ImportJobEntity
{
    public Guid Id { get; set; }
    public long ClientId { get; set; }
    public long[] DepartmentIds { get; set; } = [];
    public DateOnly FromDate { get; set; }
    public DateOnly UntilDate { get; set; }
    public bool OverwriteApproved { get; set; }
    /// <summary>ImportTrigger enum value.</summary>
    public int Trigger { get; set; }
    /// <summary>ImportJobState enum value.</summary>
    public int State { get; set; }
    /// <summary>Idempotency key of StartImport, unique per client.</summary>
    public string? RequestId { get; set; }
    /// <summary>For scheduled jobs the local date of the schedule: unique per client, so one job a day across instances.</summary>
    public DateOnly? ScheduledFor { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>Failed department-days are retried until then (a scheduled job: the client's confirm time that day).</summary>
    public DateTimeOffset? RetryUntil { get; set; }
    /// <summary>W3C traceparent of the call (or night) that created the job; the engine's spans link to it.</summary>
    public string? TraceParent { get; set; }

    public int DepartmentDaysTotal { get; set; }
    public int DepartmentDaysDone { get; set; }
    public long SalesRead { get; set; }
    public long ValuesWritten { get; set; }
    public long ValuesSkippedApproved { get; set; }
    public long ValuesOverwrittenApproved { get; set; }
    public long RequestsMade { get; set; }
    public long RateLimitWaitMs { get; set; }
    /// <summary>JSON object: sales read but not counted, by the POS's own type ({"SPLIT": 3}).</summary>
    public string SkippedSales { get; set; } = "{}";
    /// <summary>JSON array of errors {department_id, date, reason, message}.</summary>
    public string Errors { get; set; } = "[]";
    /// <summary>Bumped on every change watchers should see.</summary>
    public long ProgressVersion { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
