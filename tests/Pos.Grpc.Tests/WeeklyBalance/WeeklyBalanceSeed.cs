using System.Globalization;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.WeeklyBalance;

/// <summary>
/// Writes departments, fields and values straight into the test's database: the weekly balance only
/// reads them, and the services that own them are tested on their own.
/// </summary>
public sealed class WeeklyBalanceSeed(PosHostFixture host)
{
    public static readonly DateTimeOffset SeededAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateOnly Day(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task ClientTimeZoneAsync(long clientId, string timeZone)
    {
        await using var db = host.NewDbContext();
        var settings = GeneralSettingsEntity.DefaultsFor(clientId);
        settings.TimeZone = timeZone;
        settings.MultiCashRegisters = true;
        db.GeneralSettings.Add(settings);
        await db.SaveChangesAsync();
    }

    public async Task DepartmentAsync(long clientId, long departmentId, string[]? terminalNumbers = null, string? timeZone = null)
    {
        await using var db = host.NewDbContext();
        db.Departments.Add(new DepartmentEntity
        {
            Id = departmentId,
            ClientId = clientId,
            Name = $"Department {departmentId}",
            PosClientNumber = "90001",
            TimeZone = timeZone,
            CreatedAt = SeededAt,
            UpdatedAt = SeededAt,
            Registers = (terminalNumbers ?? [])
                .Select((t, i) => new DepartmentRegisterEntity { DepartmentId = departmentId, RegisterNumber = i + 1, PosRegisterId = t })
                .ToList(),
        });
        await db.SaveChangesAsync();
    }

    public async Task FieldAsync(long clientId, long fieldId, string name, bool mandatory = false, bool split = false)
    {
        await using var db = host.NewDbContext();
        db.WeeklyBalanceFields.Add(new WeeklyBalanceFieldEntity
        {
            Id = fieldId, ClientId = clientId, Name = name, Code = $"F{fieldId}", Mandatory = mandatory,
            SplitIntoIntervals = split, CreatedAt = SeededAt, UpdatedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }

    public async Task DayValueAsync(long departmentId, int register, string date, long fieldId, decimal value)
    {
        await using var db = host.NewDbContext();
        db.DayValues.Add(new DayValueEntity
        {
            DepartmentId = departmentId, RegisterNumber = register, Date = Day(date), FieldId = fieldId, Value = value, UpdatedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>Hourly intervals starting at <paramref name="firstStartUtc"/>, all of local date <paramref name="date"/>, and their sum as the day value.</summary>
    public async Task IntervalsAsync(long departmentId, int register, string date, long fieldId, DateTimeOffset firstStartUtc, IReadOnlyList<decimal> values)
    {
        await using var db = host.NewDbContext();
        var localDate = Day(date);
        db.IntervalValues.AddRange(values.Select((value, i) => new IntervalValueEntity
        {
            DepartmentId = departmentId, RegisterNumber = register, FieldId = fieldId, StartUtc = firstStartUtc.AddHours(i),
            Date = localDate, Value = value, UpdatedAt = SeededAt,
        }));
        db.DayValues.Add(new DayValueEntity
        {
            DepartmentId = departmentId, RegisterNumber = register, Date = localDate, FieldId = fieldId, Value = values.Sum(), UpdatedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }

    public async Task ConfirmedDaysAsync(long departmentId, int register, params string[] dates)
    {
        await using var db = host.NewDbContext();
        db.ConfirmedDays.AddRange(dates.Select(d => new ConfirmedDayEntity
        {
            DepartmentId = departmentId, RegisterNumber = register, Date = Day(d), ConfirmedBy = "seeded", ConfirmedAt = SeededAt,
        }));
        await db.SaveChangesAsync();
    }

    public async Task ApprovedWeekAsync(long departmentId, int register, string monday, string approvedBy = "seeded")
    {
        await using var db = host.NewDbContext();
        db.ApprovedWeeks.Add(new ApprovedWeekEntity
        {
            DepartmentId = departmentId, RegisterNumber = register, WeekStart = Day(monday), ApprovedBy = approvedBy, ApprovedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }

    public async Task OpenReasonAsync(long departmentId, int register, string date, string reason)
    {
        await using var db = host.NewDbContext();
        db.OpenDayReasons.Add(new OpenDayReasonEntity
        {
            DepartmentId = departmentId, RegisterNumber = register, Date = Day(date), Reason = reason, RecordedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }
}
