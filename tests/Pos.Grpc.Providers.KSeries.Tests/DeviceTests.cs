using Pos.Grpc.Providers.KSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.KSeries.Tests;

/// <summary>K-Series has no device list: devices are the distinct ones seen in the location's recent sales.</summary>
public sealed class DeviceTests(KSeriesSimulatorFixture fixture) : IClassFixture<KSeriesSimulatorFixture>
{
    private readonly KSeriesSimulatorServer _sim = fixture.Server;

    [Fact]
    public async Task TheSandboxRestaurant_ShowsItsThreeDevices_WithNames()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim);
        var location = await client.ConnectLocationAsync(KSeriesSimulatorServer.SandboxLocationId);

        var devices = await client.Api.DiscoverDevicesAsync(location, default);

        Assert.Equal([141948669132831, 141948669132832, 141948669132833], devices.Select(d => d.DeviceId));
        Assert.Equal(["Bar iPad", "Floor iPad 1", "Floor iPad 2"], devices.Select(d => d.Name));
        Assert.All(devices, d => Assert.True(d.LastSeen > DateTimeOffset.UtcNow.AddDays(-2)));
    }

    [Fact]
    public async Task DevicesOfLines_Count_AndTheLastNameWins()
    {
        var blId = await _sim.CreateLocationAsync(devices: [101, 102, 103]);
        var now = DateTimeOffset.UtcNow;
        await _sim.AddSalesAsync(blId,
            KSales.Sale(now.AddDays(-3), 101, KSales.Line(1, 10m).With("deviceId", 102)),
            KSales.Sale(now.AddDays(-20), 103, KSales.Line(1, 10m))); // older than the window: not seen
        await using var client = await KSeriesClientHarness.CreateAsync(_sim);

        var devices = await client.Api.DiscoverDevicesAsync(await client.ConnectLocationAsync(blId), default);

        Assert.Equal([101, 102], devices.Select(d => d.DeviceId));
        Assert.Equal("iPad 102", devices[1].Name);
    }

    [Fact]
    public async Task Discovery_ReadsAtMostTheConfiguredPages()
    {
        await using var client = await KSeriesClientHarness.CreateAsync(_sim, "V2", new() { ["DeviceDiscoveryMaxPages"] = "2", ["PageSize"] = "5" });
        var location = await client.ConnectLocationAsync(KSeriesSimulatorServer.SandboxLocationId);

        await client.Api.DiscoverDevicesAsync(location, default);

        Assert.Equal(2, client.Api.GetLocationTotals(location.ConnectionKey, location.BusinessLocationId).Requests);
    }
}
