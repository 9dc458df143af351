using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Features.Departments;
using Pos.Grpc.Host.Features.Imports.Jobs;
using Pos.Grpc.Host.Features.Settings;
using Pos.Grpc.Host.Features.WeeklyBalance;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;

namespace Pos.Grpc.Host.Features.Imports.Scheduling;

/// <summary>
/// The daily import (docs/domain.md section 9): once the schedule's 02:00 has passed on a Copenhagen day, every client
/// with POS import enabled and an ACTIVE connection gets ONE scheduled job for that day. It is safe to run any
/// number of times on any number of instances: the unique (client_id, scheduled_for) key, checked under the
/// client's lock, lets only the first create the job. That is also how a missed 02:00 is caught up: the
/// next run of the day (at start-up or every few minutes) finds the job missing and creates it.
/// </summary>
public sealed class ScheduledImportPlanner(
    PosDbContext db,
    TimeProvider clock,
    IOptions<ImportScheduleOptions> options,
    ILogger<ScheduledImportPlanner> logger)
{
    public const string ScheduleTimeZone = "Europe/Copenhagen";
    public static readonly TimeOnly DailyAt = new(2, 0);
    public const string Actor = "scheduler";

    /// <summary>Creates the jobs due today that do not exist yet; returns how many this call created.</summary>
    public async Task<int> CreateDueJobsAsync(CancellationToken cancellationToken)
    {
        var localNow = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZones.Find(ScheduleTimeZone));
        // Before 02:00 today's run is not due; yesterday's job was made (or caught up) yesterday.
        if (TimeOnly.FromDateTime(localNow.DateTime) < DailyAt) return 0;
        var scheduledFor = DateOnly.FromDateTime(localNow.DateTime);

        var clientIds = await db.GeneralSettings.AsNoTracking()
            .Where(s => s.PosImportEnabled && s.PosIntegrationService != (int)PosIntegrationService.Unspecified
                        && db.LightspeedConnections.Any(c => c.ClientId == s.ClientId && c.State == (int)ConnectionState.Active)
                        && !db.ImportJobs.Any(j => j.ClientId == s.ClientId && j.ScheduledFor == scheduledFor))
            .OrderBy(s => s.ClientId)
            .Select(s => s.ClientId)
            .ToListAsync(cancellationToken);

        var created = 0;
        foreach (var clientId in clientIds)
        {
            try
            {
                if (await CreateForClientAsync(clientId, scheduledFor, cancellationToken)) created++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One client's problem must not keep the others from their import; the next run retries it.
                logger.LogError(ex, "Could not create the scheduled import of client {ClientId} for {Date}", clientId, Dates.ToWire(scheduledFor));
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
        if (created > 0) logger.LogInformation("Scheduled imports for {Date}: {Created} jobs created", Dates.ToWire(scheduledFor), created);
        return created;
    }

    private async Task<bool> CreateForClientAsync(long clientId, DateOnly scheduledFor, CancellationToken cancellationToken)
    {
        await using var transaction = await ClientConfigurationLock.BeginAsync(db, clientId, cancellationToken);
        // Another instance may have created it while we waited for the lock.
        if (await db.ImportJobs.AnyAsync(j => j.ClientId == clientId && j.ScheduledFor == scheduledFor, cancellationToken)) return false;

        var units = await PlanUnitsAsync(clientId, cancellationToken);
        if (units.Count == 0) return false;

        var now = clock.GetStorableUtcNow();
        try
        {
            var job = await new NewImportJob(clientId, units, OverwriteApproved: false, ImportTrigger.Scheduled, Actor, ScheduledFor: scheduledFor)
                .AddAsync(db, now, cancellationToken);
            AuditTrail.Record(db, Actor, clientId, null, "import.schedule", "import_job", job.Id.ToString(),
                new { scheduled_for = Dates.ToWire(scheduledFor), department_ids = job.DepartmentIds, department_days = units.Count }, now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The unique key is the last word on "one per client per day"; someone else got there first.
            return false;
        }
    }

    /// <summary>
    /// Per department whose Lightspeed account has an ACTIVE connection: yesterday in the department's own zone
    /// (the day that has just ended there), plus each of the <see cref="ImportScheduleOptions.TrailingDays"/> days
    /// before it that still has a register day without approved numbers (late refunds may have changed it).
    /// </summary>
    private async Task<List<DepartmentDay>> PlanUnitsAsync(long clientId, CancellationToken cancellationToken)
    {
        var settings = await db.GetOrDefaultAsync(clientId, cancellationToken);
        var activeAccounts = await db.LightspeedConnections.AsNoTracking()
            .Where(c => c.ClientId == clientId && c.State == (int)ConnectionState.Active && c.AccountId != null)
            .Select(c => c.AccountId!)
            .ToListAsync(cancellationToken);
        var departments = await db.Departments.AsNoTracking().Include(d => d.Registers)
            .Where(d => d.ClientId == clientId && d.PosClientNumber != null && activeAccounts.Contains(d.PosClientNumber))
            .OrderBy(d => d.Id)
            .ToListAsync(cancellationToken);

        var trailingDays = options.Value.TrailingDays;
        var units = new List<DepartmentDay>();
        foreach (var department in departments)
        {
            var zone = TimeZones.ForDepartment(department.TimeZone, settings.TimeZone);
            var yesterday = TimeZones.Today(clock, zone).AddDays(-1);
            var first = yesterday.AddDays(-trailingDays);
            var approved = await ApprovedNumbers.InRangeAsync(db, department.Id, first, yesterday, cancellationToken);
            for (var date = first; date < yesterday; date = date.AddDays(1))
            {
                var day = date;
                if (Enumerable.Range(1, department.RegisterCount).Any(register => !approved.Contains(new RegisterDay(register, day))))
                    units.Add(new DepartmentDay(department.Id, date));
            }
            units.Add(new DepartmentDay(department.Id, yesterday));
        }
        return units;
    }
}
