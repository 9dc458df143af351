namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>One department-day of a job: the unit of work and its checkpoint.</summary>
public sealed class ImportUnitEntity
{
    public Guid JobId { get; set; }
    public long DepartmentId { get; set; }
    public DateOnly Date { get; set; }
    /// <summary>The lane that imports it: the POS account of the department when the job was made (e.g. "rseries:120645").</summary>
    public string AccountKey { get; set; } = "";
    /// <summary>0 pending, 1 done, 2 failed.</summary>
    public int State { get; set; }
    /// <summary>Failed reads so far; a pending unit is retried after <see cref="NotBefore"/>.</summary>
    public int Attempts { get; set; }
    public DateTimeOffset? NotBefore { get; set; }
    /// <summary>Machine-readable reason of the last failure.</summary>
    public string? Reason { get; set; }
    public int SalesRead { get; set; }
    public int ValuesWritten { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
