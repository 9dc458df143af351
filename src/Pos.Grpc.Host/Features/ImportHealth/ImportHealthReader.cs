using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Nightly;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Providers;

namespace Pos.Grpc.Host.Features.ImportHealth;

/// <summary>
/// How a set of clients' imports are doing, read in one batch of queries however many clients: their settings,
/// departments with a POS account, connections, the imported days and the units that did not finish in the window,
/// each register's last day with numbers in the window, and each client's last night.
/// <para>A day of the window is not a problem while it is pending (a job has it), nor yesterday before the client's
/// confirm time today: the night has until then.</para>
/// </summary>
public sealed class ImportHealthReader(PosDbContext db, TimeProvider clock, IConfiguration configuration)
{
    public const int DefaultWindowDays = 7;
    public const int MaxWindowDays = 31;

    public static int ResolveWindow(int windowDays, Infrastructure.Validation.Violations violations)
    {
        violations.AddIf(windowDays is < 0 or > MaxWindowDays, "window_days", $"must be 1-{MaxWindowDays} (0 = {DefaultWindowDays})");
        return windowDays == 0 ? DefaultWindowDays : windowDays;
    }

    /// <summary>The health of each client, in the order given; <paramref name="visibleDepartments"/> null = all.</summary>
    public async Task<IReadOnlyList<ClientImportHealth>> ReadAsync(IReadOnlyList<long> clientIds, int windowDays,
        IReadOnlySet<long>? visibleDepartments, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ids = clientIds.ToArray();
        var settings = await db.GeneralSettings.AsNoTracking().Where(s => ids.Contains(s.ClientId)).ToDictionaryAsync(s => s.ClientId, cancellationToken);
        var departments = (await db.Departments.AsNoTracking().Include(d => d.Registers)
                .Where(d => ids.Contains(d.ClientId) && d.PosClientNumber != null)
                .OrderBy(d => d.Id)
                .ToListAsync(cancellationToken))
            .Where(d => visibleDepartments is null || visibleDepartments.Contains(d.Id))
            .ToList();
        var connections = await db.LightspeedConnections.AsNoTracking()
            .Where(c => ids.Contains(c.ClientId))
            .SelectMany(c => c.Accounts.Select(a => new Connection(c.ClientId, c.Provider, a.AccountId, c.State)))
            .ToListAsync(cancellationToken);
        var accountZones = await ConnectionDirectory.AccountZonesAsync(db, ids, cancellationToken);

        var windows = departments.ToDictionary(d => d.Id, d => Window(d, SettingsOf(settings, d.ClientId),
            accountZones.GetValueOrDefault(d.ClientId)?.GetValueOrDefault(d.PosClientNumber!), now, windowDays));
        var first = windows.Count == 0 ? DateOnly.FromDateTime(now.UtcDateTime) : windows.Values.Min(w => w.From);
        var departmentIds = departments.Select(d => d.Id).ToArray();
        var imported = (await db.ImportedDays.AsNoTracking()
                .Where(i => departmentIds.Contains(i.DepartmentId) && i.Date >= first)
                .Select(i => new { i.DepartmentId, i.Date, i.ImportedAt })
                .ToListAsync(cancellationToken))
            .ToDictionary(i => (i.DepartmentId, i.Date), i => i.ImportedAt);
        var lastImported = await db.ImportedDays.AsNoTracking()
            .Where(i => departmentIds.Contains(i.DepartmentId))
            .GroupBy(i => i.DepartmentId)
            .Select(g => new { DepartmentId = g.Key, Last = g.Max(i => i.Date) })
            .ToDictionaryAsync(g => g.DepartmentId, g => g.Last, cancellationToken);
        // The latest unit of each department-day of the window that is not done: why the day is not (yet) imported.
        var unfinished = (await db.ImportUnits.AsNoTracking()
                .Where(u => departmentIds.Contains(u.DepartmentId) && u.Date >= first && u.State != ImportStates.UnitDone)
                .Join(db.ImportJobs, u => u.JobId, j => j.Id, (u, j) => new Unit(u.DepartmentId, u.Date, u.State, u.Reason, u.Error, u.NotBefore,
                    u.JobId, j.State, j.CreatedAt))
                .ToListAsync(cancellationToken))
            .GroupBy(u => (u.DepartmentId, u.Date))
            .ToDictionary(g => g.Key, g => g.MaxBy(u => u.JobCreatedAt)!);
        var registerDays = await db.DayValues.AsNoTracking()
            .Where(v => departmentIds.Contains(v.DepartmentId) && v.Date >= first)
            .GroupBy(v => new { v.DepartmentId, v.RegisterNumber })
            .Select(g => new { g.Key.DepartmentId, g.Key.RegisterNumber, Last = g.Max(v => v.Date) })
            .ToDictionaryAsync(g => (g.DepartmentId, g.RegisterNumber), g => g.Last, cancellationToken);
        var scheduleZone = TimeZones.Find(NightlyPlanner.ScheduleTimeZone);
        var copenhagenToday = TimeZones.LocalDateOf(now, scheduleZone);
        var nights = (await db.ImportJobs.AsNoTracking()
                .Where(j => ids.Contains(j.ClientId) && j.Trigger == (int)ImportTrigger.Scheduled && j.ScheduledFor >= copenhagenToday.AddDays(-1))
                .ToListAsync(cancellationToken))
            .GroupBy(j => j.ClientId)
            .ToDictionary(g => g.Key, g => g.MaxBy(j => j.ScheduledFor)!);

        var facts = new Facts(imported, lastImported, unfinished, registerDays);
        var schedule = new Schedule(configuration.GetValue(EngineExtensions.SchedulerEnabledKey, true), copenhagenToday,
            TimeZones.AtLocalTimeUtc(copenhagenToday, NightlyPlanner.DailyAt, scheduleZone),
            TimeZones.AtLocalTimeUtc(copenhagenToday.AddDays(1), NightlyPlanner.DailyAt, scheduleZone));
        var departmentsOf = departments.ToLookup(d => d.ClientId);
        var connectionsOf = connections.ToLookup(c => c.ClientId);
        return clientIds.Select(clientId =>
        {
            var clientSettings = SettingsOf(settings, clientId);
            var health = new ClientImportHealth
            {
                ClientId = clientId,
                PosImportEnabled = clientSettings.PosImportEnabled,
                TimeZone = clientSettings.TimeZone,
                ConfirmDaysAt = clientSettings.ConfirmDaysAt.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                WindowDays = windowDays,
            };
            var clientConnections = connectionsOf[clientId].Where(c => c.Provider == clientSettings.PosIntegrationService).ToList();
            var clientZone = TimeZones.Find(clientSettings.TimeZone);
            var confirmToday = TimeZones.AtLocalTimeUtc(TimeZones.LocalDateOf(now, clientZone), clientSettings.ConfirmDaysAt, clientZone);
            var rows = departmentsOf[clientId]
                .Select(d => Department(d, windows[d.Id], StateOf(clientConnections, d.PosClientNumber!), facts, now, confirmToday))
                .OrderBy(d => d.Problems.Count == 0).ThenBy(d => d.DepartmentId);
            health.Departments.AddRange(rows);

            if (nights.GetValueOrDefault(clientId) is { } night)
            {
                health.LastNight = Night(night);
                if (night.RetryUntil is { } until && (night.FinishedAt ?? now) > until) health.Problems.Add(ImportHealthProblem.NightLate);
                if (night.State == ImportStates.Failed) health.Problems.Add(ImportHealthProblem.NightFailed);
            }
            if (NextRun(schedule, clientSettings, clientConnections, nights.GetValueOrDefault(clientId), now) is { } next)
                health.NextScheduledRunTime = Timestamp.FromDateTimeOffset(next);
            health.Problems.AddRange(health.Departments.SelectMany(d => d.Problems).Distinct().Order().Where(p => !health.Problems.Contains(p)));
            return health;
        }).ToList();
    }

    private static GeneralSettingsEntity SettingsOf(Dictionary<long, GeneralSettingsEntity> settings, long clientId) =>
        settings.GetValueOrDefault(clientId) ?? GeneralSettingsEntity.DefaultsFor(clientId);

    private sealed record Connection(long ClientId, int Provider, string AccountId, int State);

    private sealed record Unit(long DepartmentId, DateOnly Date, int State, string? Reason, string? Error, DateTimeOffset? NotBefore,
        Guid JobId, int JobState, DateTimeOffset JobCreatedAt);

    private sealed record Facts(
        IReadOnlyDictionary<(long, DateOnly), DateTimeOffset> Imported,
        IReadOnlyDictionary<long, DateOnly> LastImported,
        IReadOnlyDictionary<(long, DateOnly), Unit> Unfinished,
        IReadOnlyDictionary<(long, int), DateOnly> RegisterDays);

    /// <summary>The department's window: the last N local days up to yesterday, in its own zone.</summary>
    private sealed record DayWindow(TimeZoneInfo Zone, DateOnly From, DateOnly Yesterday);

    private static DayWindow Window(DepartmentEntity department, GeneralSettingsEntity settings, string? accountZone, DateTimeOffset now, int days)
    {
        var zone = TimeZones.ForDepartment(department.TimeZone, accountZone, settings.TimeZone);
        var window = NightlyWindow.At(now, zone, trailingDays: days - 1);
        return new DayWindow(zone, window.TrailingFrom, window.Yesterday);
    }

    /// <summary>The connection that counts for an account: ACTIVE if there is one, else the one closest to it.</summary>
    private static ConnectionState StateOf(IReadOnlyList<Connection> connections, string accountId)
    {
        int[] order = [(int)ConnectionState.Active, (int)ConnectionState.ReauthorizationRequired, (int)ConnectionState.Authorized,
            (int)ConnectionState.PendingConsent, (int)ConnectionState.Revoked];
        var states = connections.Where(c => c.AccountId == accountId).Select(c => c.State).ToHashSet();
        return (ConnectionState)order.FirstOrDefault(states.Contains);
    }

    private static DepartmentImportHealth Department(DepartmentEntity department, DayWindow window, ConnectionState connection, Facts facts,
        DateTimeOffset now, DateTimeOffset confirmToday)
    {
        var health = new DepartmentImportHealth
        {
            DepartmentId = department.Id,
            Name = department.Name,
            PosClientNumber = department.PosClientNumber ?? "",
            ConnectionState = connection,
            LastImportedDate = facts.LastImported.TryGetValue(department.Id, out var last) ? Dates.ToWire(last) : "",
        };
        var registers = department.Registers.Count == 0
            ? [new RegisterImportHealth { RegisterNumber = 1 }]
            : department.Registers.OrderBy(r => r.RegisterNumber).Select(r => new RegisterImportHealth { RegisterNumber = r.RegisterNumber, PosRegisterId = r.PosRegisterId });
        foreach (var register in registers)
        {
            if (facts.RegisterDays.TryGetValue((department.Id, register.RegisterNumber), out var day)) register.LastDateWithNumbers = Dates.ToWire(day);
            health.Registers.Add(register);
        }

        for (var date = window.Yesterday; date >= window.From; date = date.AddDays(-1))
        {
            if (DayProblem(department.Id, date, window.Zone, facts) is not { } problem) continue;
            health.Days.Add(problem);
            // Yesterday is the night's until the client's confirm time today; pending days are in hand.
            var due = date < window.Yesterday || now >= confirmToday;
            if (problem.Status == DayImportStatus.Failed) Add(health, ImportHealthProblem.DaysFailed);
            else if (problem.Status is DayImportStatus.Missing or DayImportStatus.Incomplete && due) Add(health, ImportHealthProblem.DaysMissing);
        }
        switch (connection)
        {
            case ConnectionState.Active:
                break;
            case ConnectionState.ReauthorizationRequired:
                Add(health, ImportHealthProblem.ReauthorizationRequired);
                break;
            case ConnectionState.Authorized:
                Add(health, ImportHealthProblem.NotActivated);
                break;
            default:
                Add(health, ImportHealthProblem.NotConnected);
                break;
        }
        var sorted = health.Problems.Order().ToList();
        health.Problems.Clear();
        health.Problems.AddRange(sorted);
        return health;
    }

    private static void Add(DepartmentImportHealth health, ImportHealthProblem problem)
    {
        if (!health.Problems.Contains(problem)) health.Problems.Add(problem);
    }

    /// <summary>Why a day is not imported completely; null when it is.</summary>
    private static DayImportProblem? DayProblem(long departmentId, DateOnly date, TimeZoneInfo zone, Facts facts)
    {
        var complete = facts.Imported.TryGetValue((departmentId, date), out var importedAt) && importedAt >= TimeZones.StartOfDayUtc(date.AddDays(1), zone);
        facts.Unfinished.TryGetValue((departmentId, date), out var unit);
        var inHand = unit is { State: ImportStates.UnitPending } && ImportStates.Active.Contains(unit.JobState);
        if (complete && !inHand) return null;
        var problem = new DayImportProblem { Date = Dates.ToWire(date) };
        if (unit is not null)
        {
            problem.JobId = unit.JobId.ToString();
            problem.Reason = unit.Reason ?? "";
            problem.Message = unit.Error ?? "";
        }
        if (inHand)
        {
            problem.Status = DayImportStatus.Pending;
            if (unit!.NotBefore is { } retry) problem.RetryTime = Timestamp.FromDateTimeOffset(retry);
        }
        else if (facts.Imported.ContainsKey((departmentId, date))) problem.Status = DayImportStatus.Incomplete;
        else problem.Status = unit is { State: ImportStates.UnitFailed } ? DayImportStatus.Failed : DayImportStatus.Missing;
        return problem;
    }

    private static NightImport Night(ImportJobEntity job)
    {
        var night = new NightImport
        {
            JobId = job.Id.ToString(),
            ScheduledFor = job.ScheduledFor is { } day ? Dates.ToWire(day) : "",
            State = (ImportJobState)job.State,
            FinishedBeforeConfirmTime = job.FinishedAt is { } end && (job.RetryUntil is not { } until || end <= until),
        };
        if (job.FinishedAt is { } finished) night.EndTime = Timestamp.FromDateTimeOffset(finished);
        if (job.RetryUntil is { } confirm) night.ConfirmTime = Timestamp.FromDateTimeOffset(confirm);
        return night;
    }

    /// <summary>
    /// The next 02:00 in Copenhagen that will create the client's night; now, when today's is due and not made yet
    /// (the catch-up makes it within minutes). None without the scheduler, POS import or an ACTIVE connection.
    /// </summary>
    private static DateTimeOffset? NextRun(Schedule schedule, GeneralSettingsEntity settings, IReadOnlyList<Connection> connections,
        ImportJobEntity? lastNight, DateTimeOffset now)
    {
        if (!schedule.Enabled || !settings.PosImportEnabled || !connections.Any(c => c.State == (int)ConnectionState.Active)) return null;
        if (now < schedule.TodaysRun) return schedule.TodaysRun;
        return lastNight?.ScheduledFor == schedule.Today ? schedule.TomorrowsRun : now;
    }

    /// <summary>The scheduler as it stands for this read: whether it runs, and today's and tomorrow's 02:00 in Copenhagen.</summary>
    private sealed record Schedule(bool Enabled, DateOnly Today, DateTimeOffset TodaysRun, DateTimeOffset TomorrowsRun);
}
