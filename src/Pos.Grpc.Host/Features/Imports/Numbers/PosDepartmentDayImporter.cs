using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Features.Imports.Engine;
using Pos.Grpc.Host.Infrastructure.Caching;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.Imports.Numbers;

/// <summary>
/// A department-day from the POS into the weekly balance: <see cref="PrepareAsync"/> loads the department's
/// setup, streams the local day's sales from <see cref="ISalesSource"/> into a <see cref="DayAggregator"/>
/// (never holding the sales), and <see cref="WriteAsync"/> hands the numbers to <see cref="DayValuesWriter"/>.
/// </summary>
public sealed class PosDepartmentDayImporter(ClientConfigurationCache configurations, ISalesSource salesSource, DayValuesWriter writer)
    : IDepartmentDayImporter
{
    public async Task<PreparedDay> PrepareAsync(DepartmentDayWork work, CancellationToken cancellationToken)
    {
        var setup = await LoadSetupAsync(work, cancellationToken);
        var department = setup.Department;
        if (string.IsNullOrWhiteSpace(department.PosClientNumber))
            throw new ImportUnitException("DEPARTMENT_NOT_CONFIGURED",
                $"Department {department.Id} has no POS client number (the Lightspeed account ID); set it to import.", permanent: true);

        var terminalNumbers = department.Registers.OrderBy(r => r.RegisterNumber).Select(r => r.PosRegisterId).ToList();
        var zone = TimeZones.ForDepartment(department.TimeZone, setup.Settings.TimeZone);
        var scope = new DayScope(work.Date, zone, terminalNumbers, department.PosShopId, setup.Settings.AmountsIncludeTax);
        var window = new SalesWindow(work.ClientId, department.PosClientNumber, scope.ShopId, terminalNumbers, scope.StartUtc, scope.EndUtc);

        var stats = new SalesFetchStats();
        var numbers = await DayAggregator.AggregateAsync(scope, salesSource.GetSalesAsync(window, stats, cancellationToken), cancellationToken);
        var (_, notProvided) = MappedFields.Classify(setup.Fields);
        return new PreparedPosDay(work, numbers, setup.Fields)
        {
            SalesRead = numbers.SalesRead,
            RequestsMade = stats.RequestsMade,
            RateLimitWait = stats.RateLimitWait,
            NotProvidedFieldTypes = notProvided,
        };
    }

    public async Task<DayWriteResult> WriteAsync(PosDbContext db, PreparedDay day, CancellationToken cancellationToken)
    {
        if (day is not PreparedPosDay prepared)
            throw new ArgumentException($"Expected a day prepared by {nameof(PosDepartmentDayImporter)}.", nameof(day));
        var work = prepared.Work;
        return await writer.WriteAsync(db,
            new DayWrite(work.ClientId, work.DepartmentId, work.JobId, work.Actor, work.OverwriteApproved, prepared.Fields, prepared.Numbers),
            cancellationToken);
    }

    /// <summary>
    /// The department with its registers, the client's settings and mapped fields, from the configuration cache
    /// (every change to them invalidates it on every instance): a long import reads them once, not per day.
    /// </summary>
    private async Task<DepartmentSetup> LoadSetupAsync(DepartmentDayWork work, CancellationToken cancellationToken)
    {
        var configuration = await configurations.GetAsync(work.ClientId, cancellationToken);
        // A department of another client is as absent as a deleted one: the job must not touch it.
        var department = configuration.Departments.FirstOrDefault(d => d.Id == work.DepartmentId)
            ?? throw new ImportUnitException("DEPARTMENT_NOT_FOUND", $"Department {work.DepartmentId} of client {work.ClientId} does not exist.", permanent: true);
        var fields = configuration.Fields.Where(f => f.PosFieldType != null).ToList();
        return new DepartmentSetup(department, configuration.Settings, fields);
    }

    private sealed record DepartmentSetup(DepartmentEntity Department, GeneralSettingsEntity Settings, IReadOnlyList<WeeklyBalanceFieldEntity> Fields);
}

/// <summary>A department-day aggregated by <see cref="PosDepartmentDayImporter"/>: its numbers and the mapped fields they go into.</summary>
public sealed class PreparedPosDay(DepartmentDayWork work, DayNumbers numbers, IReadOnlyList<WeeklyBalanceFieldEntity> fields) : PreparedDay(work)
{
    public DayNumbers Numbers { get; } = numbers;

    /// <summary>The client's mapped fields as they were when the day was prepared.</summary>
    public IReadOnlyList<WeeklyBalanceFieldEntity> Fields { get; } = fields;
}
