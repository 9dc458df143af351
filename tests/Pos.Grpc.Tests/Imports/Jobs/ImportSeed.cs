using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>
/// Writes what imports depend on straight into the test's database: settings, departments, Lightspeed
/// connections and fields belong to other services, tested on their own. Ids: departments of client c are
/// c*100+n; the gross-sales field of client c is c*1000+99.
/// </summary>
public sealed class ImportSeed(Func<PosDbContext> newDbContext)
{
    public ImportSeed(PosHostFixture host) : this(host.NewDbContext) { }

    /// <summary>For a database no host runs on yet.</summary>
    public static ImportSeed For(string connectionString) => new(() =>
    {
        var options = new DbContextOptionsBuilder<PosDbContext>();
        PersistenceExtensions.ConfigureNpgsql(options, connectionString);
        return new PosDbContext(options.Options);
    });

    public static readonly DateTimeOffset SeededAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateOnly Day(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static long GrossSalesFieldOf(long clientId) => clientId * 1000 + 99;

    /// <summary>
    /// A client ready to import: POS import on with Lightspeed, a mandatory gross-sales field, and each
    /// department on its own account with an ACTIVE connection (departments sharing an account share one).
    /// </summary>
    public async Task ReadyClientAsync(long clientId, params (long DepartmentId, string Account)[] departments)
    {
        await SettingsAsync(clientId);
        await GrossSalesFieldAsync(clientId);
        foreach (var (departmentId, account) in departments) await DepartmentAsync(clientId, departmentId, account);
        foreach (var account in departments.Select(d => d.Account).Distinct()) await ConnectionAsync(clientId, account);
    }

    public async Task SettingsAsync(long clientId, bool importEnabled = true, string timeZone = "Europe/Copenhagen",
        bool autoConfirm = false, TimeOnly? confirmDaysAt = null)
    {
        await using var db = newDbContext();
        db.GeneralSettings.Add(new GeneralSettingsEntity
        {
            ClientId = clientId,
            MultiCashRegisters = true,
            PosImportEnabled = importEnabled,
            PosIntegrationService = importEnabled ? (int)PosIntegrationService.LightspeedRSeries : (int)PosIntegrationService.Unspecified,
            AutoConfirmWeeklyBalance = autoConfirm,
            ConfirmDaysAt = confirmDaysAt ?? new TimeOnly(5, 0),
            TimeZone = timeZone,
            Version = 1,
            UpdatedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }

    public async Task GrossSalesFieldAsync(long clientId, bool mandatory = true)
    {
        await using var db = newDbContext();
        db.WeeklyBalanceFields.Add(new WeeklyBalanceFieldEntity
        {
            Id = GrossSalesFieldOf(clientId), ClientId = clientId, Name = "Gross sales", Code = "GS", Mandatory = mandatory,
            PosFieldType = (int)PosFieldType.GrossSales, Version = 1, CreatedAt = SeededAt, UpdatedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }

    public async Task FieldAsync(long clientId, long fieldId, string name, bool mandatory, PosFieldType? type = null)
    {
        await using var db = newDbContext();
        db.WeeklyBalanceFields.Add(new WeeklyBalanceFieldEntity
        {
            Id = fieldId, ClientId = clientId, Name = name, Code = $"F{fieldId}", Mandatory = mandatory, PosFieldType = (int?)type,
            Version = 1, CreatedAt = SeededAt, UpdatedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }

    public async Task DepartmentAsync(long clientId, long departmentId, string? account, string[]? terminalNumbers = null, string? timeZone = null)
    {
        await using var db = newDbContext();
        db.Departments.Add(new DepartmentEntity
        {
            Id = departmentId, ClientId = clientId, Name = $"Department {departmentId}", PosClientNumber = account, TimeZone = timeZone,
            Version = 1, CreatedAt = SeededAt, UpdatedAt = SeededAt,
            Registers = (terminalNumbers ?? [])
                .Select((t, i) => new DepartmentRegisterEntity { DepartmentId = departmentId, RegisterNumber = i + 1, PosRegisterId = t })
                .ToList(),
        });
        await db.SaveChangesAsync();
    }

    public async Task ConnectionAsync(long clientId, string account, ConnectionState state = ConnectionState.Active)
    {
        await using var db = newDbContext();
        db.LightspeedConnections.Add(new LightspeedConnectionEntity
        {
            Id = Guid.NewGuid(), ClientId = clientId, AccountId = account, AccountName = $"Account {account}", State = (int)state,
            AuthorizedBy = "seeded", CreatedAt = SeededAt, UpdatedAt = SeededAt,
            Accounts = [new LightspeedConnectionAccountEntity { AccountId = account, Name = $"Account {account}" }],
        });
        await db.SaveChangesAsync();
    }

    public async Task ConfirmedDayAsync(long departmentId, int register, string date)
    {
        await using var db = newDbContext();
        db.ConfirmedDays.Add(new ConfirmedDayEntity
        {
            DepartmentId = departmentId, RegisterNumber = register, Date = Day(date), ConfirmedBy = "seeded", ConfirmedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }

    public async Task DayValueAsync(long departmentId, int register, string date, long fieldId, decimal value)
    {
        await using var db = newDbContext();
        db.DayValues.Add(new DayValueEntity
        {
            DepartmentId = departmentId, RegisterNumber = register, Date = Day(date), FieldId = fieldId, Value = value, UpdatedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>A job row with one unit per department-day, as if a start (and maybe a worker) had made it.</summary>
    public async Task<ImportJobEntity> JobAsync(long clientId, long[] departmentIds, string from, string until,
        ImportJobState state = ImportJobState.Queued, DateTimeOffset? createdAt = null, Guid? id = null,
        Action<ImportJobEntity>? configure = null)
    {
        var first = Day(from);
        var last = Day(until);
        var days = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays).ToList();
        var at = createdAt ?? DateTimeOffset.UtcNow;
        var job = new ImportJobEntity
        {
            Id = id ?? Guid.NewGuid(),
            ClientId = clientId,
            DepartmentIds = departmentIds,
            FromDate = first,
            UntilDate = last,
            Trigger = (int)ImportTrigger.Manual,
            State = (int)state,
            CreatedBy = "seeded",
            CreatedAt = at,
            UpdatedAt = at,
            StartedAt = state == ImportJobState.Queued ? null : at,
            FinishedAt = state is ImportJobState.Succeeded or ImportJobState.Failed or ImportJobState.Cancelled ? at : null,
            DepartmentDaysTotal = departmentIds.Length * days.Count,
            ProgressVersion = 1,
        };
        configure?.Invoke(job);
        await using var db = newDbContext();
        db.ImportJobs.Add(job);
        var accounts = await db.Departments.Where(d => departmentIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => $"rseries:{d.PosClientNumber}");
        db.ImportUnits.AddRange(departmentIds.SelectMany(d => days.Select(day =>
            new ImportUnitEntity { JobId = job.Id, DepartmentId = d, Date = day, AccountKey = accounts.GetValueOrDefault(d, "rseries:") })));
        db.ImportJobAccounts.AddRange(departmentIds.Select(d => accounts.GetValueOrDefault(d, "rseries:")).Distinct()
            .Select(a => new ImportJobAccountEntity { JobId = job.Id, AccountKey = a }));
        await db.SaveChangesAsync();
        return job;
    }
}
