using Pos.Grpc.Providers.KSeries.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Providers.KSeries.Tests;

/// <summary>
/// <see cref="KSeriesProvider"/> over HTTP against the simulator: which accounts count (docs/domain.md section 6), what is
/// skipped and reported by type, the neutral lines (voided left out, modifiers marked, refunds negative), covers, the
/// device scope, how far each page has read, and the failures as the engine sees them.
/// </summary>
public sealed class ProviderTests(KSeriesSimulatorFixture fixture) : IClassFixture<KSeriesSimulatorFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly KSeriesSimulatorServer _sim = fixture.Server;
    private KSeriesClientHarness _client = null!;

    public async ValueTask InitializeAsync() => _client = await KSeriesClientHarness.CreateAsync(_sim);

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    private KSeriesProvider Provider => new(_client.Api);

    private static SalesRead Read(string connectionKey, long blId, DateTimeOffset from, DateTimeOffset until, params string[] devices) =>
        new(new PosConnection(connectionKey, new PosAccount(PosSystem.LightspeedKSeries, blId.ToString(CultureInfo.InvariantCulture))),
            new SalesScope([], devices), from, until, RequestPriority.Manual);

    private async Task<List<SalesPage>> ReadAllAsync(SalesRead read)
    {
        var pages = new List<SalesPage>();
        await foreach (var page in Provider.ReadSalesAsync(read, CancellationToken.None)) pages.Add(page);
        return pages;
    }

    [Fact]
    public async Task ReadSales_CountsSaleAndRefund_SkipsOtherTypesByName_LinesAsTheDomainSays()
    {
        var blId = await _sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        await _sim.AddSalesAsync(blId,
            // A table of 3: two mains, a modifier on them, a dessert struck off ("Cooking").
            KSales.Sale(Day.AddHours(12), 101,
                KSales.Line(2, 50m, "S1.1"),
                KSales.Line(1, 10m, "S1.2", parentLineId: "S1.1"),
                KSales.Line(1, 30m, "S1.3").With("voidReason", "Cooking")).With("nbCovers", 3),
            KSales.Sale(Day.AddHours(13), 101, KSales.Line(-1, 50m, "S2.1")).With("type", "REFUND").With("nbCovers", 0),
            KSales.Sale(Day.AddHours(14), 101, KSales.Line(1, 50m)).With("cancelled", true),
            KSales.Sale(Day.AddHours(15), 101, KSales.Line(1, 50m)).With("type", "SPLIT"),
            KSales.Sale(Day.AddHours(16), 101, KSales.Line(1, 50m)).With("type", "TRANSFER"),
            KSales.Sale(Day.AddHours(17), 101, KSales.Line(1, 50m)).With("type", "SPLIT"));
        var key = await _client.ConnectAsync(blId);

        var pages = await ReadAllAsync(Read(key, blId, Day, Day.AddDays(1)));

        var sales = pages.SelectMany(p => p.Sales).ToList();
        Assert.Equal(6, pages.Sum(p => p.SalesRead));
        Assert.Equal([PosSaleKind.Sale, PosSaleKind.Refund], sales.Select(s => s.Kind));
        var sale = sales[0];
        Assert.Equal((Day.AddHours(12), "", "101", 3m), (sale.Time, sale.ShopId, sale.RegisterId, sale.Covers));
        // Prices include 25 % VAT: 2 x 50 = 100 with tax, 80 without; the modifier 10 / 8; the voided dessert is gone.
        Assert.Equal([new PosSaleLine(2, 80m, 100m, 0m), new PosSaleLine(1, 8m, 10m, 0m, IsModifier: true)], sale.Lines);
        Assert.Equal([new PosSaleLine(-1, -40m, -50m, 0m)], sales[1].Lines);
        var skipped = pages.SelectMany(p => p.Skipped).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));
        Assert.Equal(new Dictionary<string, int> { ["CANCELLED"] = 1, ["SPLIT"] = 2, ["TRANSFER"] = 1 }, skipped);
        Assert.Equal(Day.AddDays(1), pages[^1].ReadThrough);
        Assert.True(pages.Sum(p => p.Cost.Requests) >= 1);
    }

    [Fact]
    public async Task ReadSales_DeviceScope_LeavesOtherDevicesOut_CountedAndSkippedAlike()
    {
        var blId = await _sim.CreateLocationAsync(devices: [101, 102], openedOn: new DateOnly(2022, 1, 1));
        await _sim.AddSalesAsync(blId,
            KSales.Sale(Day.AddHours(12), 101, KSales.Line(1, 10m)),
            KSales.Sale(Day.AddHours(12), 102, KSales.Line(1, 10m)),
            KSales.Sale(Day.AddHours(13), 102, KSales.Line(1, 10m)).With("type", "SPLIT"));
        var key = await _client.ConnectAsync(blId);

        var pages = await ReadAllAsync(Read(key, blId, Day, Day.AddDays(1), "101"));

        Assert.Equal(["101"], pages.SelectMany(p => p.Sales).Select(s => s.RegisterId));
        Assert.Empty(pages.SelectMany(p => p.Skipped));
    }

    [Fact]
    public async Task ReadSales_ManyPages_ReadThroughMovesWithTheLastSale_AndEndsAtTheReadsEnd()
    {
        var blId = await _sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        await _sim.AddSalesAsync(blId, Enumerable.Range(0, 230).Select(i => KSales.Sale(Day.AddMinutes(5 * i), 101, KSales.Line(1, 10m))).ToArray());
        var key = await _client.ConnectAsync(blId);

        var pages = await ReadAllAsync(Read(key, blId, Day, Day.AddDays(2)));

        Assert.Equal(230, pages.Sum(p => p.Sales.Count));
        Assert.Equal(Day.AddMinutes(5 * 99), pages[0].ReadThrough);
        Assert.True(pages.Zip(pages.Skip(1)).All(p => p.First.ReadThrough <= p.Second.ReadThrough));
        Assert.Equal(Day.AddDays(2), pages[^1].ReadThrough);
        var times = pages.SelectMany(p => p.Sales).Select(s => s.Time).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task ReadSales_RevokedTokens_ReauthorizationRequired_Permanent()
    {
        var blId = await _sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        var key = await _client.ConnectAsync(blId);
        await _sim.SetFaultsAsync(blId, new { revokeTokens = true });

        var error = await Assert.ThrowsAsync<PosProviderException>(() => ReadAllAsync(Read(key, blId, Day, Day.AddDays(1))));

        Assert.Equal(("LIGHTSPEED_REAUTHORIZATION_REQUIRED", true, true), (error.Reason, error.Permanent, error.NeedsReauthorization));
    }

    [Fact]
    public async Task ReadSales_LocationTheUserCannotSee_LocationAccessDenied()
    {
        var seen = await _sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        var other = await _sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        var key = await _client.ConnectAsync(seen);

        var error = await Assert.ThrowsAsync<PosProviderException>(() => ReadAllAsync(Read(key, other, Day, Day.AddDays(1))));

        Assert.Equal(("LIGHTSPEED_LOCATION_ACCESS_DENIED", true), (error.Reason, error.Permanent));
        Assert.Contains(other.ToString(CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public async Task Provider_HasNoChangeCursor_ProvidesVisitors_OneReadPerLocation()
    {
        var account = new PosAccount(PosSystem.LightspeedKSeries, "45454565682155");

        Assert.False(Provider.HasChangeCursor);
        Assert.Contains(PosNumber.Visitors, Provider.ProvidedNumbers);
        Assert.Equal(Enum.GetValues<PosNumber>().Length, Provider.ProvidedNumbers.Count);
        Assert.Equal(1, Provider.ParallelReads(account));
        await Assert.ThrowsAsync<NotSupportedException>(() => Provider.FindChangedSalesAsync(
            new ChangeProbe(new PosConnection("k", account), SalesScope.Everything, Day, Day.AddDays(1), Day, RequestPriority.Scheduled), CancellationToken.None));
    }
}
