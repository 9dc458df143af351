using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Imports.Numbers;

/// <summary>Client settings, departments and mapped fields straight into the test's database.</summary>
internal sealed class ImportNumbersSeed(PosHostFixture host)
{
    private static readonly DateTimeOffset SeededAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task SettingsAsync(long clientId, string timeZone = "Europe/Copenhagen", bool amountsIncludeTax = false)
    {
        await using var db = host.NewDbContext();
        var settings = GeneralSettingsEntity.DefaultsFor(clientId);
        settings.MultiCashRegisters = true;
        settings.TimeZone = timeZone;
        settings.AmountsIncludeTax = amountsIncludeTax;
        db.GeneralSettings.Add(settings);
        await db.SaveChangesAsync();
    }

    public async Task DepartmentAsync(long clientId, long departmentId, string[] terminalNumbers, string? posClientNumber = "90001",
        string? shopId = null, string? timeZone = null)
    {
        await using var db = host.NewDbContext();
        db.Departments.Add(new DepartmentEntity
        {
            Id = departmentId, ClientId = clientId, Name = $"Department {departmentId}", PosClientNumber = posClientNumber,
            PosShopId = shopId, TimeZone = timeZone, CreatedAt = SeededAt, UpdatedAt = SeededAt,
            Registers = terminalNumbers
                .Select((t, i) => new DepartmentRegisterEntity { DepartmentId = departmentId, RegisterNumber = i + 1, PosRegisterId = t })
                .ToList(),
        });
        await db.SaveChangesAsync();
    }

    public async Task FieldAsync(long clientId, long fieldId, PosFieldType? type, bool split = false, bool mandatory = false)
    {
        await using var db = host.NewDbContext();
        db.WeeklyBalanceFields.Add(new WeeklyBalanceFieldEntity
        {
            Id = fieldId, ClientId = clientId, Name = $"Field {fieldId}", Code = $"F{fieldId}", Mandatory = mandatory,
            PosFieldType = type is { } t ? (int)t : null, SplitIntoIntervals = split, CreatedAt = SeededAt, UpdatedAt = SeededAt,
        });
        await db.SaveChangesAsync();
    }
}
