using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// Issue 10, item 6: "Europe" (a zoneinfo directory) answered INTERNAL with a stack trace, and "europe/copenhagen",
/// "posixrules", "Factory" and "right/UTC" were accepted and stored as given. Only IANA zone names are taken now, stored
/// in their canonical spelling (an alias as the zone it stands for). The refusals are in <see cref="BadInputCatalogueTests"/>.
/// </summary>
public sealed class TimeZoneInputTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    [Theory]
    [InlineData(601, "europe/copenhagen", "Europe/Copenhagen")]
    [InlineData(602, "AMERICA/NEW_YORK", "America/New_York")]
    [InlineData(603, "US/Pacific", "America/Los_Angeles")]
    [InlineData(604, "UTC", "Etc/UTC")]
    [InlineData(605, "Europe/Kiev", "Europe/Kyiv")]
    public async Task AZoneName_IsStoredInItsCanonicalSpelling(long clientId, string given, string stored)
    {
        var settings = host.Client<SettingsService.SettingsServiceClient>(PosHostFixture.Supervisor(clientId));
        var answer = (await settings.UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings { ClientId = clientId, TimeZone = given }, UpdateMask = FieldMask.FromString("time_zone"),
        })).Settings;
        Assert.Equal(stored, answer.TimeZone);

        var departmentId = clientId * 10L;
        await host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Service()).CreateDepartmentAsync(new()
        {
            Department = new Department { DepartmentId = departmentId, ClientId = clientId, Name = "Store", TimeZone = given },
        });

        await using var db = host.NewDbContext();
        Assert.Equal(stored, (await db.GeneralSettings.SingleAsync(s => s.ClientId == clientId)).TimeZone);
        Assert.Equal(stored, (await db.Departments.SingleAsync(d => d.Id == departmentId)).TimeZone);
    }
}
