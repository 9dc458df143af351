using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.Settings;

internal static class GeneralSettingsMapper
{
    public const string TimeOfDayFormat = "HH:mm";

    public static GeneralSettings ToProto(this GeneralSettingsEntity entity) => new()
    {
        ClientId = entity.ClientId,
        MultiCashRegisters = entity.MultiCashRegisters,
        PosImportEnabled = entity.PosImportEnabled,
        PosIntegrationService = (PosIntegrationService)entity.PosIntegrationService,
        AutoConfirmWeeklyBalance = entity.AutoConfirmWeeklyBalance,
        ConfirmDaysAt = entity.ConfirmDaysAt.ToString(TimeOfDayFormat, CultureInfo.InvariantCulture),
        TimeZone = entity.TimeZone,
        AmountsIncludeTax = entity.AmountsIncludeTax,
        Etag = Etags.Format(entity.Version),
        UpdateTime = entity.UpdatedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
    };
}
