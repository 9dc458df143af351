using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pos.Grpc.Providers.KSeries.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Providers.KSeries.Tests;

/// <summary>
/// Sales from /f/v2/business-location/{blId}/sales: paging by nextPageToken, resuming, ranges longer than 365 days,
/// half-open windows, money and quantities as decimals, ids, payments, and the simulator's restaurant days.
/// </summary>
public sealed class SalesTests(KSeriesSimulatorFixture fixture) : IClassFixture<KSeriesSimulatorFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly KSeriesSimulatorServer _sim = fixture.Server;
    private KSeriesClientHarness _client = null!;

    public async ValueTask InitializeAsync() => _client = await KSeriesClientHarness.CreateAsync(_sim);

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    private async Task<KSeriesLocation> LocationWithSalesAsync(int count, TimeSpan spacing, DateTimeOffset? start = null)
    {
        var blId = await _sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        var first = start ?? Day.AddHours(10);
        await _sim.AddSalesAsync(blId, Enumerable.Range(0, count).Select(i => KSales.Sale(first + spacing * i, 101, KSales.Line(1, 10m))).ToArray());
        return await _client.ConnectLocationAsync(blId);
    }

    [Fact]
    public async Task ManyPages_EverySaleOnce_InTimeClosedOrder_OnePageAtATime()
    {
        var location = await LocationWithSalesAsync(250, TimeSpan.FromMinutes(1));
        var pages = new List<KSeriesSalesPage>();

        await foreach (var page in _client.Api.GetSalesPagesAsync(location, new KSeriesSalesQuery(Day, Day.AddDays(1))))
            pages.Add(page);

        Assert.Equal([100, 100, 50], pages.Select(p => p.Sales.Count));
        Assert.All(pages.Take(2), p => Assert.NotNull(p.NextPageToken));
        Assert.Null(pages[^1].NextPageToken);
        Assert.Null(pages[^1].Resume);
        var sales = pages.SelectMany(p => p.Sales).ToList();
        Assert.Equal(250, sales.Select(s => s.AccountFiscId).Distinct().Count());
        Assert.Equal(sales.OrderBy(s => s.TimeClosed).Select(s => s.AccountFiscId), sales.Select(s => s.AccountFiscId));
        Assert.Equal(pages[0].Sales[^1].TimeClosed, pages[0].LastTimeClosed);
    }

    [Fact]
    public async Task APageCursor_ResumesWhereThePageEnded()
    {
        var location = await LocationWithSalesAsync(120, TimeSpan.FromMinutes(1));
        var query = new KSeriesSalesQuery(Day, Day.AddDays(1)) { PageSize = 50 };
        KSeriesSalesPage firstPage = null!;
        await foreach (var page in _client.Api.GetSalesPagesAsync(location, query))
        {
            firstPage = page;
            break;
        }

        var rest = await _client.ReadSalesAsync(location, query with { ResumeAt = firstPage.Resume });

        Assert.Equal(70, rest.Count);
        Assert.Empty(rest.Select(s => s.AccountFiscId).Intersect(firstPage.Sales.Select(s => s.AccountFiscId)));
    }

    [Fact]
    public async Task ARangeLongerThan365Days_IsReadAsConsecutiveWindows()
    {
        // One sale every 10 days over 800 days; the simulator refuses any range over 365 days.
        var start = new DateTimeOffset(2022, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var location = await LocationWithSalesAsync(80, TimeSpan.FromDays(10), start);
        var stats = new KSeriesRequestStats();

        var sales = await _client.ReadSalesAsync(location, new KSeriesSalesQuery(start.AddDays(-1), start.AddDays(800)), stats);

        Assert.Equal(80, sales.Count);
        Assert.Equal(80, sales.Select(s => s.AccountFiscId).Distinct().Count());
        Assert.Equal(3, stats.Requests);
        var simStats = await _sim.LocationStatsAsync(location.BusinessLocationId);
        Assert.InRange(simStats.GetProperty("longestRangeDays").GetDouble(), 364, 365);
        Assert.Equal(0, simStats.GetProperty("badRequests").GetInt64());
    }

    [Fact]
    public async Task WindowsAreHalfOpen_ASaleOnTheBoundaryIsReadOnce()
    {
        var blId = await _sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        var boundary = new DateTimeOffset(2023, 6, 1, 0, 0, 0, TimeSpan.Zero);
        await _sim.AddSalesAsync(blId, KSales.Sale(boundary, 101, KSales.Line(1, 10m)), KSales.Sale(boundary.AddDays(365), 101, KSales.Line(1, 10m)));
        var location = await _client.ConnectLocationAsync(blId);

        // Windows [boundary - 365 d, boundary) and [boundary, boundary + 365 d): the simulator's `to` is inclusive.
        var sales = await _client.ReadSalesAsync(location, new KSeriesSalesQuery(boundary.AddDays(-365), boundary.AddDays(365)));

        Assert.Equal([boundary], sales.Select(s => s.TimeClosed!.Value));
    }

    [Fact]
    public async Task MoneyQuantitiesIdsAndTimes_AreReadExactly()
    {
        var blId = await _sim.CreateLocationAsync(devices: [141948669132831, 141948669132832], openedOn: new DateOnly(2022, 1, 1));
        var closed = new DateTimeOffset(2025, 3, 1, 19, 4, 8, 734, TimeSpan.Zero);
        await _sim.AddSalesAsync(blId, KSales.Sale(closed, 141948669132831,
                KSales.Line(0.375m, 650m, "S1.1").With("discountRate", 0.1m),
                KSales.Line(1, 20m, "S1.2", parentLineId: "S1.1"),
                KSales.Line(1, 85m, "S1.3").With("deviceId", 141948669132832).With("voidReason", "Cooking"))
            .With("accountFiscId", "A65315.17").With("nbCovers", 3).With("tip", 25m).With("serviceChargeRate", 0.1m));
        var location = await _client.ConnectLocationAsync(blId);

        var sale = Assert.Single(await _client.ReadSalesAsync(location, new KSeriesSalesQuery(closed.AddHours(-1), closed.AddHours(1)) { IncludePayments = true }));

        Assert.Equal("A65315.17", sale.AccountFiscId);
        Assert.Equal("SALE", sale.Type);
        Assert.Equal(closed, sale.TimeClosed);
        Assert.Equal(141948669132831, sale.DeviceId);
        Assert.Equal(3m, sale.NbCovers);
        var ribeye = sale.Lines[0];
        Assert.Equal(0.375m, ribeye.Quantity);
        // 0.375 × 650 = 243.75; 10 % off 24.38 (half-even) → 219.37 with tax; / 1.25 = 175.496 without.
        Assert.Equal(24.38m, ribeye.TotalDiscountAmount);
        Assert.Equal(219.37m, ribeye.TotalNetAmountWithTax);
        Assert.Equal(175.496m, ribeye.TotalNetAmountWithoutTax);
        Assert.Equal(43.874m, ribeye.TaxAmount);
        Assert.Equal(21.94m, ribeye.ServiceCharge);
        Assert.True(ribeye.TaxIncluded);
        Assert.Equal("S1.1", sale.Lines[1].ParentLineId);
        Assert.Equal("Cooking", sale.Lines[2].VoidReason);
        Assert.Equal(141948669132832, sale.Lines[2].DeviceId);
        var payment = Assert.Single(sale.Payments);
        // Due: the lines not voided, with their service charge: 219.37 + 21.94 + 20 + 2 = 263.31.
        Assert.Equal(263.31m, payment.NetAmountWithTax);
        Assert.Equal(25m, payment.Tip);
        Assert.Equal(141948669132831, payment.DeviceId); // a string on the wire
    }

    [Fact]
    public async Task Payments_ComeOnlyWhenAskedFor()
    {
        var location = await LocationWithSalesAsync(3, TimeSpan.FromMinutes(5));
        var query = new KSeriesSalesQuery(Day, Day.AddDays(1));

        var without = await _client.ReadSalesAsync(location, query);
        var with = await _client.ReadSalesAsync(location, query with { IncludePayments = true });

        Assert.All(without, s => Assert.Empty(s.Payments));
        Assert.All(with, s => Assert.Equal(10m, Assert.Single(s.Payments).NetAmountWithTax));
    }

    [Fact]
    public async Task AFromBeforeTheLocationOpened_StartsAtItsFirstDay()
    {
        var opened = new DateOnly(2025, 2, 20);
        var blId = await _sim.CreateLocationAsync(openedOn: opened);
        await _sim.AddSalesAsync(blId, KSales.Sale(Day.AddHours(12), 101, KSales.Line(1, 10m)));
        var location = await _client.ConnectLocationAsync(blId);

        var sales = await _client.ReadSalesAsync(location, new KSeriesSalesQuery(new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero), Day.AddDays(1)));

        Assert.Single(sales);
        Assert.Equal(1, (await _sim.LocationStatsAsync(blId)).GetProperty("badRequests").GetInt64());
    }

    [Fact]
    public async Task ASaleEditedAfterTheFact_IsReadAsEdited()
    {
        var blId = await _sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        var ids = await _sim.AddSalesAsync(blId, KSales.Sale(Day.AddHours(12), 101, KSales.Line(1, 10m, "S9.1"), KSales.Line(1, 30m, "S9.2")));
        var location = await _client.ConnectLocationAsync(blId);

        await _sim.PatchSaleAsync(blId, ids[0], new { voidLines = new[] { new { lineId = "S9.2", voidReason = "User Mistake" } } });
        var sale = Assert.Single(await _client.ReadSalesAsync(location, new KSeriesSalesQuery(Day, Day.AddDays(1)) { IncludePayments = true }));

        Assert.Equal("User Mistake", sale.Lines[1].VoidReason);
        Assert.Equal(10m, Assert.Single(sale.Payments).NetAmountWithTax);
    }

    [Fact]
    public async Task TheSandboxRestaurant_HasEveryKindOfAccountAndLine_WithConsistentNumbers()
    {
        var location = await _client.ConnectLocationAsync(KSeriesSimulatorServer.SandboxLocationId);
        var to = DateTimeOffset.UtcNow.Date.AddDays(-1);
        var from = to.AddDays(-14);

        var sales = await _client.ReadSalesAsync(location, new KSeriesSalesQuery(from, to) { IncludePayments = true });

        var byId = sales.ToDictionary(s => s.AccountFiscId);
        Assert.Contains(sales, s => s.Cancelled);
        Assert.Contains(sales, s => s.Type == "SPLIT");
        Assert.Contains(sales, s => s.Type == "TRANSFER");
        var refunds = sales.Where(s => s.Type == "REFUND").ToList();
        Assert.NotEmpty(refunds);
        Assert.All(refunds, r => Assert.All(r.Lines, l => Assert.True(l.Quantity < 0 && l.TotalNetAmountWithTax < 0)));
        // A refund of an earlier local day.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");
        Assert.Contains(refunds, r => r.SourceInitialAccountId is { } original && original.Split('.')[0] != r.AccountFiscId.Split('.')[0]);
        Assert.All(sales.Where(s => s.Type is "SPLIT" or "TRANSFER"), s => Assert.Empty(s.Payments));
        var lines = sales.SelectMany(s => s.Lines).ToList();
        Assert.Contains(lines, l => l.ParentLineId is not null);
        Assert.Contains(lines, l => l.VoidReason is not null);
        Assert.Contains(lines, l => l.Quantity != decimal.Truncate(l.Quantity));
        Assert.Contains(lines, l => l.TotalDiscountAmount > 0);
        Assert.Contains(lines, l => l.ServiceCharge > 0);
        Assert.Contains(sales, s => s.Payments.Any(p => p.Tip > 0));
        Assert.Contains(sales, s => s.NbCovers >= 6);
        Assert.Contains(sales, s => TimeZoneInfo.ConvertTime(s.TimeClosed!.Value, zone).Hour < 3); // closed after midnight
        Assert.Equal(3, sales.Select(s => s.DeviceId).Distinct().Count());
        Assert.All(lines, l => Assert.Equal(l.TotalNetAmountWithTax, l.TotalNetAmountWithoutTax + l.TaxAmount));
        Assert.All(sales.Where(s => s.Type is "SALE" or "REFUND" && !s.Cancelled), s => Assert.Equal(
            Math.Round(s.Lines.Where(l => l.VoidReason is null).Sum(l => l.TotalNetAmountWithTax + l.ServiceCharge), 2, MidpointRounding.ToEven),
            s.Payments.Sum(p => p.NetAmountWithTax)));
        // Split parts point at their echo; the echo is not among the counted sales' payments.
        Assert.All(sales.Where(s => s.SourcePreviousAccountId is { } p && byId.TryGetValue(p, out var echo) && echo.Type == "SPLIT"),
            part => Assert.Equal("SALE", part.Type));
    }

    [Fact]
    public async Task TheSameSeed_GivesTheSameSales()
    {
        await using var other = await KSeriesSimulatorServer.StartAsync();
        await using var otherClient = await KSeriesClientHarness.CreateAsync(other);
        var query = new KSeriesSalesQuery(DateTimeOffset.UtcNow.Date.AddDays(-3), DateTimeOffset.UtcNow.Date.AddDays(-2));

        var a = await _client.ReadSalesAsync(await _client.ConnectLocationAsync(KSeriesSimulatorServer.SandboxLocationId), query);
        var b = await otherClient.ReadSalesAsync(await otherClient.ConnectLocationAsync(KSeriesSimulatorServer.SandboxLocationId), query);

        Assert.NotEmpty(a);
        Assert.Equal(a.Select(s => (s.AccountFiscId, s.TimeClosed, s.Lines.Sum(l => l.TotalNetAmountWithTax))),
            b.Select(s => (s.AccountFiscId, s.TimeClosed, s.Lines.Sum(l => l.TotalNetAmountWithTax))));
    }

    [Theory]
    [InlineData("2023-02-14T20:04:08.734Z", "2023-02-14T20:04:08.734+00:00")]
    [InlineData("2020-01-14T14:30:00+02:00", "2020-01-14T12:30:00+00:00")]
    [InlineData("2023-05-12T13:29:05.028+0000", "2023-05-12T13:29:05.028+00:00")]
    [InlineData("2023-07-28T05:30:00-05:00", "2023-07-28T10:30:00+00:00")]
    public void TheThreeTimestampForms_AreParsed(string wire, string utc) =>
        Assert.Equal(DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture), Wire.ParseTime(wire));

    /// <summary>Raw HTTP with a token the client obtained: what the simulator itself serves.</summary>
    private async Task<JsonElement> GetRawAsync(KSeriesLocation location, string pathAndQuery, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _sim.BaseUrl + pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _client.Tokens.GetAccessTokenAsync(location.ConnectionKey, default));
        using var response = await http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Simulator_PageSizeDefaultsTo50_AndIsClampedTo100()
    {
        var location = await LocationWithSalesAsync(150, TimeSpan.FromMinutes(1));
        var range = $"from={Uri.EscapeDataString(KSeriesApiClient.WireTime(Day))}&to={Uri.EscapeDataString(KSeriesApiClient.WireTime(Day.AddDays(1)))}";
        var path = $"/f/v2/business-location/{location.BusinessLocationId}/sales?{range}";

        Assert.Equal(50, (await GetRawAsync(location, path)).GetProperty("sales").GetArrayLength());
        var clamped = await GetRawAsync(location, path + "&pageSize=500");
        Assert.Equal(100, clamped.GetProperty("sales").GetArrayLength());
        Assert.True(clamped.TryGetProperty("nextPageToken", out _));
        var error = await GetRawAsync(location, path + "&pageSize=0", HttpStatusCode.BadRequest);
        Assert.StartsWith("Invalid pageSize", error.GetProperty("error").GetString());
        var missingFrom = await GetRawAsync(location, $"/f/v2/business-location/{location.BusinessLocationId}/sales", HttpStatusCode.BadRequest);
        Assert.Equal("Required request parameter 'from' for method parameter type OffsetDateTime is not present", missingFrom.GetProperty("error").GetString());
        var badDate = await GetRawAsync(location, $"/f/v2/business-location/{location.BusinessLocationId}/sales?from=12/12/2023", HttpStatusCode.BadRequest);
        Assert.Equal("Invalid date format: 12/12/2023", badDate.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Simulator_SalesDaily_HasTheNextStartOfDayAndDataComplete()
    {
        var blId = await _sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        // Business day 2025-03-01 starts at 05:00 Copenhagen (04:00 UTC): 03:30 UTC belongs to the day before.
        await _sim.AddSalesAsync(blId, KSales.Sale(Day.AddHours(3.5), 101, KSales.Line(1, 10m)), KSales.Sale(Day.AddHours(12), 101, KSales.Line(1, 10m)));
        var location = await _client.ConnectLocationAsync(blId);

        var daily = await GetRawAsync(location, $"/f/v2/business-location/{blId}/sales-daily?date=2025-03-01");

        Assert.Equal(1, daily.GetProperty("sales").GetArrayLength());
        Assert.Equal("2025-03-02T05:00:00+01:00", daily.GetProperty("nextStartOfDayAsIso8601").GetString());
        Assert.Equal(Wire.ParseTime("2025-03-02T04:00:00Z"), Wire.ParseTime(daily.GetProperty("nextStartOfDayAsIso8601").GetString()!));
        Assert.True(daily.GetProperty("dataComplete").GetBoolean());
    }

    [Fact]
    public async Task Simulator_V1Financials_PageByAccountId_WithV1NamesAndLocalOffsets()
    {
        var location = await LocationWithSalesAsync(5, TimeSpan.FromMinutes(10));
        var path = $"/f/finance/{location.BusinessLocationId}/financials/2025-03-01T00:00:00Z/2025-03-02T00:00:00Z?pageSize=2";

        var first = await GetRawAsync(location, path);
        var next = first.GetProperty("nextPageToken").GetString()!;
        var href = first.GetProperty("_links").GetProperty("nextPage").GetProperty("href").GetString()!;
        var second = await GetRawAsync(location, new Uri(href).PathAndQuery);

        var secondSales = second.GetProperty("sales").EnumerateArray().Select(KSeriesSale.Parse).ToList();
        Assert.Equal(next, secondSales[0].AccountFiscId);
        Assert.Contains("+01:00", second.GetProperty("sales")[0].GetProperty("timeofCloseAndPaid").GetString());
        Assert.Equal(Day.AddHours(10).AddMinutes(20), secondSales[0].TimeClosed);
        Assert.NotNull(secondSales[0].TimeOfOpening);
        var last = await GetRawAsync(location, path + "&nextPageToken=" + second.GetProperty("nextPageToken").GetString());
        Assert.Equal("", last.GetProperty("nextPageToken").GetString());
        Assert.False(last.GetProperty("_links").TryGetProperty("nextPage", out _));
    }

    [Fact]
    public void V1FieldNames_AreReadInEitherCasing()
    {
        var current = JsonDocument.Parse("""{"accountFiscId":"A1.1","timeofCloseAndPaid":"2020-01-14T14:30:00+02:00","timeofOpening":"2020-01-14T14:00:00+02:00","salesLines":[{"id":"S1","timeofSale":"2020-01-14T14:10:00+02:00","quantity":"1.000"}]}""");
        var older = JsonDocument.Parse("""{"accountFiscId":"A1.1","timeOfCloseAndPaid":"2020-01-14T14:30:00+02:00","timeOfOpening":"2020-01-14T14:00:00+02:00","salesLines":[{"id":"S1","timeOfSale":"2020-01-14T14:10:00+02:00","quantity":"1.000"}]}""");

        foreach (var sale in new[] { KSeriesSale.Parse(current.RootElement), KSeriesSale.Parse(older.RootElement) })
        {
            Assert.Equal(new DateTimeOffset(2020, 1, 14, 12, 30, 0, TimeSpan.Zero), sale.TimeClosed);
            Assert.Equal(new DateTimeOffset(2020, 1, 14, 12, 0, 0, TimeSpan.Zero), sale.TimeOfOpening);
            Assert.Equal(new DateTimeOffset(2020, 1, 14, 12, 10, 0, TimeSpan.Zero), sale.Lines[0].TimeOfSale);
        }
    }
}

/// <summary>The last page told in each of the three ways: no token, an empty one, a null one. The read ends all the same.</summary>
public sealed class LastPageTokenTests
{
    [Theory]
    [InlineData("absent")]
    [InlineData("empty")]
    [InlineData("null")]
    public async Task TheLastPage_EndsTheRead_HoweverItSaysSo(string style)
    {
        await using var sim = await KSeriesSimulatorServer.StartAsync(o => o.LastPageToken = style);
        var blId = await sim.CreateLocationAsync(openedOn: new DateOnly(2022, 1, 1));
        var day = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await sim.AddSalesAsync(blId, Enumerable.Range(0, 30).Select(i => KSales.Sale(day.AddMinutes(i), 101, KSales.Line(1, 10m))).ToArray());
        await using var client = await KSeriesClientHarness.CreateAsync(sim);
        var stats = new KSeriesRequestStats();

        var sales = await client.ReadSalesAsync(await client.ConnectLocationAsync(blId), new KSeriesSalesQuery(day, day.AddDays(1)) { PageSize = 10 }, stats);

        Assert.Equal(30, sales.Count);
        Assert.Equal(3, stats.Requests);
    }
}

/// <summary>/f/data/businesses: the HAL shape, the location id in either spelling, the IANA time zone.</summary>
public sealed class BusinessTests
{
    [Theory]
    [InlineData("blID")]
    [InlineData("blId")]
    public async Task Businesses_AreReadFromTheHalShape(string idSpelling)
    {
        await using var sim = await KSeriesSimulatorServer.StartAsync(o => o.LocationIdFieldName = idSpelling);
        var london = await sim.CreateLocationAsync("Europe/London");
        await using var client = await KSeriesClientHarness.CreateAsync(sim);

        var businesses = await client.Api.GetBusinessesAsync(await client.ConnectAsync(KSeriesSimulatorServer.SandboxLocationId, london), default);

        Assert.Equal(2, businesses.Count);
        var sandbox = Assert.Single(businesses, b => b.BusinessId == 45454565682100);
        Assert.Equal("DKK", sandbox.CurrencyCode);
        var bistro = Assert.Single(sandbox.Locations);
        Assert.Equal(KSeriesSimulatorServer.SandboxLocationId, bistro.BusinessLocationId);
        Assert.Equal("Europe/Copenhagen", bistro.TimeZone);
        Assert.Equal("Europe/London", Assert.Single(businesses, b => b.BusinessId == 77).Locations.Single().TimeZone);
    }

    [Fact]
    public async Task DiscoverBusinesses_UsesFreshTokensBeforeTheyAreStored()
    {
        await using var sim = await KSeriesSimulatorServer.StartAsync();
        await using var client = await KSeriesClientHarness.CreateAsync(sim);
        var callback = await client.AuthorizeAsync("s", KSeriesSimulatorServer.SandboxLocationId);
        var tokens = await client.OAuth.ExchangeCodeAsync(callback["code"]!, default);

        var businesses = await client.Api.DiscoverBusinessesAsync(tokens, default);

        Assert.Equal(KSeriesSimulatorServer.SandboxLocationId, businesses.Single().Locations.Single().BusinessLocationId);
    }
}
