using Google.Protobuf.WellKnownTypes;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Hosting;

/// <summary>Reads of client configuration are cached per instance; a change on one instance reaches every other.</summary>
public sealed class ConfigurationCacheTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task SettingsChangedOnOneInstance_AreReadOnTheOther()
    {
        var other = await host.StartSiblingAsync();
        try
        {
            var token = PosHostFixture.Supervisor(601);
            var onA = host.Client<SettingsService.SettingsServiceClient>(token);
            var onB = other.Client<SettingsService.SettingsServiceClient>(token);
            Assert.Equal("05:00", (await onB.GetGeneralSettingsAsync(new() { ClientId = 601 })).Settings.ConfirmDaysAt); // cached on B now

            await onA.UpdateGeneralSettingsAsync(new()
            {
                Settings = new GeneralSettings { ClientId = 601, ConfirmDaysAt = "04:15" }, UpdateMask = FieldMask.FromString("confirm_days_at"),
            });

            Assert.Equal("04:15", (await onA.GetGeneralSettingsAsync(new() { ClientId = 601 })).Settings.ConfirmDaysAt); // read-your-writes
            var seenOnB = await EventuallyAsync(() => onB.GetGeneralSettingsAsync(new() { ClientId = 601 }).ResponseAsync, r => r.Settings.ConfirmDaysAt == "04:15");
            Assert.Equal("1", seenOnB.Settings.Etag);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task DepartmentCreatedOnOneInstance_IsListedOnTheOther()
    {
        var other = await host.StartSiblingAsync();
        try
        {
            var lister = other.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Supervisor(602));
            Assert.Empty((await lister.ListDepartmentsAsync(new() { ClientId = 602 })).Departments);

            await host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Service())
                .CreateDepartmentAsync(new() { Department = new Department { DepartmentId = 6021, ClientId = 602, Name = "New store" } });

            var listed = await EventuallyAsync(() => lister.ListDepartmentsAsync(new() { ClientId = 602 }).ResponseAsync, r => r.Departments.Count == 1);
            Assert.Equal(6021, listed.Departments[0].DepartmentId);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }
}
