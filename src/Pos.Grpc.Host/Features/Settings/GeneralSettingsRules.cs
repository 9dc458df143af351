using System.Globalization;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.Settings;

/// <summary>The rules of general settings (docs/domain.md section 2): shapes of fields, then consistency of the whole.</summary>
internal static class GeneralSettingsRules
{
    public static readonly IReadOnlySet<string> WritableFields = new HashSet<string>
    {
        "multi_cash_registers", "pos_import_enabled", "pos_integration_service", "auto_confirm_weekly_balance",
        "confirm_days_at", "time_zone", "amounts_include_tax",
    };

    /// <summary>Copies the masked fields of <paramref name="source"/> onto <paramref name="target"/>, naming every bad one.</summary>
    public static void Apply(GeneralSettings source, IReadOnlySet<string> paths, GeneralSettingsEntity target, Violations violations)
    {
        if (paths.Contains("multi_cash_registers")) target.MultiCashRegisters = source.MultiCashRegisters;
        if (paths.Contains("pos_import_enabled")) target.PosImportEnabled = source.PosImportEnabled;
        if (paths.Contains("auto_confirm_weekly_balance")) target.AutoConfirmWeeklyBalance = source.AutoConfirmWeeklyBalance;
        if (paths.Contains("amounts_include_tax")) target.AmountsIncludeTax = source.AmountsIncludeTax;
        if (paths.Contains("pos_integration_service"))
        {
            if (!System.Enum.IsDefined(source.PosIntegrationService))
                violations.Add("settings.pos_integration_service", $"unknown value {(int)source.PosIntegrationService}");
            else
                target.PosIntegrationService = (int)source.PosIntegrationService;
        }
        if (paths.Contains("confirm_days_at"))
        {
            if (TimeOnly.TryParseExact(source.ConfirmDaysAt, GeneralSettingsMapper.TimeOfDayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                target.ConfirmDaysAt = at;
            else
                violations.Add("settings.confirm_days_at", "must be a time of day \"HH:MM\" (00:00-23:59)");
        }
        if (paths.Contains("time_zone"))
        {
            if (TimeZones.CanonicalName(source.TimeZone) is { } zone)
                target.TimeZone = zone;
            else
                violations.Add("settings.time_zone", $"'{source.TimeZone}' is not an IANA time zone such as \"Europe/Copenhagen\"");
        }
    }

    /// <summary>Rules across fields, checked on the result of the update.</summary>
    public static void EnsureConsistent(GeneralSettingsEntity settings)
    {
        var problems = new List<PreconditionViolation>();
        var subject = $"clients/{settings.ClientId}/settings";
        if (settings.PosImportEnabled && !settings.MultiCashRegisters)
            problems.Add(new("SETTINGS", subject + "/multi_cash_registers", "POS import needs multi cash registers turned on."));
        if (settings.PosImportEnabled && settings.PosIntegrationService == (int)PosIntegrationService.Unspecified)
            problems.Add(new("SETTINGS", subject + "/pos_integration_service", "POS import needs a POS integration service chosen."));
        if (problems.Count > 0) throw new PreconditionFailedException("SETTINGS_INCONSISTENT", problems);
    }
}
