using System.Data;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Days;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;

namespace Pos.Grpc.Host.Engine.Jobs;

/// <summary>
/// The one owner of an import job's life (as River keeps its job queries and Hangfire its states in one place): every statement that
/// creates, claims, renews, checkpoints, retries, fails, finishes or cancels a job, its units, its lanes and the
/// accounts' watermarks is here. The lanes and the RPCs call it; nothing else writes these tables.
/// <para>
/// Leases are the database's clock (now()), the one clock every instance shares. The engine's statements run under
/// the pool's engine share (<see cref="PosDatabase.EngineShare"/>), so however many lanes run, the engine never holds more
/// connections than that and the RPCs always find some in the pool.
/// </para>
/// </summary>
public sealed class ImportJobStore(
    PosDatabase database,
    IServiceScopeFactory scopes,
    DayValuesWriter writer,
    TimeProvider clock,
    EngineMetrics metrics,
    IOptions<EngineOptions> options)
{
    private EngineOptions Options => options.Value;

    private string Owner => Options.InstanceId;

    // ---------------------------------------------------------------------------------------------------------------
    // Jobs made by callers: inside their transaction (which holds the client's configuration lock).

    /// <summary>Adds the job, its units and its accounts in <paramref name="db"/>'s open transaction and announces it; the caller commits.</summary>
    public async Task<ImportJobEntity> CreateAsync(PosDbContext db, NewImportJob spec, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (spec.Units.Count == 0) throw new InvalidOperationException("A job needs at least one department-day.");
        var job = new ImportJobEntity
        {
            Id = Guid.CreateVersion7(now),
            ClientId = spec.ClientId,
            DepartmentIds = spec.Units.Select(u => u.DepartmentId).Distinct().Order().ToArray(),
            FromDate = spec.Units.Min(u => u.Date),
            UntilDate = spec.Units.Max(u => u.Date),
            OverwriteApproved = spec.OverwriteApproved,
            Trigger = (int)spec.Trigger,
            State = ImportStates.Queued,
            RequestId = spec.RequestId,
            ScheduledFor = spec.ScheduledFor,
            RetryUntil = spec.RetryUntil,
            CreatedBy = spec.CreatedBy,
            // The trace of the call (or the night) that made the job: the lanes' spans link to it.
            TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } creator ? creator.Id : null,
            CreatedAt = now,
            UpdatedAt = now,
            DepartmentDaysTotal = spec.Units.Count,
            ProgressVersion = 1,
        };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);

        // One statement per table however many units (a 400-day range of many departments is tens of thousands of rows).
        var departmentIds = spec.Units.Select(u => u.DepartmentId).ToArray();
        var dates = spec.Units.Select(u => u.Date).ToArray();
        var accounts = spec.Units.Select(u => u.AccountKey).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO import_units (job_id, department_id, date, account_key, state, attempts, sales_read, values_written)
            SELECT {job.Id}, u.department_id, u.date, u.account_key, {ImportStates.UnitPending}, 0, 0, 0
            FROM unnest({departmentIds}, {dates}, {accounts}) AS u(department_id, date, account_key)
            """, cancellationToken);
        var jobAccounts = accounts.Distinct().Order().ToArray();
        var probed = jobAccounts.Select(a => spec.ProbedAccounts?.Contains(a) == true ? ProbeStates.Pending : ProbeStates.None).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO import_job_accounts (job_id, account_key, probe_state, probe_attempts)
            SELECT {job.Id}, a.account_key, a.probe_state, 0
            FROM unnest({jobAccounts}, {probed}) AS a(account_key, probe_state)
            """, cancellationToken);
        await ImportNotifications.JobQueuedAsync(db, jobAccounts, cancellationToken);
        return job;
    }

    /// <summary>Reads and locks a job for a change the caller decides on (its access check comes first); null when it does not exist.</summary>
    public async Task<ImportJobEntity?> LockAsync(PosDbContext db, Guid jobId, CancellationToken cancellationToken) =>
        await db.ImportJobs.FromSql($"SELECT * FROM import_jobs WHERE id = {jobId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Cancels a QUEUED or RUNNING job locked by <see cref="LockAsync"/>, at once: its pending days stay unwritten, what was
    /// written stays. A lane writing one of its days right now either committed before (kept) or finds it cancelled and
    /// writes nothing (every checkpoint locks the job row first). The caller saves and commits.
    /// </summary>
    public async Task CancelAsync(PosDbContext db, ImportJobEntity job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!ImportStates.Active.Contains(job.State)) throw new InvalidOperationException($"Job {job.Id} is not active.");
        job.CancelRequested = true;
        job.State = ImportStates.Cancelled;
        job.FinishedAt = now;
        job.ProgressVersion++;
        job.UpdatedAt = now;
        await ImportNotifications.JobChangedAsync(db, job.Id, cancellationToken);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Lanes: one per POS account with work, one instance at a time.

    /// <summary>
    /// Takes up to <paramref name="max"/> accounts that have due work (a pending department-day or change probe of an
    /// active job, past its retry time) and no live lease, night work first, then the oldest jobs. Two instances
    /// claiming at once never get the same account: the upsert only takes a lease that has run out.
    /// </summary>
    public Task<IReadOnlyList<string>> ClaimLanesAsync(int max, CancellationToken cancellationToken) =>
        WithConnectionAsync<IReadOnlyList<string>>(async connection =>
        {
            await using var claim = new NpgsqlCommand("""
                WITH due AS (
                    SELECT ja.account_key,
                           min(CASE WHEN j.trigger = @scheduled THEN 0 ELSE 1 END) AS priority,
                           min(j.created_at) AS oldest
                    FROM import_job_accounts ja
                    JOIN import_jobs j ON j.id = ja.job_id AND j.state IN (@queued, @running)
                    WHERE (ja.probe_state = @probe_pending AND (ja.probe_not_before IS NULL OR ja.probe_not_before <= @now))
                       OR EXISTS (SELECT 1 FROM import_units u
                                  WHERE u.account_key = ja.account_key AND u.job_id = ja.job_id AND u.state = @pending
                                    AND (u.not_before IS NULL OR u.not_before <= @now))
                    GROUP BY ja.account_key),
                free AS (
                    SELECT due.account_key FROM due
                    LEFT JOIN import_lanes l ON l.account_key = due.account_key
                    WHERE l.account_key IS NULL OR l.lease_expires_at < now()
                    ORDER BY due.priority, due.oldest
                    LIMIT @max)
                INSERT INTO import_lanes (account_key, lease_owner, lease_expires_at)
                SELECT account_key, @owner, now() + @lease FROM free
                ON CONFLICT (account_key) DO UPDATE SET lease_owner = excluded.lease_owner, lease_expires_at = excluded.lease_expires_at
                WHERE import_lanes.lease_expires_at < now()
                RETURNING account_key
                """, connection);
            claim.Parameters.AddWithValue("scheduled", (int)ImportTrigger.Scheduled);
            claim.Parameters.AddWithValue("queued", ImportStates.Queued);
            claim.Parameters.AddWithValue("running", ImportStates.Running);
            claim.Parameters.AddWithValue("probe_pending", ProbeStates.Pending);
            claim.Parameters.AddWithValue("pending", ImportStates.UnitPending);
            claim.Parameters.AddWithValue("max", max);
            // Retry times are the host's clock (they come from it); leases are the database's.
            claim.Parameters.AddWithValue("now", clock.GetStorableUtcNow());
            claim.Parameters.AddWithValue("owner", Owner);
            claim.Parameters.AddWithValue("lease", Options.LeaseDuration);
            return await ReadStringsAsync(claim, cancellationToken);
        }, cancellationToken);

    /// <summary>Extends the leases of the given lanes in one statement; returns those still ours (the others were taken over).</summary>
    public Task<IReadOnlySet<string>> RenewLanesAsync(IReadOnlyCollection<string> accountKeys, CancellationToken cancellationToken) =>
        WithConnectionAsync<IReadOnlySet<string>>(async connection =>
        {
            if (accountKeys.Count == 0) return new HashSet<string>();
            await using var renew = new NpgsqlCommand("""
                UPDATE import_lanes SET lease_expires_at = now() + @lease
                WHERE lease_owner = @owner AND account_key = ANY(@keys)
                RETURNING account_key
                """, connection);
            renew.Parameters.AddWithValue("lease", Options.LeaseDuration);
            renew.Parameters.AddWithValue("owner", Owner);
            renew.Parameters.AddWithValue("keys", accountKeys.ToArray());
            return (await ReadStringsAsync(renew, cancellationToken)).ToHashSet();
        }, cancellationToken);

    /// <summary>
    /// Gives lanes back: the lease ends now, so any instance may claim them at once. <paramref name="announce"/> (at
    /// shutdown, when work is left) tells the other instances' lane schedulers to look now rather than at their next poll.
    /// </summary>
    public Task ReleaseLanesAsync(IReadOnlyCollection<string> accountKeys, bool announce, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            if (accountKeys.Count == 0) return 0;
            await using var release = new NpgsqlCommand($"""
                UPDATE import_lanes SET lease_owner = NULL, lease_expires_at = now()
                WHERE lease_owner = @owner AND account_key = ANY(@keys);
                SELECT pg_notify('{ImportNotifications.QueuedChannel}', @payload) WHERE @announce;
                """, connection);
            release.Parameters.AddWithValue("owner", Owner);
            release.Parameters.AddWithValue("keys", accountKeys.ToArray());
            release.Parameters.AddWithValue("announce", announce);
            // The released accounts have no running lane anywhere: only the lane schedulers wake.
            release.Parameters.AddWithValue("payload", string.Join(',', accountKeys.Take(200)));
            return await release.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>The lane's work: per active job, its pending department-days on this account (due or not) and its probe.</summary>
    public Task<LaneWork> LoadLaneWorkAsync(string accountKey, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            await using var jobs = new NpgsqlCommand("""
                SELECT j.id, j.client_id, j.trigger, j.overwrite_approved, j.created_by, j.created_at, j.retry_until, j.scheduled_for,
                       ja.probe_state, ja.probe_attempts, ja.probe_not_before, j.trace_parent
                FROM import_job_accounts ja JOIN import_jobs j ON j.id = ja.job_id
                WHERE ja.account_key = @key AND j.state IN (@queued, @running)
                ORDER BY CASE WHEN j.trigger = @scheduled THEN 0 ELSE 1 END, j.created_at
                """, connection);
            jobs.Parameters.AddWithValue("key", accountKey);
            jobs.Parameters.AddWithValue("queued", ImportStates.Queued);
            jobs.Parameters.AddWithValue("running", ImportStates.Running);
            jobs.Parameters.AddWithValue("scheduled", (int)ImportTrigger.Scheduled);
            var found = new List<(LaneJob Job, ProbeWork? Probe)>();
            await using (var reader = await jobs.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var job = new LaneJob(
                        reader.GetGuid(0), reader.GetInt64(1), (ImportTrigger)reader.GetInt32(2), reader.GetBoolean(3), reader.GetString(4),
                        reader.GetFieldValue<DateTimeOffset>(5), NullableTime(reader, 6),
                        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7),
                        reader.IsDBNull(11) ? null : reader.GetString(11));
                    var probe = reader.GetInt32(8) == ProbeStates.Pending
                        ? new ProbeWork(reader.GetInt32(9), NullableTime(reader, 10))
                        : null;
                    found.Add((job, probe));
                }
            }

            await using var units = new NpgsqlCommand("""
                SELECT u.job_id, u.department_id, u.date, u.attempts, u.not_before
                FROM import_units u JOIN import_jobs j ON j.id = u.job_id AND j.state IN (@queued, @running)
                WHERE u.account_key = @key AND u.state = @pending
                """, connection);
            units.Parameters.AddWithValue("key", accountKey);
            units.Parameters.AddWithValue("queued", ImportStates.Queued);
            units.Parameters.AddWithValue("running", ImportStates.Running);
            units.Parameters.AddWithValue("pending", ImportStates.UnitPending);
            var byJob = new Dictionary<Guid, List<PendingDay>>();
            await using (var reader = await units.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var jobId = reader.GetGuid(0);
                    if (!byJob.TryGetValue(jobId, out var list)) byJob[jobId] = list = [];
                    list.Add(new PendingDay(reader.GetInt64(1), reader.GetFieldValue<DateOnly>(2), reader.GetInt32(3), NullableTime(reader, 4)));
                }
            }
            var work = found.Select(f => new JobAccountWork(f.Job, accountKey, byJob.GetValueOrDefault(f.Job.Id) ?? [], f.Probe)).ToList();
            return new LaneWork(accountKey, work);
        }, cancellationToken);

    /// <summary>QUEUED becomes RUNNING when a lane first works on it (a job of several accounts: the first lane).</summary>
    public Task MarkRunningAsync(Guid jobId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            await using var running = new NpgsqlCommand("""
                WITH started AS (
                    UPDATE import_jobs SET state = @running, started_at = COALESCE(started_at, @now), updated_at = @now,
                                           progress_version = progress_version + 1
                    WHERE id = @id AND state = @queued
                    RETURNING id)
                SELECT pg_notify(@channel, id::text) FROM started
                """, connection);
            running.Parameters.AddWithValue("running", ImportStates.Running);
            running.Parameters.AddWithValue("queued", ImportStates.Queued);
            running.Parameters.AddWithValue("id", jobId);
            running.Parameters.AddWithValue("now", clock.GetStorableUtcNow());
            running.Parameters.AddWithValue("channel", ImportNotifications.ProgressChannel);
            return await running.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// The instant the account's watermark may move to once this work is done: the first call stores
    /// <paramref name="candidate"/> (taken before anything is read), later ones (a resumed run) keep the stored one,
    /// which is earlier and so still safe.
    /// </summary>
    public Task<DateTimeOffset> BeginReadingAsync(Guid jobId, string accountKey, DateTimeOffset candidate, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            await using var begin = new NpgsqlCommand("""
                UPDATE import_job_accounts SET watermark_candidate = COALESCE(watermark_candidate, @candidate)
                WHERE job_id = @job AND account_key = @key
                RETURNING watermark_candidate
                """, connection);
            begin.Parameters.AddWithValue("candidate", candidate);
            begin.Parameters.AddWithValue("job", jobId);
            begin.Parameters.AddWithValue("key", accountKey);
            return await ReadTimeAsync(begin, cancellationToken) ?? candidate;
        }, cancellationToken);

    /// <summary>The client's watermark of an account: sales changed after it may not be reflected yet; null before the first night.</summary>
    public Task<DateTimeOffset?> WatermarkAsync(long clientId, string accountKey, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            await using var read = new NpgsqlCommand(
                "SELECT changed_after FROM import_watermarks WHERE client_id = @client AND account_key = @key", connection);
            read.Parameters.AddWithValue("client", clientId);
            read.Parameters.AddWithValue("key", accountKey);
            return await ReadTimeAsync(read, cancellationToken);
        }, cancellationToken);

    // ---------------------------------------------------------------------------------------------------------------
    // The work of a lane: checkpoints, probes, failures. Each locks the job row first, so a cancelled job gets
    // nothing more, and each settles the job (watermark, terminal state) when its last piece of work ends.

    /// <summary>
    /// Writes one department-day and records it as done, in ONE transaction: its values (sparing approved numbers unless
    /// the job overwrites them), the unit done, the day's import record, the job's counters. Nothing is written when the
    /// lane is no longer ours, the job is no longer running, or the day was already done (an earlier commit whose
    /// acknowledgement was lost: counting it again would double the numbers).
    /// </summary>
    public async Task<CheckpointOutcome> CheckpointAsync(DayCheckpoint day, CancellationToken cancellationToken)
    {
        long valuesWritten = 0;
        var outcome = await InJobTransactionAsync(day.JobId, day.AccountKey, async (db, job) =>
        {
            var write = day.Write;
            var pending = await db.Database.SqlQuery<int>($"""
                SELECT 1 AS "Value" FROM import_units
                WHERE job_id = {day.JobId} AND department_id = {write.DepartmentId} AND date = {write.Numbers.Date} AND state = {ImportStates.UnitPending}
                FOR UPDATE
                """).ToListAsync(cancellationToken);
            if (pending.Count == 0)
            {
                await AddCountersAsync(db, day.JobId, day.Counters, cancellationToken);
                return CheckpointOutcome.AlreadyDone;
            }
            await DepartmentLock.AcquireAsync(db, write.DepartmentId, cancellationToken);
            var written = await writer.WriteAsync(db, write, cancellationToken);
            valuesWritten = written.ValuesWritten;
            await db.SaveChangesAsync(cancellationToken);

            var now = clock.GetStorableUtcNow();
            await db.Database.ExecuteSqlAsync($"""
                UPDATE import_units SET state = {ImportStates.UnitDone}, sales_read = {day.SalesRead}, values_written = {written.ValuesWritten},
                                        error = NULL, reason = NULL, finished_at = {now}
                WHERE job_id = {day.JobId} AND department_id = {write.DepartmentId} AND date = {write.Numbers.Date}
                """, cancellationToken);
            // Which job imported the day last, and when: auto-confirm only confirms days imported after they ended.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO imported_days (department_id, date, job_id, imported_at)
                VALUES ({write.DepartmentId}, {write.Numbers.Date}, {day.JobId}, {now})
                ON CONFLICT (department_id, date) DO UPDATE SET job_id = excluded.job_id, imported_at = excluded.imported_at
                """, cancellationToken);
            await db.Database.ExecuteSqlAsync($"""
                UPDATE import_jobs
                SET department_days_done = department_days_done + 1,
                    sales_read = sales_read + {day.SalesRead},
                    values_written = values_written + {written.ValuesWritten},
                    values_skipped_approved = values_skipped_approved + {written.ValuesSkippedApproved},
                    values_overwritten_approved = values_overwritten_approved + {written.ValuesOverwrittenApproved}
                WHERE id = {day.JobId}
                """, cancellationToken);
            await AddCountersAsync(db, day.JobId, day.Counters, cancellationToken);
            await SettleAsync(db, job, day.AccountKey, now, cancellationToken);
            return CheckpointOutcome.Done;
        }, cancellationToken);
        if (outcome == CheckpointOutcome.Done) metrics.DayImported(day.SalesRead, valuesWritten);
        return outcome;
    }

    /// <summary>
    /// Department-days that could not be read. A permanent failure fails them now; a transient one schedules another
    /// attempt (a manual job: up to MaxUnitAttempts with backoff; a scheduled job: with backoff until its RetryUntil,
    /// the client's confirm time), and fails them when no attempt is left. One error per department is recorded.
    /// </summary>
    public async Task<CheckpointOutcome> FailDaysAsync(UnitFailure failure, CancellationToken cancellationToken)
    {
        var retries = new List<PendingDay>();
        var failed = new List<PendingDay>();
        var outcome = await InJobTransactionAsync(failure.JobId, failure.AccountKey, async (db, job) =>
        {
            var now = clock.GetStorableUtcNow();
            foreach (var day in failure.Days)
            {
                var retryAt = failure.Permanent ? null : RetryTime(job, day.Attempts + 1, now);
                (retryAt is null ? failed : retries).Add(day with { NotBefore = retryAt });
            }
            var message = Truncate(failure.Message, 1000);
            if (retries.Count > 0)
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE import_units AS u
                    SET attempts = u.attempts + 1, not_before = r.not_before, reason = {failure.Reason}, error = {message}
                    FROM unnest({retries.Select(d => d.DepartmentId).ToArray()}, {retries.Select(d => d.Date).ToArray()},
                                {retries.Select(d => d.NotBefore!.Value).ToArray()}) AS r(department_id, date, not_before)
                    WHERE u.job_id = {failure.JobId} AND u.department_id = r.department_id AND u.date = r.date AND u.state = {ImportStates.UnitPending}
                    """, cancellationToken);
            if (failed.Count > 0)
            {
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE import_units AS u
                    SET state = {ImportStates.UnitFailed}, attempts = u.attempts + 1, reason = {failure.Reason}, error = {message}, finished_at = {now}
                    FROM unnest({failed.Select(d => d.DepartmentId).ToArray()}, {failed.Select(d => d.Date).ToArray()}) AS f(department_id, date)
                    WHERE u.job_id = {failure.JobId} AND u.department_id = f.department_id AND u.date = f.date AND u.state = {ImportStates.UnitPending}
                    """, cancellationToken);
                var suffix = failure.Permanent ? "" : $" (gave up after {failed.Max(d => d.Attempts) + 1} attempts)";
                foreach (var department in failed.GroupBy(d => d.DepartmentId).OrderBy(g => g.Key))
                    await AddErrorAsync(db, failure.JobId,
                        new ImportErrorRecord(department.Key, Dates.ToWire(department.Min(d => d.Date)), failure.Reason, failure.Message + suffix), cancellationToken);
            }
            await AddCountersAsync(db, failure.JobId, failure.Counters, cancellationToken);
            await SettleAsync(db, job, failure.AccountKey, now, cancellationToken);
            return CheckpointOutcome.Done;
        }, cancellationToken);
        if (outcome == CheckpointOutcome.Done) metrics.DaysNotImported(retries.Count, failed.Count, failure.Reason);
        return outcome;
    }

    /// <summary>
    /// The night's change probe of an account answered: the trailing days whose sales changed become units of the job
    /// (unless they already are), and the probe is done.
    /// </summary>
    public Task<CheckpointOutcome> ProbeDoneAsync(Guid jobId, string accountKey, IReadOnlyList<(long DepartmentId, DateOnly Date)> changedDays,
        JobCounters counters, CancellationToken cancellationToken) =>
        InJobTransactionAsync(jobId, accountKey, async (db, job) =>
        {
            var added = changedDays.Count == 0 ? 0 : await db.Database.ExecuteSqlAsync($"""
                INSERT INTO import_units (job_id, department_id, date, account_key, state, attempts, sales_read, values_written)
                SELECT {jobId}, c.department_id, c.date, {accountKey}, {ImportStates.UnitPending}, 0, 0, 0
                FROM unnest({changedDays.Select(d => d.DepartmentId).ToArray()}, {changedDays.Select(d => d.Date).ToArray()}) AS c(department_id, date)
                ON CONFLICT DO NOTHING
                """, cancellationToken);
            await db.Database.ExecuteSqlAsync($"""
                UPDATE import_job_accounts SET probe_state = {ProbeStates.Done} WHERE job_id = {jobId} AND account_key = {accountKey}
                """, cancellationToken);
            if (added > 0)
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE import_jobs SET department_days_total = department_days_total + {added},
                                           from_date = LEAST(from_date, {changedDays.Min(d => d.Date)})
                    WHERE id = {jobId}
                    """, cancellationToken);
            await AddCountersAsync(db, jobId, counters, cancellationToken);
            await SettleAsync(db, job, accountKey, clock.GetStorableUtcNow(), cancellationToken);
            return CheckpointOutcome.Done;
        }, cancellationToken);

    /// <summary>
    /// The probe failed. Transient: retried like a day. Permanent, or out of time: the probe is dropped (the trailing
    /// days keep what they have, the watermark stays where it was so the next night asks again) and the error recorded.
    /// </summary>
    public Task<CheckpointOutcome> ProbeFailedAsync(Guid jobId, string accountKey, int attempts, string reason, string message, bool permanent,
        JobCounters counters, CancellationToken cancellationToken) =>
        InJobTransactionAsync(jobId, accountKey, async (db, job) =>
        {
            var now = clock.GetStorableUtcNow();
            var retryAt = permanent ? null : RetryTime(job, attempts + 1, now);
            if (retryAt is { } at)
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE import_job_accounts SET probe_attempts = probe_attempts + 1, probe_not_before = {at}
                    WHERE job_id = {jobId} AND account_key = {accountKey}
                    """, cancellationToken);
            else
            {
                // The probe is abandoned: the watermark must not move past changes nobody asked for.
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE import_job_accounts SET probe_state = {ProbeStates.Done}, probe_attempts = probe_attempts + 1, watermark_candidate = NULL
                    WHERE job_id = {jobId} AND account_key = {accountKey}
                    """, cancellationToken);
                await AddErrorAsync(db, jobId, new ImportErrorRecord(0, "", reason,
                    $"The changed trailing days of account {accountKey} could not be found: {message}"), cancellationToken);
            }
            await AddCountersAsync(db, jobId, counters, cancellationToken);
            await SettleAsync(db, job, accountKey, now, cancellationToken);
            return CheckpointOutcome.Done;
        }, cancellationToken);

    /// <summary>Counters of reads that no checkpoint carried (a read that failed, sales of no department of the job).</summary>
    public Task<CheckpointOutcome> AddCountersAsync(Guid jobId, string accountKey, JobCounters counters, CancellationToken cancellationToken) =>
        counters.IsEmpty
            ? Task.FromResult(CheckpointOutcome.Done)
            : InJobTransactionAsync(jobId, accountKey, async (db, _) =>
            {
                await AddCountersAsync(db, jobId, counters, cancellationToken);
                return CheckpointOutcome.Done;
            }, cancellationToken);

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The frame of every lane write: a transaction that holds the lane (still ours), the job row (still running), runs
    /// <paramref name="change"/>, bumps the job's progress version and tells watchers, all or nothing.
    /// </summary>
    private Task<CheckpointOutcome> InJobTransactionAsync(Guid jobId, string accountKey,
        Func<PosDbContext, ImportJobEntity, Task<CheckpointOutcome>> change, CancellationToken cancellationToken) =>
        WithGateAsync(async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            var lane = await db.Database.SqlQuery<int>($"""
                SELECT 1 AS "Value" FROM import_lanes WHERE account_key = {accountKey} AND lease_owner = {Owner} FOR SHARE
                """).ToListAsync(cancellationToken);
            if (lane.Count == 0) return CheckpointOutcome.LaneLost;
            var job = await db.ImportJobs.FromSql($"SELECT * FROM import_jobs WHERE id = {jobId} FOR UPDATE").AsNoTracking()
                .SingleOrDefaultAsync(cancellationToken);
            if (job is null || job.State != ImportStates.Running) return CheckpointOutcome.JobEnded;

            var outcome = await change(db, job);
            if (outcome != CheckpointOutcome.Done && outcome != CheckpointOutcome.AlreadyDone) return outcome;
            var now = clock.GetStorableUtcNow();
            await db.Database.ExecuteSqlAsync($"""
                UPDATE import_jobs SET progress_version = progress_version + 1, updated_at = {now} WHERE id = {jobId}
                """, cancellationToken);
            await ImportNotifications.JobChangedAsync(db, jobId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return outcome;
        }, cancellationToken);

    /// <summary>
    /// After a change to a job's work on an account: when nothing of it is left on the account, the account's watermark
    /// moves to the work's candidate (only when every day of it was imported: a failed day must be found again); when
    /// nothing is left of the whole job, the job ends SUCCEEDED, or FAILED when not a single day could be imported.
    /// </summary>
    private static async Task SettleAsync(PosDbContext db, ImportJobEntity job, string accountKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var accountBusy = await db.Database.SqlQuery<bool>($"""
            SELECT EXISTS (SELECT 1 FROM import_units WHERE account_key = {accountKey} AND job_id = {job.Id} AND state = {ImportStates.UnitPending})
                OR EXISTS (SELECT 1 FROM import_job_accounts WHERE job_id = {job.Id} AND account_key = {accountKey} AND probe_state = {ProbeStates.Pending})
                AS "Value"
            """).SingleAsync(cancellationToken);
        if (accountBusy) return;

        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO import_watermarks (client_id, account_key, changed_after, updated_at)
            SELECT {job.ClientId}, ja.account_key, ja.watermark_candidate, {now}
            FROM import_job_accounts ja
            WHERE ja.job_id = {job.Id} AND ja.account_key = {accountKey} AND ja.watermark_candidate IS NOT NULL
              AND {job.Trigger} = {(int)ImportTrigger.Scheduled}
              AND NOT EXISTS (SELECT 1 FROM import_units u WHERE u.job_id = {job.Id} AND u.account_key = {accountKey} AND u.state = {ImportStates.UnitFailed})
            ON CONFLICT (client_id, account_key) DO UPDATE SET changed_after = GREATEST(import_watermarks.changed_after, excluded.changed_after),
                                                               updated_at = excluded.updated_at
            """, cancellationToken);

        var jobBusy = await db.Database.SqlQuery<bool>($"""
            SELECT EXISTS (SELECT 1 FROM import_units WHERE job_id = {job.Id} AND state = {ImportStates.UnitPending})
                OR EXISTS (SELECT 1 FROM import_job_accounts WHERE job_id = {job.Id} AND probe_state = {ProbeStates.Pending})
                AS "Value"
            """).SingleAsync(cancellationToken);
        if (jobBusy) return;
        var done = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM import_units WHERE job_id = {job.Id} AND state = {ImportStates.UnitDone}
            """).SingleAsync(cancellationToken);
        var state = done == 0 ? ImportStates.Failed : ImportStates.Succeeded;
        await db.Database.ExecuteSqlAsync($"""
            UPDATE import_jobs SET state = {state}, finished_at = {now} WHERE id = {job.Id}
            """, cancellationToken);
    }

    /// <summary>When a failed day (or probe) is tried again; null when it is not (out of attempts, or past the job's RetryUntil).</summary>
    private DateTimeOffset? RetryTime(ImportJobEntity job, int attempts, DateTimeOffset now)
    {
        if (job.RetryUntil is { } until)
        {
            var delay = Options.NightlyRetryBaseDelay * Math.Pow(2, Math.Min(attempts - 1, 10));
            var at = now + (delay < Options.NightlyRetryMaxDelay ? delay : Options.NightlyRetryMaxDelay);
            return at <= until ? at : null;
        }
        return attempts < Options.MaxUnitAttempts ? now + Options.RetryBaseDelay * Math.Pow(2, attempts - 1) : null;
    }

    private static async Task AddCountersAsync(PosDbContext db, Guid jobId, JobCounters counters, CancellationToken cancellationToken)
    {
        if (counters.IsEmpty) return;
        var waitMs = (long)counters.RateLimitWait.TotalMilliseconds;
        var skipped = JsonSerializer.Serialize(counters.Skipped);
        // Skipped sales merge per type: {"SPLIT": 2} + {"SPLIT": 1, "VOID": 1} = {"SPLIT": 3, "VOID": 1}.
        await db.Database.ExecuteSqlAsync($"""
            UPDATE import_jobs
            SET requests_made = requests_made + {counters.Requests},
                rate_limit_wait_ms = rate_limit_wait_ms + {waitMs},
                skipped_sales = CASE WHEN {counters.Skipped.Count} = 0 THEN skipped_sales ELSE (
                    SELECT COALESCE(jsonb_object_agg(key, total), jsonb_build_object())
                    FROM (SELECT key, sum(value::bigint) AS total
                          FROM (SELECT * FROM jsonb_each_text(skipped_sales) UNION ALL SELECT * FROM jsonb_each_text({skipped}::jsonb)) AS each
                          GROUP BY key) AS merged) END
            WHERE id = {jobId}
            """, cancellationToken);
    }

    private static Task AddErrorAsync(PosDbContext db, Guid jobId, ImportErrorRecord error, CancellationToken cancellationToken)
    {
        var json = ImportErrors.ToJsonArray(error);
        return db.Database.ExecuteSqlAsync($"""
            UPDATE import_jobs
            SET errors = CASE WHEN jsonb_array_length(errors) < {ImportErrors.MaxStored} THEN errors || {json}::jsonb ELSE errors END
            WHERE id = {jobId}
            """, cancellationToken);
    }

    private async Task<T> WithConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken) =>
        await WithGateAsync(async () =>
        {
            await using var connection = await database.Pool.OpenConnectionAsync(cancellationToken);
            return await work(connection);
        }, cancellationToken);

    private Task WithConnectionAsync(Func<NpgsqlConnection, Task<int>> work, CancellationToken cancellationToken) =>
        WithConnectionAsync<int>(work, cancellationToken);

    private Task<T> WithGateAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken) =>
        PosDatabase.WithinAsync(database.EngineShare, work, cancellationToken);

    private static async Task<IReadOnlyList<string>> ReadStringsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) values.Add(reader.GetString(0));
        return values;
    }

    /// <summary>The first row's timestamptz, if any (ExecuteScalar would hand it out as a DateTime).</summary>
    private static async Task<DateTimeOffset?> ReadTimeAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? NullableTime(reader, 0) : null;
    }

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>What became of a lane's write.</summary>
public enum CheckpointOutcome
{
    /// <summary>Written (or recorded).</summary>
    Done,
    /// <summary>The day was done already: nothing written twice.</summary>
    AlreadyDone,
    /// <summary>Another instance has the lane now: stop, it carries on.</summary>
    LaneLost,
    /// <summary>The job was cancelled or has ended: stop its work.</summary>
    JobEnded,
}

/// <summary>
/// What reads cost (requests, time waited on the POS's rate limit) and what they skipped by type, added to the job's
/// progress with the write that follows them. A read repeated after a failure costs again, so these count what was
/// really spent; the sales read are counted per department-day at its checkpoint instead, once.
/// </summary>
public sealed record JobCounters(int Requests, TimeSpan RateLimitWait, IReadOnlyDictionary<string, int> Skipped)
{
    public static readonly JobCounters None = new(0, TimeSpan.Zero, new Dictionary<string, int>());

    public bool IsEmpty => Requests == 0 && RateLimitWait == TimeSpan.Zero && Skipped.Count == 0;
}

/// <summary>One department-day read in full, ready to be checkpointed.</summary>
/// <param name="SalesRead">Sales of the POS that fell into this day (the unit's own count).</param>
/// <param name="Counters">The read's counters since the previous write, carried into the job's progress by this one.</param>
public sealed record DayCheckpoint(Guid JobId, string AccountKey, DayWrite Write, int SalesRead, JobCounters Counters);

/// <summary>Department-days of one job and account that could not be read.</summary>
public sealed record UnitFailure(Guid JobId, string AccountKey, IReadOnlyList<PendingDay> Days, string Reason, string Message, bool Permanent, JobCounters Counters);

/// <summary>A pending department-day as the lane sees it.</summary>
public sealed record PendingDay(long DepartmentId, DateOnly Date, int Attempts, DateTimeOffset? NotBefore);

/// <summary>A job as a lane needs it.</summary>
/// <param name="RetryUntil">Failed days are retried until then (scheduled jobs).</param>
/// <param name="TraceParent">The W3C trace context of the call or night that created the job, when it had one.</param>
public sealed record LaneJob(Guid Id, long ClientId, ImportTrigger Trigger, bool OverwriteApproved, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? RetryUntil, DateOnly? ScheduledFor, string? TraceParent = null)
{
    /// <summary>The night's job (made by the scheduler), which goes before manual imports everywhere.</summary>
    public bool IsScheduled => Trigger == ImportTrigger.Scheduled;
}

/// <summary>A scheduled job's change probe still to do on the account.</summary>
public sealed record ProbeWork(int Attempts, DateTimeOffset? NotBefore);

/// <summary>One job's work on one account.</summary>
public sealed record JobAccountWork(LaneJob Job, string AccountKey, IReadOnlyList<PendingDay> Days, ProbeWork? Probe)
{
    public bool IsDue(DateTimeOffset now) =>
        Probe is { } probe && (probe.NotBefore is null || probe.NotBefore <= now) || Days.Any(d => d.NotBefore is null || d.NotBefore <= now);

    /// <summary>When the earliest waiting retry is due; null when nothing waits.</summary>
    public DateTimeOffset? NextDue(DateTimeOffset now) =>
        Days.Select(d => d.NotBefore).Append(Probe?.NotBefore).Where(t => t > now).Min();
}

/// <summary>Everything a lane has to do: every active job's work on the account, due or waiting for a retry.</summary>
public sealed record LaneWork(string AccountKey, IReadOnlyList<JobAccountWork> Jobs);
