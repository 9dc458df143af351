using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Features.Imports.Engine;
using Pos.Grpc.Host.Features.Imports.Jobs;
using Pos.Grpc.Host.Features.WeeklyBalance;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Contracts.Imports.V1;

namespace Pos.Grpc.Host.Features.Imports.Workers;

/// <summary>
/// Runs one claimed job to its end, or until it must stop. Pending department-days are imported in
/// (department, date) order; departments on different Lightspeed accounts run side by side (each account has its
/// own rate limit), the days of one account one after another. Each day is fetched outside any transaction,
/// then written and checkpointed in ONE transaction that first checks the lease is still ours, so a job killed
/// at any moment and resumed elsewhere redoes at most its unfinished days and ends with the same numbers.
/// </summary>
public sealed class ImportJobRunner(
    IServiceScopeFactory scopes,
    ImportLeases leases,
    TimeProvider clock,
    IOptions<ImportWorkerOptions> options,
    ILogger<ImportJobRunner> logger)
{
    private enum UnitOutcome { Done, DayFailed, DepartmentFailed, LeaseLost }

    private sealed record PendingUnit(long DepartmentId, DateOnly Date);

    public async Task RunAsync(Guid jobId, CancellationToken stopping)
    {
        using var run = new JobRun(jobId, stopping, options.Value.ShutdownGrace);
        var keeper = KeepLeaseAsync(run);
        try
        {
            await ProcessAsync(run);
            await FinishAsync(run);
        }
        finally
        {
            run.StopKeeper();
            await keeper;
        }
    }

    private async Task ProcessAsync(JobRun run)
    {
        ImportJobEntity job;
        List<PendingUnit> pending;
        Dictionary<long, string?> accounts;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
            job = await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == run.JobId, run.Work);
            if (job.CancelRequested) return;
            pending = await db.ImportUnits.AsNoTracking()
                .Where(u => u.JobId == run.JobId && u.State == ImportStates.UnitPending)
                .OrderBy(u => u.DepartmentId).ThenBy(u => u.Date)
                .Select(u => new PendingUnit(u.DepartmentId, u.Date))
                .ToListAsync(run.Work);
            var departmentIds = job.DepartmentIds;
            accounts = await db.Departments.AsNoTracking()
                .Where(d => departmentIds.Contains(d.Id))
                .ToDictionaryAsync(d => d.Id, d => d.PosClientNumber, run.Work);
        }
        logger.LogInformation("Import job {JobId}: {Pending} department-days to import", run.JobId, pending.Count);

        // A department without an account (deleted, or its POS number cleared) gets a lane of its own and fails there.
        var existing = accounts.Keys.ToHashSet();
        var lanes = pending
            .GroupBy(u => accounts.GetValueOrDefault(u.DepartmentId) ?? $"department {u.DepartmentId}")
            .Select(lane => RunLaneAsync(run, job, existing, lane.ToList()));
        await Task.WhenAll(lanes);
    }

    private async Task RunLaneAsync(JobRun run, ImportJobEntity job, IReadOnlySet<long> existing,
        IReadOnlyList<PendingUnit> units)
    {
        await Task.Yield();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
        var importer = scope.ServiceProvider.GetRequiredService<IDepartmentDayImporter>();
        await using var readAhead = new DayReadAhead(importer, run.Work);
        long? givenUp = null;
        try
        {
            for (var i = 0; i < units.Count; i++)
            {
                var unit = units[i];
                if (unit.DepartmentId == givenUp) continue;
                if (!await AtUnitBoundaryAsync(run)) return;
                var next = i + 1 < units.Count && existing.Contains(units[i + 1].DepartmentId) ? WorkOf(job, units[i + 1]) : null;
                var outcome = existing.Contains(unit.DepartmentId)
                    ? await ImportUnitAsync(run, db, importer, WorkOf(job, unit), readAhead, next)
                    : await FailAsync(run, db, unit, wholeDepartment: true, "DEPARTMENT_DELETED",
                        $"Department {unit.DepartmentId} was deleted after the job was created.");
                if (outcome == UnitOutcome.DepartmentFailed) givenUp = unit.DepartmentId;
                if (outcome == UnitOutcome.LeaseLost)
                {
                    run.MarkLeaseLost();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (run.Work.IsCancellationRequested || run.Stopping.IsCancellationRequested)
        {
            // Lease lost or shutting down: the day in progress stays pending for whoever resumes the job.
        }
        catch (Exception ex)
        {
            // Not even the failure could be recorded (e.g. the database is gone). The lease runs out and the job resumes later.
            logger.LogError(ex, "Import job {JobId} stopped working on a lane", run.JobId);
        }
    }

    private static DepartmentDayWork WorkOf(ImportJobEntity job, PendingUnit unit) =>
        new(job.Id, job.ClientId, unit.DepartmentId, unit.Date, job.OverwriteApproved, job.CreatedBy);

    /// <summary>Between department-days: stop when shutting down, when the job was cancelled, or when it is no longer ours.</summary>
    private async Task<bool> AtUnitBoundaryAsync(JobRun run)
    {
        if (run.ShouldStop) return false;
        var (owned, cancelRequested) = await leases.CheckAsync(run.JobId, run.BetweenUnits);
        if (!owned) run.MarkLeaseLost();
        else if (cancelRequested) run.MarkCancelSeen();
        return !run.ShouldStop;
    }

    /// <summary>
    /// Imports one department-day, retrying what can be retried. Once the day is fetched, <paramref name="next"/>
    /// (the lane's next day, if any) is read ahead while this one is written.
    /// </summary>
    private async Task<UnitOutcome> ImportUnitAsync(JobRun run, PosDbContext db, IDepartmentDayImporter importer,
        DepartmentDayWork work, DayReadAhead readAhead, DepartmentDayWork? next)
    {
        var settings = options.Value;
        var attempt = 0;
        var databaseOutages = 0;
        var readAlready = await readAhead.TakeAsync(work);
        while (true)
        {
            try
            {
                // Only the first attempt can use the read-ahead; a retry fetches again.
                var preparing = readAlready ?? importer.PrepareAsync(work, run.Work);
                readAlready = null;
                var prepared = await preparing;
                if (next is not null) readAhead.Start(next);
                return await CheckpointAsync(run, db, importer, prepared) ? UnitOutcome.Done : UnitOutcome.LeaseLost;
            }
            catch (ImportUnitException e) when (e.Permanent)
            {
                logger.LogWarning("Import job {JobId}: department {DepartmentId} stopped on {Date}: {Reason} {Message}",
                    work.JobId, work.DepartmentId, Dates.ToWire(work.Date), e.Reason, e.Message);
                return await FailAsync(run, db, new PendingUnit(work.DepartmentId, work.Date), wholeDepartment: true, e.Reason, e.Message);
            }
            catch (Exception e) when (!run.Work.IsCancellationRequested && IsDatabaseOutage(e))
            {
                // PostgreSQL failed, not the day: waiting for it uses none of the day's attempts. Counting them would
                // record the day as failed as soon as the database is back, and the job would end SUCCEEDED without
                // it. Meanwhile the lease may run out; then the checkpoint (or the renewal) finds the job taken over
                // and this run stops, and a shutdown ends the wait at once.
                databaseOutages++;
                logger.LogWarning("Import job {JobId}: department {DepartmentId} {Date} waits for the database ({Message})",
                    work.JobId, work.DepartmentId, Dates.ToWire(work.Date), e.Message);
                await Task.Delay(settings.RetryBaseDelay * Math.Pow(2, Math.Min(databaseOutages - 1, 4)), run.BetweenUnits);
            }
            catch (Exception e) when (!run.Work.IsCancellationRequested)
            {
                attempt++;
                var (reason, message) = e is ImportUnitException unitError
                    ? (unitError.Reason, unitError.Message)
                    : ("UNEXPECTED_ERROR", "An unexpected error occurred; it has been logged.");
                if (attempt >= settings.MaxUnitAttempts)
                {
                    logger.LogWarning(e, "Import job {JobId}: department {DepartmentId} {Date} failed after {Attempts} attempts",
                        work.JobId, work.DepartmentId, Dates.ToWire(work.Date), attempt);
                    return await FailAsync(run, db, new PendingUnit(work.DepartmentId, work.Date), wholeDepartment: false, reason, $"{message} (gave up after {attempt} attempts)");
                }
                logger.LogInformation("Import job {JobId}: department {DepartmentId} {Date} attempt {Attempt} failed ({Reason}); retrying",
                    work.JobId, work.DepartmentId, Dates.ToWire(work.Date), attempt, reason);
                await Task.Delay(settings.RetryBaseDelay * Math.Pow(2, attempt - 1), run.BetweenUnits);
            }
            finally
            {
                // Whatever the importer tracked belongs to this attempt only; memory stays flat over a long range.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Writes a prepared day and records it as done, in one transaction. Returns false (writing nothing) when
    /// the lease is no longer ours: the instance that has the job now will import the day itself.
    /// </summary>
    private async Task<bool> CheckpointAsync(JobRun run, PosDbContext db, IDepartmentDayImporter importer, PreparedDay prepared)
    {
        var cancellationToken = run.Work;
        var work = prepared.Work;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await LockJobIfOursAsync(db, run.JobId, cancellationToken)) return false;
        // The confirmation lock of the department: "spare approved numbers" cannot race a day being confirmed,
        // and two jobs writing the same department-day take turns.
        await DepartmentLock.AcquireAsync(db, work.DepartmentId, cancellationToken);

        var written = await importer.WriteAsync(db, prepared, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        var now = clock.GetStorableUtcNow();
        var marked = await db.ImportUnits
            .Where(u => u.JobId == work.JobId && u.DepartmentId == work.DepartmentId && u.Date == work.Date && u.State == ImportStates.UnitPending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(u => u.State, ImportStates.UnitDone)
                .SetProperty(u => u.SalesRead, prepared.SalesRead)
                .SetProperty(u => u.ValuesWritten, written.ValuesWritten)
                .SetProperty(u => u.Error, (string?)null)
                .SetProperty(u => u.FinishedAt, now), cancellationToken);
        // Already done: an earlier commit whose acknowledgement was lost. Counting it again would double the
        // numbers, so this transaction is rolled back (the values are the same either way).
        if (marked == 0) return true;

        // The day's import record: which job imported it last, and when (auto-confirm reads it).
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO imported_days (department_id, date, job_id, imported_at)
            VALUES ({work.DepartmentId}, {work.Date}, {work.JobId}, {now})
            ON CONFLICT (department_id, date) DO UPDATE SET job_id = excluded.job_id, imported_at = excluded.imported_at
            """, cancellationToken);
        var rateLimitWaitMs = (long)prepared.RateLimitWait.TotalMilliseconds;
        await db.ImportJobs.Where(j => j.Id == work.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.DepartmentDaysDone, j => j.DepartmentDaysDone + 1)
            .SetProperty(j => j.SalesRead, j => j.SalesRead + prepared.SalesRead)
            .SetProperty(j => j.ValuesWritten, j => j.ValuesWritten + written.ValuesWritten)
            .SetProperty(j => j.ValuesSkippedApproved, j => j.ValuesSkippedApproved + written.ValuesSkippedApproved)
            .SetProperty(j => j.ValuesOverwrittenApproved, j => j.ValuesOverwrittenApproved + written.ValuesOverwrittenApproved)
            .SetProperty(j => j.RequestsMade, j => j.RequestsMade + prepared.RequestsMade)
            .SetProperty(j => j.RateLimitWaitMs, j => j.RateLimitWaitMs + rateLimitWaitMs)
            .SetProperty(j => j.ProgressVersion, j => j.ProgressVersion + 1)
            .SetProperty(j => j.UpdatedAt, now), cancellationToken);
        await ImportNotifications.JobChangedAsync(db, work.JobId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Marks the day (or every remaining day of its department) failed and records the error.</summary>
    private async Task<UnitOutcome> FailAsync(JobRun run, PosDbContext db, PendingUnit unit, bool wholeDepartment, string reason, string message)
    {
        var cancellationToken = run.Work;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await LockJobIfOursAsync(db, run.JobId, cancellationToken)) return UnitOutcome.LeaseLost;
        var now = clock.GetStorableUtcNow();
        var units = db.ImportUnits.Where(u => u.JobId == run.JobId && u.DepartmentId == unit.DepartmentId && u.State == ImportStates.UnitPending);
        if (!wholeDepartment) units = units.Where(u => u.Date == unit.Date);
        var error = message.Length <= 1000 ? message : message[..1000];
        await units.ExecuteUpdateAsync(s => s
            .SetProperty(u => u.State, ImportStates.UnitFailed)
            .SetProperty(u => u.Error, error)
            .SetProperty(u => u.FinishedAt, now), cancellationToken);
        var json = ImportErrors.ToJsonArray(new ImportErrorRecord(unit.DepartmentId, Dates.ToWire(unit.Date), reason, message));
        await db.Database.ExecuteSqlAsync($"""
            UPDATE import_jobs
            SET errors = CASE WHEN jsonb_array_length(errors) < {ImportErrors.MaxStored} THEN errors || {json}::jsonb ELSE errors END,
                progress_version = progress_version + 1, updated_at = {now}
            WHERE id = {run.JobId}
            """, cancellationToken);
        await ImportNotifications.JobChangedAsync(db, run.JobId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return wholeDepartment ? UnitOutcome.DepartmentFailed : UnitOutcome.DayFailed;
    }

    /// <summary>
    /// Ends the run. Cancelled → CANCELLED. Every day processed → SUCCEEDED, even when some departments or days
    /// failed (they are listed per department and in errors), or FAILED when not a single day could be imported.
    /// Days left over (shutdown) → the lease is given back so another instance resumes at once.
    /// Days left over otherwise (a lane broke down) → the lease simply runs out and the job resumes after it.
    /// </summary>
    private async Task FinishAsync(JobRun run)
    {
        if (run.LeaseLost) return;
        // Not the stopping token: a job whose last day is done must be finished even while the host stops.
        var cancellationToken = CancellationToken.None;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var cancelRequested = await db.Database.SqlQuery<bool>($"""
            SELECT cancel_requested AS "Value" FROM import_jobs
            WHERE id = {run.JobId} AND lease_owner = {options.Value.InstanceId} AND state = {ImportStates.Running}
            FOR UPDATE
            """).ToListAsync(cancellationToken);
        if (cancelRequested.Count == 0) return;

        var units = await db.ImportUnits.AsNoTracking().Where(u => u.JobId == run.JobId)
            .GroupBy(u => u.State).Select(g => new { State = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.State, g => g.Count, cancellationToken);
        var done = units.GetValueOrDefault(ImportStates.UnitDone);
        var failed = units.GetValueOrDefault(ImportStates.UnitFailed);
        var pending = units.GetValueOrDefault(ImportStates.UnitPending);

        int state;
        if (cancelRequested[0]) state = ImportStates.Cancelled;
        else if (pending > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            if (run.Stopping.IsCancellationRequested)
            {
                await leases.ReleaseAsync(run.JobId, cancellationToken);
                logger.LogInformation("Import job {JobId}: released at shutdown with {Pending} department-days left", run.JobId, pending);
            }
            return;
        }
        else state = done == 0 && failed > 0 ? ImportStates.Failed : ImportStates.Succeeded;

        var now = clock.GetStorableUtcNow();
        await db.ImportJobs.Where(j => j.Id == run.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.State, state)
            .SetProperty(j => j.FinishedAt, now)
            .SetProperty(j => j.LeaseOwner, (string?)null)
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(j => j.ProgressVersion, j => j.ProgressVersion + 1)
            .SetProperty(j => j.UpdatedAt, now), cancellationToken);
        await ImportNotifications.JobChangedAsync(db, run.JobId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Import job {JobId} ended {State}: {Done} days imported, {Failed} failed, {Pending} not done",
            run.JobId, (ImportJobState)state, done, failed, pending);
    }

    /// <summary>
    /// PostgreSQL unreachable, restarting or refusing for now (Npgsql's transient failures, however EF wraps them):
    /// a retry can succeed. Failures of the POS side arrive as <see cref="ImportUnitException"/> and are never this,
    /// even when a socket error is their cause.
    /// </summary>
    private static bool IsDatabaseOutage(Exception exception)
    {
        if (exception is ImportUnitException) return false;
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is Npgsql.NpgsqlException { IsTransient: true }) return true;
        return false;
    }

    /// <summary>Locks the job row for the rest of the transaction if our lease still holds it.</summary>
    private async Task<bool> LockJobIfOursAsync(PosDbContext db, Guid jobId, CancellationToken cancellationToken)
    {
        var owned = await db.Database.SqlQuery<int>($"""
            SELECT 1 AS "Value" FROM import_jobs
            WHERE id = {jobId} AND lease_owner = {options.Value.InstanceId} AND state = {ImportStates.Running}
            FOR UPDATE
            """).ToListAsync(cancellationToken);
        return owned.Count == 1;
    }

    /// <summary>Renews the lease until the run ends; a renewal that finds the job no longer ours stops the run.</summary>
    private async Task KeepLeaseAsync(JobRun run)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseRenewInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(run.Keeper))
            {
                try
                {
                    if (await leases.RenewAsync(run.JobId, run.Keeper)) continue;
                    logger.LogWarning("Import job {JobId}: lease lost; another instance has it now", run.JobId);
                    run.MarkLeaseLost();
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Keep trying: a short database outage must not end the run, and the write transactions check ownership anyway.
                    logger.LogWarning("Import job {JobId}: lease renewal failed ({Message})", run.JobId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }
}
