using System.Net.Http.Headers;
using System.Text.Json;
using Pos.Grpc.Providers.RSeries.Tests.Infrastructure;

namespace Pos.Grpc.Providers.RSeries.Tests;

/// <summary>
/// lightspeed-api.md §10 quirks: each test checks the raw wire shape the simulator sends and that the client
/// reads it correctly.
/// </summary>
public sealed class WireQuirkTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2024, 3, 1, 0, 0, 0, TimeSpan.FromHours(1)); // Copenhagen, winter
    private readonly SimulatorServer _sim = fixture.Server;
    private RSeriesClientHarness _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = new RSeriesClientHarness(_sim);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    private static RSeriesSalesQuery DayQuery => new(Day, Day.AddDays(1));

    private async Task<List<RSeriesSale>> ReadSalesAsync(RSeriesConnection c, RSeriesSalesQuery? q = null, RSeriesRequestStats? stats = null)
    {
        var sales = new List<RSeriesSale>();
        await foreach (var sale in _client.Api.GetSalesAsync(c, q ?? DayQuery, stats)) sales.Add(sale);
        return sales;
    }

    /// <summary>The body the client would get for its own sales query, fetched raw with the connection's token.</summary>
    private async Task<JsonElement> RawAsync(RSeriesConnection c, string url)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _client.Tokens.GetAccessTokenAsync(c.ConnectionKey, default));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private string SalesUrl(RSeriesConnection c, RSeriesSalesQuery? q = null) => _client.Api.SalesUrl(c.AccountId, q ?? DayQuery);

    [Fact]
    public async Task Sales_OneSaleWithOneLine_ComeAsObjectsAndAreReadAsLists()
    {
        var account = await _sim.CreateAccountAsync();
        await _sim.AddSalesAsync(account, Sales.Sale(Day.AddHours(10), 1, Sales.Line(2, 45m)));
        var c = await _client.ConnectAsync(account);

        var raw = await RawAsync(c, SalesUrl(c));
        Assert.Equal(JsonValueKind.Object, raw.GetProperty("Sale").ValueKind);
        Assert.Equal(JsonValueKind.Object, raw.GetProperty("Sale").GetProperty("SaleLines").GetProperty("SaleLine").ValueKind);

        var sale = Assert.Single(await ReadSalesAsync(c));
        var line = Assert.Single(sale.Lines);
        Assert.Equal(2m, line.UnitQuantity);
    }

    [Fact]
    public async Task Sales_SeveralSalesAndLines_ComeAsArrays()
    {
        var account = await _sim.CreateAccountAsync();
        await _sim.AddSalesAsync(account,
            Sales.Sale(Day.AddHours(10), 1, Sales.Line(1, 10m), Sales.Line(1, 20m)),
            Sales.Sale(Day.AddHours(11), 1, Sales.Line(3, 5m)));
        var c = await _client.ConnectAsync(account);

        var raw = await RawAsync(c, SalesUrl(c));
        Assert.Equal(JsonValueKind.Array, raw.GetProperty("Sale").ValueKind);
        Assert.Equal(JsonValueKind.Array, raw.GetProperty("Sale")[0].GetProperty("SaleLines").GetProperty("SaleLine").ValueKind);
        Assert.Equal(JsonValueKind.Object, raw.GetProperty("Sale")[1].GetProperty("SaleLines").GetProperty("SaleLine").ValueKind);

        var sales = await ReadSalesAsync(c);
        Assert.Equal([2, 1], sales.Select(s => s.Lines.Count));
    }

    [Fact]
    public async Task Sales_SaleWithoutLines_HasNoSaleLinesKey_AndReadsAsEmpty()
    {
        var account = await _sim.CreateAccountAsync();
        await _sim.AddSalesAsync(account, Sales.Sale(Day.AddHours(10)));
        var c = await _client.ConnectAsync(account);

        var raw = await RawAsync(c, SalesUrl(c));
        Assert.False(raw.GetProperty("Sale").TryGetProperty("SaleLines", out _));
        Assert.Empty(Assert.Single(await ReadSalesAsync(c)).Lines);
    }

    [Fact]
    public async Task Sales_RelationsNotLoaded_LinesOmitted()
    {
        var account = await _sim.CreateAccountAsync();
        await _sim.AddSalesAsync(account, Sales.Sale(Day.AddHours(10), 1, Sales.Line(1, 10m)));
        var c = await _client.ConnectAsync(account);

        var sale = Assert.Single(await ReadSalesAsync(c, DayQuery with { IncludeLines = false }));
        Assert.Empty(sale.Lines);
        Assert.Equal(12.5m, sale.Total);
    }

    [Fact]
    public async Task Sales_EmptyWindow_HasNoResourceKey_AndYieldsNothing()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);

        var raw = await RawAsync(c, SalesUrl(c));
        Assert.Equal("""{"@attributes":{"next":"","previous":""}}""", raw.GetRawText());
        Assert.Empty(await ReadSalesAsync(c));
    }

    [Fact]
    public async Task Sales_EveryScalarIsAString_AndParsesToExactTypes()
    {
        var account = await _sim.CreateAccountAsync(tax1: 0.05m, tax2: 0.09975m);
        var ids = await _sim.AddSalesAsync(account,
            Sales.Sale(new DateTimeOffset(2024, 3, 1, 14, 43, 29, TimeSpan.FromHours(1)), 1, Sales.Line(2, 45m, discountPercent: 0.5m)));
        var c = await _client.ConnectAsync(account);

        var raw = await RawAsync(c, SalesUrl(c));
        AssertAllScalarsAreStrings(raw.GetProperty("Sale"));
        Assert.Equal("2024-03-01T13:43:29+00:00", raw.GetProperty("Sale").GetProperty("completeTime").GetString());
        Assert.Equal("0", raw.GetProperty("Sale").GetProperty("customerID").GetString());
        Assert.Equal("51.73875", raw.GetProperty("Sale").GetProperty("SaleLines").GetProperty("SaleLine").GetProperty("calcTotal").GetString());

        // The worked example of lightspeed-api.md §3: 2 × 45 at 50 % off, GST 5 % and QST 9.975 %.
        var sale = Assert.Single(await ReadSalesAsync(c));
        Assert.Equal(ids[0], sale.SaleId);
        Assert.True(sale.Completed);
        Assert.False(sale.Voided);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 13, 43, 29, TimeSpan.Zero), sale.CompleteTime);
        Assert.Equal(TimeSpan.Zero, sale.CompleteTime!.Value.Offset);
        Assert.Equal(90m, sale.CalcSubtotal);
        Assert.Equal(45m, sale.CalcDiscount);
        Assert.Equal(2.25m, sale.CalcTax1);
        Assert.Equal(4.49m, sale.CalcTax2);
        Assert.Equal(51.74m, sale.Total);
        Assert.Equal(0m, sale.Balance);
        Assert.Equal(0, sale.CustomerId);
        var line = Assert.Single(sale.Lines);
        Assert.Equal(0.5m, line.DiscountPercent);
        Assert.Equal(45m, line.CalcLineDiscount);
        Assert.Equal(4.48875m, line.CalcTax2);
        Assert.Equal(51.73875m, line.CalcTotal);
        Assert.True(line.Tax);
        Assert.Equal(0, line.ParentSaleLineId);
    }

    [Fact]
    public async Task Sales_LocalDayWindow_SendsOffsetAsPercent2B_AndCutsAtLocalMidnight()
    {
        var account = await _sim.CreateAccountAsync();
        var utc = TimeSpan.Zero;
        await _sim.AddSalesAsync(account,
            Sales.Sale(new DateTimeOffset(2024, 2, 29, 22, 59, 59, utc)),  // 23:59:59 local on Feb 29: out
            Sales.Sale(new DateTimeOffset(2024, 2, 29, 23, 0, 0, utc)),    // 00:00:00 local on Mar 1: in
            Sales.Sale(new DateTimeOffset(2024, 3, 1, 22, 59, 59, utc)),   // 23:59:59 local: in
            Sales.Sale(new DateTimeOffset(2024, 3, 1, 23, 0, 0, utc)));    // next local day: out
        var c = await _client.ConnectAsync(account);

        var url = SalesUrl(c);
        Assert.Contains("completeTime=%3E%3C%2C2024-03-01T00:00:00%2B01:00%2C2024-03-01T23:59:59%2B01:00", url);
        Assert.DoesNotContain("+", url);
        var sales = await ReadSalesAsync(c);
        Assert.Equal(
            [new DateTimeOffset(2024, 2, 29, 23, 0, 0, utc), new DateTimeOffset(2024, 3, 1, 22, 59, 59, utc)],
            sales.Select(s => s.CompleteTime!.Value));
    }

    [Fact]
    public async Task Sales_ManyPages_FollowsNextCursorUntilEmpty()
    {
        var account = await _sim.CreateAccountAsync();
        await _sim.AddSalesAsync(account, Enumerable.Range(0, 250)
            .Select(i => Sales.Sale(Day.AddHours(8).AddMinutes(i), 1, Sales.Line(1, 10m))).ToArray());
        var c = await _client.ConnectAsync(account);

        var first = await RawAsync(c, SalesUrl(c));
        var next = first.GetProperty("@attributes").GetProperty("next").GetString()!;
        Assert.Contains("after=", next);
        Assert.StartsWith(_sim.BaseUrl + "/API/V3/Account/", next);
        Assert.Equal("", first.GetProperty("@attributes").GetProperty("previous").GetString());

        var stats = new RSeriesRequestStats();
        var sales = await ReadSalesAsync(c, stats: stats);
        Assert.Equal(250, sales.Count);
        Assert.Equal(250, sales.Select(s => s.SaleId).Distinct().Count());
        Assert.Equal(sales.OrderBy(s => s.CompleteTime).Select(s => s.SaleId), sales.Select(s => s.SaleId));
        Assert.Equal(3, stats.Requests);
    }

    [Fact]
    public async Task Sales_VoidedOpenAndArchived_AreNotReturned()
    {
        var account = await _sim.CreateAccountAsync();
        var ids = await _sim.AddSalesAsync(account,
            Sales.Sale(Day.AddHours(9), 1, Sales.Line(1, 10m)),
            Sales.Sale(Day.AddHours(10), 1, Sales.Line(1, 10m)).With("voided", true),
            Sales.Sale(Day.AddHours(11), 1, Sales.Line(1, 10m)).With("archived", true),
            Sales.Sale(Day.AddHours(12), 1, Sales.Line(1, 10m)).With("completed", false).With("createTime", Day.AddHours(12).ToString("O")));
        var c = await _client.ConnectAsync(account);

        var sale = Assert.Single(await ReadSalesAsync(c));
        Assert.Equal(ids[0], sale.SaleId);

        // archived defaults to false at the API: asking for archived=true shows the archived one too.
        var all = await RawAsync(c, SalesUrl(c) + "&archived=true");
        Assert.Equal(2, all.GetProperty("Sale").GetArrayLength());
    }

    [Fact]
    public async Task Sales_RegisterAndShopFilters_SelectTheirSales()
    {
        var account = await _sim.CreateAccountAsync(registers: [1, 2, 3]);
        var ids = await _sim.AddSalesAsync(account,
            Sales.Sale(Day.AddHours(9), 1, Sales.Line(1, 10m)),
            Sales.Sale(Day.AddHours(10), 2, Sales.Line(1, 10m)),
            Sales.Sale(Day.AddHours(11), 3, Sales.Line(1, 10m)));
        var c = await _client.ConnectAsync(account);

        var sales = await ReadSalesAsync(c, DayQuery with { ShopIds = [1], RegisterIds = [1, 3] });
        Assert.Equal([ids[0], ids[2]], sales.Select(s => s.SaleId));
        Assert.Empty(await ReadSalesAsync(c, DayQuery with { ShopIds = [2] }));
    }

    [Fact]
    public async Task Sales_RefundsAndExchanges_KeepTheirSigns()
    {
        var account = await _sim.CreateAccountAsync();
        var original = await _sim.AddSalesAsync(account, Sales.Sale(Day.AddHours(9), 1, Sales.Line(2, 20m)));
        var parentLine = original[0] * 100 + 1;
        await _sim.AddSalesAsync(account,
            Sales.Sale(Day.AddHours(10), 1, Sales.Line(-1, 20m, parentSaleLineId: parentLine)),
            Sales.Sale(Day.AddHours(11), 1, Sales.Line(-1, 20m, parentSaleLineId: parentLine), Sales.Line(1, 20m, itemId: 2)));
        var c = await _client.ConnectAsync(account);

        var sales = await ReadSalesAsync(c);
        var refund = sales[1];
        var refundLine = Assert.Single(refund.Lines);
        Assert.Equal(-1m, refundLine.UnitQuantity);
        Assert.Equal(20m, refundLine.UnitPrice);
        Assert.Equal(-20m, refundLine.CalcSubtotal);
        Assert.Equal(parentLine, refundLine.ParentSaleLineId);
        Assert.Equal(-25m, refund.Total);
        var exchange = sales[2];
        Assert.Equal([-1m, 1m], exchange.Lines.Select(l => l.UnitQuantity));
        Assert.Equal(0m, exchange.Total);
    }

    [Fact]
    public async Task ShopsAndRegisters_OfDemoAccount_WithTimeZonesAndArchivedHidden()
    {
        var c = await _client.ConnectAsync(120645);

        var shops = await _client.Api.GetShopsAsync(c, default);
        Assert.Equal([1L, 2L], shops.Select(s => s.ShopId));
        Assert.All(shops, s => Assert.Equal("Europe/Copenhagen", s.TimeZone));
        Assert.Equal("Strøget", shops[0].Name);

        var registers = await _client.Api.GetRegistersAsync(c, default);
        Assert.Equal([1L, 2L, 3L], registers.Select(r => r.RegisterId));
        Assert.Equal([1L, 1L, 2L], registers.Select(r => r.ShopId));
        var withArchived = await _client.Api.GetRegistersAsync(c, default, includeArchived: true);
        Assert.Contains(withArchived, r => r.RegisterId == 9 && r.Archived);

        var pacific = await _client.ConnectAsync(182255);
        Assert.Equal(["US/Pacific", "US/Central"], (await _client.Api.GetShopsAsync(pacific, default)).Select(s => s.TimeZone));
    }

    [Fact]
    public async Task Registers_SmallPages_AreAllRead()
    {
        await using var smallPages = new RSeriesClientHarness(_sim, new() { ["PageSize"] = "1" });
        var c = await smallPages.ConnectAsync(182255);
        var stats = smallPages.Api.GetAccountTotals(182255);
        var before = stats.Requests;

        var registers = await smallPages.Api.GetRegistersAsync(c, default);

        Assert.Equal([1L, 2L, 3L, 4L], registers.Select(r => r.RegisterId));
        Assert.Equal(4, stats.Requests - before);
    }

    [Fact]
    public async Task GeneratedDay_IsDeterministic_AndHasRefundsExchangesAndDiscounts()
    {
        var c = await _client.ConnectAsync(182255);
        var day = DateTimeOffset.UtcNow.Date.AddDays(-10);
        var pacificOffset = TimeZoneInfo.FindSystemTimeZoneById("US/Pacific").GetUtcOffset(day);
        var query = new RSeriesSalesQuery(new DateTimeOffset(day, pacificOffset), new DateTimeOffset(day, pacificOffset).AddDays(1));

        var first = await ReadSalesAsync(c, query);
        var second = await ReadSalesAsync(c, query);

        Assert.True(first.Count > 20, $"only {first.Count} sales");
        Assert.Equal(first.Select(s => (s.SaleId, s.Total)), second.Select(s => (s.SaleId, s.Total)));
        Assert.All(first, s => Assert.True(s.Completed && !s.Voided && !s.Archived));
        Assert.Contains(first, s => s.ShopId == 2); // Chicago (US/Central) sales of the same window
        var lines = first.SelectMany(s => s.Lines).ToList();
        Assert.Contains(lines, l => l.UnitQuantity < 0 && l.UnitPrice > 0);
        Assert.Contains(lines, l => l.CalcLineDiscount > 0);
        Assert.All(first, s => Assert.Equal(s.CalcSubtotal - s.CalcDiscount + s.CalcTax1 + s.CalcTax2, s.Total, 2));
    }

    [Fact]
    public async Task GetSale_Single_ComesAsObject_UnknownIsNull()
    {
        var account = await _sim.CreateAccountAsync();
        var ids = await _sim.AddSalesAsync(account, Sales.Sale(Day.AddHours(10), 1, Sales.Line(1, 10m)));
        var c = await _client.ConnectAsync(account);

        var sale = await _client.Api.GetSaleAsync(c, ids[0], default);
        Assert.NotNull(sale);
        Assert.Single(sale.Lines);
        Assert.Null(await _client.Api.GetSaleAsync(c, 424242, default));
    }

    [Fact]
    public async Task DiscoverAccount_FromAccountJson_AndJwtAcctClaimAgrees()
    {
        var account = await _sim.CreateAccountAsync();
        var callback = await _client.AuthorizeAsync(account, out var pkce, out _);
        var tokens = await _client.OAuth.ExchangeCodeAsync(callback["code"]!, pkce.Verifier, default);

        var discovered = await _client.Api.DiscoverAccountAsync(tokens, default);

        Assert.Equal(account, discovered.AccountId);
        Assert.Equal($"Test account {account}", discovered.Name);
        Assert.Equal(account, RSeriesJwt.TryReadAccountId(tokens.AccessToken));
    }

    [Fact]
    public async Task Sales_TooManyRegisterIds_IsTypedBadRequestWithLightspeedMessage()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);

        var e = await Assert.ThrowsAsync<RSeriesBadRequestException>(() =>
            ReadSalesAsync(c, DayQuery with { RegisterIds = Enumerable.Range(1, 101).Select(i => (long)i).ToList() }));
        Assert.Contains("at most 100", e.LightspeedMessage);
    }

    [Fact]
    public async Task UnsupportedSort_Is400EnvelopeListingSortableFields()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{_sim.BaseUrl}/API/V3/Account/{account}/Sale.json?sort=name");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _client.Tokens.GetAccessTokenAsync(c.ConnectionKey, default));

        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("400", body.GetProperty("httpCode").GetString());
        Assert.Contains("completeTime", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task OtherAccountsPath_IsTypedForbidden()
    {
        var account = await _sim.CreateAccountAsync();
        var c = await _client.ConnectAsync(account);

        await Assert.ThrowsAsync<RSeriesForbiddenException>(() =>
            _client.Api.GetShopsAsync(c with { AccountId = 120645 }, default));
    }

    private static void AssertAllScalarsAreStrings(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) AssertAllScalarsAreStrings(p.Value);
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray()) AssertAllScalarsAreStrings(item);
                break;
            default:
                Assert.Equal(JsonValueKind.String, e.ValueKind);
                break;
        }
    }
}
