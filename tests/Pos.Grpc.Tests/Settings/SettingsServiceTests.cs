using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Settings;

public sealed class SettingsServiceTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    private SettingsService.SettingsServiceClient ClientFor(long clientId, Transport transport = Transport.Native) =>
        host.Client<SettingsService.SettingsServiceClient>(PosHostFixture.Supervisor(clientId), transport);

    private static UpdateGeneralSettingsRequest Update(long clientId, string paths, Action<GeneralSettings> set, string etag = "")
    {
        var settings = new GeneralSettings { ClientId = clientId };
        set(settings);
        return new UpdateGeneralSettingsRequest { Settings = settings, UpdateMask = FieldMask.FromString(paths), Etag = etag };
    }

    [Fact]
    public async Task GetGeneralSettings_NeverSaved_ReturnsDefaults()
    {
        var settings = (await ClientFor(101).GetGeneralSettingsAsync(new() { ClientId = 101 })).Settings;

        Assert.Equal(101, settings.ClientId);
        Assert.False(settings.MultiCashRegisters);
        Assert.False(settings.PosImportEnabled);
        Assert.Equal(PosIntegrationService.Unspecified, settings.PosIntegrationService);
        Assert.Equal("05:00", settings.ConfirmDaysAt);
        Assert.Equal("Europe/Copenhagen", settings.TimeZone);
        Assert.False(settings.AmountsIncludeTax);
        Assert.Equal("0", settings.Etag);
    }

    [Fact]
    public async Task UpdateGeneralSettings_DesignSectionOneSteps_StoresEveryFieldAndRecordsAudit()
    {
        var client = ClientFor(102);
        var first = await client.UpdateGeneralSettingsAsync(Update(102, "multi_cash_registers", s => s.MultiCashRegisters = true));
        var second = await client.UpdateGeneralSettingsAsync(Update(102,
            "pos_import_enabled,pos_integration_service,auto_confirm_weekly_balance,confirm_days_at",
            s =>
            {
                s.PosImportEnabled = true;
                s.PosIntegrationService = PosIntegrationService.LightspeedRSeries;
                s.AutoConfirmWeeklyBalance = true;
                s.ConfirmDaysAt = "05:30";
            }, etag: first.Settings.Etag));

        var stored = (await client.GetGeneralSettingsAsync(new() { ClientId = 102 })).Settings;
        Assert.Equal(second.Settings, stored);
        Assert.True(stored.MultiCashRegisters && stored.PosImportEnabled && stored.AutoConfirmWeeklyBalance);
        Assert.Equal("05:30", stored.ConfirmDaysAt);
        Assert.Equal("2", stored.Etag);
        Assert.NotNull(stored.UpdateTime);

        await using var db = host.NewDbContext();
        var audit = await db.AuditEntries.Where(a => a.ClientId == 102).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(2, audit.Count);
        Assert.All(audit, a => Assert.Equal("supervisor-102", a.Actor));
        Assert.All(audit, a => Assert.Equal("settings.update", a.Action));
    }

    [Fact]
    public async Task UpdateGeneralSettings_FieldMask_LeavesOtherFieldsAlone()
    {
        var client = ClientFor(103);
        await client.UpdateGeneralSettingsAsync(Update(103, "time_zone,amounts_include_tax", s =>
        {
            s.TimeZone = "America/New_York";
            s.AmountsIncludeTax = true;
            s.ConfirmDaysAt = "23:00"; // not in the mask: ignored
        }));

        var stored = (await client.GetGeneralSettingsAsync(new() { ClientId = 103 })).Settings;
        Assert.Equal("America/New_York", stored.TimeZone);
        Assert.True(stored.AmountsIncludeTax);
        Assert.Equal("05:00", stored.ConfirmDaysAt);
    }

    [Fact]
    public async Task UpdateGeneralSettings_EnablePosImportWithoutMultiRegisters_FailsPreconditionAndChangesNothing()
    {
        var client = ClientFor(104);
        var failure = await RpcAssert.FailedPreconditionAsync(() => client.UpdateGeneralSettingsAsync(Update(104,
            "pos_import_enabled,auto_confirm_weekly_balance", s => { s.PosImportEnabled = true; s.AutoConfirmWeeklyBalance = true; })),
            "clients/104/settings/multi_cash_registers", "clients/104/settings/pos_integration_service");

        Assert.Contains(failure.Violations, v => v.Description.Contains("multi cash registers"));
        var stored = (await client.GetGeneralSettingsAsync(new() { ClientId = 104 })).Settings;
        Assert.False(stored.PosImportEnabled);
        Assert.False(stored.AutoConfirmWeeklyBalance);
        Assert.Equal("0", stored.Etag);
    }

    [Fact]
    public async Task UpdateGeneralSettings_BadTimeAndZoneAndEnum_NamesEveryField()
    {
        var client = ClientFor(105);
        await RpcAssert.InvalidArgumentAsync(() => client.UpdateGeneralSettingsAsync(Update(105,
            "confirm_days_at,time_zone,pos_integration_service", s =>
            {
                s.ConfirmDaysAt = "25:00";
                s.TimeZone = "Mars/Olympus_Mons";
                s.PosIntegrationService = (PosIntegrationService)99;
            })),
            "settings.confirm_days_at", "settings.time_zone", "settings.pos_integration_service");

        await using var db = host.NewDbContext();
        Assert.False(await db.GeneralSettings.AnyAsync(s => s.ClientId == 105));
        Assert.False(await db.AuditEntries.AnyAsync(a => a.ClientId == 105));
    }

    [Theory]
    [InlineData("etag")]
    [InlineData("client_id")]
    [InlineData("no_such_field")]
    public async Task UpdateGeneralSettings_UnknownOrReadOnlyMaskPath_IsInvalidArgument(string path)
    {
        await RpcAssert.InvalidArgumentAsync(() => ClientFor(106).UpdateGeneralSettingsAsync(Update(106, path, _ => { })), "update_mask");
    }

    [Fact]
    public async Task UpdateGeneralSettings_StaleEtag_IsAbortedAndChangesNothing()
    {
        var client = ClientFor(107);
        var first = await client.UpdateGeneralSettingsAsync(Update(107, "multi_cash_registers", s => s.MultiCashRegisters = true));
        await client.UpdateGeneralSettingsAsync(Update(107, "confirm_days_at", s => s.ConfirmDaysAt = "06:00", etag: first.Settings.Etag));

        var stale = await RpcAssert.FailsAsync(StatusCode.Aborted, () =>
            client.UpdateGeneralSettingsAsync(Update(107, "confirm_days_at", s => s.ConfirmDaysAt = "07:00", etag: first.Settings.Etag)));

        Assert.Equal("STALE_ETAG", RpcAssert.Reason(stale));
        Assert.Equal("06:00", (await client.GetGeneralSettingsAsync(new() { ClientId = 107 })).Settings.ConfirmDaysAt);
    }

    [Fact]
    public async Task UpdateGeneralSettings_MissingSettings_IsInvalidArgument()
    {
        await RpcAssert.InvalidArgumentAsync(() => ClientFor(108).UpdateGeneralSettingsAsync(new UpdateGeneralSettingsRequest()), "settings");
    }

    [Fact]
    public async Task GetGeneralSettings_ZeroClientId_IsInvalidArgument()
    {
        await RpcAssert.InvalidArgumentAsync(() => ClientFor(108).GetGeneralSettingsAsync(new() { ClientId = 0 }), "client_id");
    }

    [Fact]
    public async Task UpdateGeneralSettings_RegionalSupervisor_ReadsButCannotChange()
    {
        var regional = host.Client<SettingsService.SettingsServiceClient>(
            PosHostFixture.Token(PosRoles.RegionalSupervisor, 109, [1091]));

        Assert.Equal(109, (await regional.GetGeneralSettingsAsync(new() { ClientId = 109 })).Settings.ClientId);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () =>
            regional.UpdateGeneralSettingsAsync(Update(109, "multi_cash_registers", s => s.MultiCashRegisters = true)));
    }

    [Fact]
    public async Task GetGeneralSettings_WithoutToken_IsUnauthenticated()
    {
        var anonymous = host.Client<SettingsService.SettingsServiceClient>(null);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => anonymous.GetGeneralSettingsAsync(new() { ClientId = 110 }));
    }

    [Theory]
    [InlineData(Transport.GrpcWebText)]
    [InlineData(Transport.GrpcWeb)]
    public async Task UpdateGeneralSettings_OverGrpcWeb_WorksAndCarriesRichErrors(Transport transport)
    {
        var client = ClientFor(111, transport);
        var updated = await client.UpdateGeneralSettingsAsync(Update(111, "multi_cash_registers", s => s.MultiCashRegisters = true));
        Assert.True(updated.Settings.MultiCashRegisters);

        await RpcAssert.InvalidArgumentAsync(() => client.UpdateGeneralSettingsAsync(Update(111, "time_zone", s => s.TimeZone = "Nowhere")),
            "settings.time_zone");
    }
}
