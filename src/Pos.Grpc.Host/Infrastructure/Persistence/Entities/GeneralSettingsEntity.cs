namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>A client's general POS settings; one row per client, created on first update.</summary>
public sealed class GeneralSettingsEntity
{
    public long ClientId { get; set; }
    public bool MultiCashRegisters { get; set; }
    public bool PosImportEnabled { get; set; }
    public int PosIntegrationService { get; set; }
    public bool AutoConfirmWeeklyBalance { get; set; }
    public TimeOnly ConfirmDaysAt { get; set; } = new(5, 0);
    public string TimeZone { get; set; } = Domain.TimeZones.DefaultZoneId;
    public bool AmountsIncludeTax { get; set; }
    public int Version { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }

    public static GeneralSettingsEntity DefaultsFor(long clientId) => new() { ClientId = clientId };
}
