namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>One department-day of a job: the unit of work and its checkpoint.</summary>
public sealed class ImportUnitEntity
{
    public Guid JobId { get; set; }
    public long DepartmentId { get; set; }
    public DateOnly Date { get; set; }
    /// <summary>0 pending, 1 done, 2 failed.</summary>
    public int State { get; set; }
    public int SalesRead { get; set; }
    public int ValuesWritten { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
