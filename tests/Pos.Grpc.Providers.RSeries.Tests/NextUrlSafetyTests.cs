using Pos.Grpc.Providers.RSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.RSeries.Tests;

/// <summary>A Lightspeed answer whose `next` page points to another host is not followed: the bearer token must not leak.</summary>
public sealed class NextUrlSafetyTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2024, 3, 1, 0, 0, 0, TimeSpan.FromHours(1));
    private SimulatorServer _sim = null!;

    public async ValueTask InitializeAsync() =>
        _sim = await SimulatorServer.StartAsync(o => o.PublicBaseUrl = "http://lightspeed.invalid");

    public async ValueTask DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Sales_NextPageOnAnotherHost_FailsWithoutFollowingIt()
    {
        await using var client = new RSeriesClientHarness(_sim, new() { ["PageSize"] = "1" });
        var account = await _sim.CreateAccountAsync();
        await _sim.AddSalesAsync(account, Sales.Sale(Day.AddHours(10), 1, Sales.Line(1, 10m)), Sales.Sale(Day.AddHours(11), 1, Sales.Line(1, 10m)));
        var connection = await client.ConnectAsync(account);

        var read = new List<RSeriesSale>();
        var error = await Assert.ThrowsAsync<RSeriesApiException>(async () =>
        {
            await foreach (var sale in client.Api.GetSalesAsync(connection, new RSeriesSalesQuery(Day, Day.AddDays(1)))) read.Add(sale);
        });

        Assert.Contains("another host", error.Message);
        Assert.Single(read); // the first page, from the configured host, was read; the second was never requested
    }
}
