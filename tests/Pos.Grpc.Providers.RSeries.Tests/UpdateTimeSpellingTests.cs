using Pos.Grpc.LightspeedSimulator;
using Pos.Grpc.Providers.RSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.RSeries.Tests;

/// <summary>A simulator that spells the last-modified field "updateTime" (the tutorial's spelling).</summary>
public sealed class CamelCaseUpdateTimeSimulator : SimulatorFixture
{
    protected override void Configure(SimulatorOptions options) => options.UpdateTimeFieldName = "updateTime";
}

public sealed class UpdateTimeSpellingTests(CamelCaseUpdateTimeSimulator fixture) : IClassFixture<CamelCaseUpdateTimeSimulator>
{
    [Fact]
    public async Task Sales_UpdateTimeInCamelCase_IsReadToo()
    {
        var sim = fixture.Server;
        await using var client = new RSeriesClientHarness(sim);
        var account = await sim.CreateAccountAsync();
        var time = new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);
        await sim.AddSalesAsync(account, Sales.Sale(time, 1, Sales.Line(1, 10m)));
        var c = await client.ConnectAsync(account);

        var sales = new List<RSeriesSale>();
        await foreach (var s in client.Api.GetSalesAsync(c, new RSeriesSalesQuery(time.AddHours(-1), time.AddHours(1)))) sales.Add(s);

        Assert.Equal(time, Assert.Single(sales).UpdateTime);
    }
}
