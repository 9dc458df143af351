using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Features.Settings;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Engine.Nightly;

/// <summary>
/// The night (docs/domain.md section 9): once 02:00 has passed on a Copenhagen day, every client with POS import enabled
/// and an ACTIVE connection gets ONE scheduled job for that day. Safe to run any number of times on any number of
/// instances: the unique (client_id, scheduled_for) key, checked under the client's lock, lets only the first create
/// it. That is also how a missed 02:00 is caught up: the next run of the day (at start-up or every few minutes)
/// finds the job missing and creates it. Clients are planned a few at a time, each in its own transaction and
/// within the engine's share of the pool, so a fleet of thousands has its jobs within seconds of 02:00.
/// <para>
/// The job reads yesterday in full for every department. Of the trailing days (not yet approved), those imported
/// completely before are left to the account's change probe when the POS has a change cursor and the account has a
/// watermark: only the days whose sales changed since are read again. Every other trailing day (the first night, a
/// day never imported completely, a POS without a cursor) is read in full.
/// </para>
/// </summary>
public sealed class NightlyPlanner(
    PosDbContext db,
    IServiceScopeFactory scopes,
    PosDatabase database,
    ImportJobStore store,
    PosProviders providers,
    TimeProvider clock,
    IOptions<NightlyOptions> options,
    IOptions<EngineOptions> engineOptions,
    ILogger<NightlyPlanner> logger)
{
    public const string ScheduleTimeZone = "Europe/Copenhagen";
    public static readonly TimeOnly DailyAt = new(2, 0);
    public const string Actor = "scheduler";

    /// <summary>Clients planned at once (each holds one connection of the engine's share while it is planned).</summary>
    private const int ClientsAtOnce = 4;

    /// <summary>Creates the jobs due today that do not exist yet; returns how many this call created.</summary>
    public async Task<int> CreateDueJobsAsync(CancellationToken cancellationToken)
    {
        var localNow = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZones.Find(ScheduleTimeZone));
        // Before 02:00 today's run is not due; yesterday's job was made (or caught up) yesterday.
        if (TimeOnly.FromDateTime(localNow.DateTime) < DailyAt) return 0;
        var scheduledFor = DateOnly.FromDateTime(localNow.DateTime);

        var clientIds = await db.GeneralSettings.AsNoTracking()
            .Where(s => s.PosImportEnabled && s.PosIntegrationService != (int)PosIntegrationService.Unspecified
                        && db.LightspeedConnections.Any(c => c.ClientId == s.ClientId && c.Provider == s.PosIntegrationService && c.State == (int)ConnectionState.Active)
                        && !db.ImportJobs.Any(j => j.ClientId == s.ClientId && j.ScheduledFor == scheduledFor))
            .OrderBy(s => s.ClientId)
            .Select(s => s.ClientId)
            .ToListAsync(cancellationToken);

        var created = 0;
        await Parallel.ForEachAsync(clientIds, new ParallelOptions { MaxDegreeOfParallelism = ClientsAtOnce, CancellationToken = cancellationToken },
            async (clientId, ct) =>
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var clientDb = scope.ServiceProvider.GetRequiredService<PosDbContext>();
                    if (await PosDatabase.WithinAsync(database.EngineShare, () => CreateForClientAsync(clientDb, clientId, scheduledFor, ct), ct))
                        Interlocked.Increment(ref created);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One client's problem must not keep the others from their night; the next run retries it.
                    logger.LogError(ex, "Could not create the scheduled import of client {ClientId} for {Date}", clientId, Dates.ToWire(scheduledFor));
                }
            });
        if (created > 0) logger.LogInformation("Scheduled imports for {Date}: {Created} jobs created", Dates.ToWire(scheduledFor), created);
        return created;
    }

    private async Task<bool> CreateForClientAsync(PosDbContext db, long clientId, DateOnly scheduledFor, CancellationToken cancellationToken)
    {
        await using var transaction = await ClientConfigurationLock.BeginAsync(db, clientId, cancellationToken);
        // Another instance may have created it while we waited for the lock.
        if (await db.ImportJobs.AnyAsync(j => j.ClientId == clientId && j.ScheduledFor == scheduledFor, cancellationToken)) return false;

        var now = clock.GetStorableUtcNow();
        var settings = await db.GetOrDefaultAsync(clientId, cancellationToken);
        var plan = await PlanAsync(db, settings, now, cancellationToken);
        if (plan.Units.Count == 0) return false;
        try
        {
            var spec = new NewImportJob(clientId, plan.Units, OverwriteApproved: false, ImportTrigger.Scheduled, Actor,
                ScheduledFor: scheduledFor, ProbedAccounts: plan.ProbedAccounts, RetryUntil: RetryUntil(settings, now));
            var job = await store.CreateAsync(db, spec, now, cancellationToken);
            AuditTrail.Record(db, Actor, clientId, null, "import.schedule", "import_job", job.Id.ToString(),
                new { scheduled_for = Dates.ToWire(scheduledFor), department_ids = job.DepartmentIds, department_days = plan.Units.Count,
                      probed_accounts = plan.ProbedAccounts.Order().ToArray() }, now);
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

    private sealed record Plan(IReadOnlyList<DepartmentDay> Units, IReadOnlyCollection<string> ProbedAccounts);

    /// <summary>Per department whose account has an ACTIVE connection: yesterday, and the trailing days the probe does not cover.</summary>
    private async Task<Plan> PlanAsync(PosDbContext db, Infrastructure.Persistence.Entities.GeneralSettingsEntity settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (PosProviders.SystemOf(settings.PosIntegrationService) is not { } system) return new Plan([], []);
        var hasCursor = providers.Find(system)?.HasChangeCursor == true;
        var active = await ConnectionDirectory.ActiveAccountsAsync(db, settings.ClientId, system, cancellationToken);
        var departments = (await db.Departments.AsNoTracking().Include(d => d.Registers)
                .Where(d => d.ClientId == settings.ClientId && d.PosClientNumber != null)
                .OrderBy(d => d.Id)
                .ToListAsync(cancellationToken))
            .Where(d => active.Contains(d.PosClientNumber!))
            .ToList();
        if (departments.Count == 0) return new Plan([], []);

        var trailingDays = options.Value.TrailingDays;
        var accountZones = await ConnectionDirectory.AccountZonesAsync(db, settings.ClientId, cancellationToken);
        var zones = departments.ToDictionary(d => d.Id,
            d => TimeZones.ForDepartment(d.TimeZone, accountZones.GetValueOrDefault(d.PosClientNumber!), settings.TimeZone));
        var windows = departments.ToDictionary(d => d.Id, d => NightlyWindow.At(now, zones[d.Id], trailingDays));
        var first = windows.Values.Min(w => w.TrailingFrom);
        var last = windows.Values.Max(w => w.Yesterday);
        var ids = departments.Select(d => d.Id).ToArray();
        var approved = await ApprovedNumbers.InRangeAsync(db, ids, first, last, cancellationToken);
        var imported = (await db.ImportedDays.AsNoTracking()
                .Where(i => ids.Contains(i.DepartmentId) && i.Date >= first && i.Date <= last)
                .Select(i => new { i.DepartmentId, i.Date, i.ImportedAt })
                .ToListAsync(cancellationToken))
            .ToDictionary(i => (i.DepartmentId, i.Date), i => i.ImportedAt);
        var watermarked = (await db.ImportWatermarks.AsNoTracking().Where(w => w.ClientId == settings.ClientId)
            .Select(w => w.AccountKey).ToListAsync(cancellationToken)).ToHashSet();

        var units = new List<DepartmentDay>();
        var probed = new HashSet<string>();
        foreach (var department in departments)
        {
            var key = new PosAccount(system, department.PosClientNumber!).Key;
            var window = windows[department.Id];
            var zone = zones[department.Id];
            var probe = hasCursor && watermarked.Contains(key);
            for (var date = window.TrailingFrom; date < window.Yesterday; date = date.AddDays(1))
            {
                var day = date;
                if (Enumerable.Range(1, department.RegisterCount).All(register => approved[department.Id].Contains(new RegisterDay(register, day)))) continue;
                // Imported after the day ended: complete as of then, so the probe finds whether it changed since.
                var complete = imported.TryGetValue((department.Id, date), out var at) && at >= TimeZones.StartOfDayUtc(date.AddDays(1), zone);
                if (probe && complete) probed.Add(key);
                else units.Add(new DepartmentDay(department.Id, date, key));
            }
            units.Add(new DepartmentDay(department.Id, window.Yesterday, key));
        }
        return new Plan(units, probed);
    }

    /// <summary>
    /// Failed days are retried until the client's confirm time today (its own zone): after it they would be confirmed
    /// without them anyway. A night caught up after that time still gets an hour of retries.
    /// </summary>
    private DateTimeOffset RetryUntil(Infrastructure.Persistence.Entities.GeneralSettingsEntity settings, DateTimeOffset now)
    {
        var zone = TimeZones.Find(settings.TimeZone);
        var today = TimeZones.LocalDateOf(now, zone);
        var local = today.ToDateTime(settings.ConfirmDaysAt, DateTimeKind.Unspecified);
        var confirmAt = new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
        var atLeast = now + engineOptions.Value.NightlyRetryMaxDelay * 4;
        return confirmAt > atLeast ? confirmAt : atLeast;
    }
}
