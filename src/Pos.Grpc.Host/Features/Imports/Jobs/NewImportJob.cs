using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.Imports.Jobs;

/// <summary>One department-day of a new job.</summary>
public readonly record struct DepartmentDay(long DepartmentId, DateOnly Date);

/// <summary>
/// A job about to be queued: the manual start and the daily schedule both create jobs this way, so a job
/// always has exactly one import_units row per department-day and a matching DepartmentDaysTotal.
/// </summary>
public sealed record NewImportJob(
    long ClientId,
    IReadOnlyList<DepartmentDay> Units,
    bool OverwriteApproved,
    ImportTrigger Trigger,
    string CreatedBy,
    string? RequestId = null,
    DateOnly? ScheduledFor = null)
{
    /// <summary>Adds the job and its units in <paramref name="db"/>'s open transaction and announces it; the caller commits.</summary>
    public async Task<ImportJobEntity> AddAsync(PosDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Units.Count == 0) throw new InvalidOperationException("A job needs at least one department-day.");
        var job = new ImportJobEntity
        {
            Id = Guid.CreateVersion7(now),
            ClientId = ClientId,
            DepartmentIds = Units.Select(u => u.DepartmentId).Distinct().Order().ToArray(),
            FromDate = Units.Min(u => u.Date),
            UntilDate = Units.Max(u => u.Date),
            OverwriteApproved = OverwriteApproved,
            Trigger = (int)Trigger,
            State = ImportStates.Queued,
            RequestId = RequestId,
            ScheduledFor = ScheduledFor,
            CreatedBy = CreatedBy,
            CreatedAt = now,
            UpdatedAt = now,
            DepartmentDaysTotal = Units.Count,
            ProgressVersion = 1,
        };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);

        // One statement however many units (a 400-day range of many departments is tens of thousands of rows).
        var departmentIds = Units.Select(u => u.DepartmentId).ToArray();
        var dates = Units.Select(u => u.Date).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO import_units (job_id, department_id, date, state, sales_read, values_written)
            SELECT {job.Id}, u.department_id, u.date, {ImportStates.UnitPending}, 0, 0
            FROM unnest({departmentIds}, {dates}) AS u(department_id, date)
            """, cancellationToken);
        await ImportNotifications.JobQueuedAsync(db, cancellationToken);
        return job;
    }
}
