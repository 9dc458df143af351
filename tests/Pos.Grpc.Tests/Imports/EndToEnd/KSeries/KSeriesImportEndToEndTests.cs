using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Host.Engine.Nightly;
using Pos.Grpc.Host.Features.WeeklyBalance.AutoConfirm;
using Pos.Grpc.Providers;
using Pos.Grpc.Providers.KSeries;
using static Pos.Grpc.Tests.Imports.EndToEnd.KSeries.KSale;
using Microsoft.Extensions.Time.Testing;
using System.Globalization;

namespace Pos.Grpc.Tests.Imports.EndToEnd.KSeries;

/// <summary>
/// Lightspeed Restaurant (K-Series) through the whole product, over real HTTP against the simulator: set-up and
/// authorisation through the RPCs and the callback, imports through StartImport and WatchImportJob, numbers read back
/// with GetWeeklyBalance, each number hand-computed from docs/domain.md section 6. Prices include 25 % VAT and the
/// clients count amounts with tax, so a line's amount is quantity x unit price less its discounts.
/// </summary>
public sealed class KSeriesImportEndToEndTests(KSeriesEndToEndFixture host) : IClassFixture<KSeriesEndToEndFixture>
{
    [Fact]
    public async Task RestaurantDay_EveryLineKind_NumbersPerDeviceAndLocalHour_InTheLocationsZone()
    {
        const long clientId = 8101, departmentId = 810101;
        // London, while the client stays on Copenhagen: the location's zone is the department's default. In March London is UTC+0.
        var blId = await host.CreateLocationAsync("Europe/London", 201, 202);
        await host.AddSalesAsync(blId,
            // 12:10, a table of 2 on the floor iPad: 2 mains at 100 with 10 % off (180), a modifier 2 x 5 (10, no goods),
            // a dessert struck off after ordering (voidReason), a 10 % service charge and a tip of 20 (neither is a sale).
            Sale("2025-03-12T12:10:00Z", 202, 2, Line(2, 100m, "S1.1", discountRate: 0.1m), Line(2, 5m, "S1.2", parent: "S1.1"),
                Line(1, 60m, "S1.3", voidReason: "Cooking")).With("serviceChargeRate", 0.1m).With("tip", 20m),
            // 12:40, the bar: 0.5 kg at 60 (sold by weight), no covers.
            Sale("2025-03-12T12:40:00Z", 201, 0, Line(0.5m, 60m, "S2.1")),
            // 13:05, a refund of a main: a return, neither a transaction nor visitors.
            Sale("2025-03-12T13:05:00Z", 202, 2, Line(-1, 100m, "S3.1")).With("type", "REFUND"),
            // 19:30 a cancelled account, 20:00 a split's bookkeeping echo: skipped, and reported by type.
            Sale("2025-03-12T19:30:00Z", 202, 2, Line(1, 100m)).With("cancelled", true),
            Sale("2025-03-12T20:00:00Z", 202, 2, Line(1, 50m)).With("type", "SPLIT"),
            // 23:20 London (00:20 in Copenhagen, the next day there): a table of 4, 4 x 50 with a 20 % account discount (160).
            Sale("2025-03-12T23:20:00Z", 202, 4, Line(4, 50m, "S6.1")).With("accountDiscountRate", 0.2m),
            // Opened 23:30, closed 00:40 the next day: it counts on the day it was closed.
            Sale("2025-03-13T00:40:00Z", 202, 1, Line(1, 90m, "S7.1")).With("timeOfOpening", "2025-03-12T23:30:00Z"),
            // The next morning, a refund of the 12th's main with its discount (90): a return of the day it happened.
            Sale("2025-03-13T10:00:00Z", 202, 0, Line(-1, 100m, "S8.1", discountRate: 0.1m)).With("type", "REFUND"));
        var client = await KSeriesClient.SetUpAsync(host, clientId, blId, departmentId, ["202", "201"]);
        Assert.Equal("Europe/London", Assert.Single(client.Connection.Accounts).TimeZone);

        var job = await client.ImportAndWaitAsync([departmentId], "2025-03-12", "2025-03-13");

        Assert.True(job.State == ImportJobState.Succeeded && job.Progress.Errors.Count == 0, job.ToString());
        Assert.Empty(job.Progress.NotProvidedFieldTypes); // visitors included
        Assert.Equal(new[] { ("CANCELLED", 1L), ("SPLIT", 1L) }, job.Progress.SkippedSales.Select(s => (s.Type, s.Count)).OrderBy(s => s.Type));
        var week = await client.WeekAsync(departmentId, 2025, 11);
        string Value(int register, string date, long field) => week.Field(register, date, field).Value;
        // The floor iPad (register 1) on the 12th: gross (180 + 20) + 10 + (160 + 40) = 410, discounts 60, returns 100.
        Assert.Equal(("410.00", "60.00", "100.00", "250.00"), (Value(1, "2025-03-12", KFields.Gross(clientId)),
            Value(1, "2025-03-12", KFields.Discounts(clientId)), Value(1, "2025-03-12", KFields.Returns(clientId)), Value(1, "2025-03-12", KFields.Net(clientId))));
        Assert.Equal(("2.00", "6.00", "1.00", "6.00"), (Value(1, "2025-03-12", KFields.Transactions(clientId)), Value(1, "2025-03-12", KFields.GoodsSold(clientId)),
            Value(1, "2025-03-12", KFields.ReturnedGoods(clientId)), Value(1, "2025-03-12", KFields.Visitors(clientId))));
        Assert.Equal([("2025-03-12T12:00:00+00:00", "210.00"), ("2025-03-12T23:00:00+00:00", "200.00")],
            week.Field(1, "2025-03-12", KFields.Gross(clientId)).NonZeroIntervals());
        Assert.Equal([("2025-03-12T12:00:00+00:00", "2.00"), ("2025-03-12T23:00:00+00:00", "4.00")],
            week.Field(1, "2025-03-12", KFields.Visitors(clientId)).NonZeroIntervals());
        // The bar iPad (register 2): 30, half a kilo, one transaction, nobody seated.
        Assert.Equal(("30.00", "0.50", "1.00", "0.00"), (Value(2, "2025-03-12", KFields.Gross(clientId)), Value(2, "2025-03-12", KFields.GoodsSold(clientId)),
            Value(2, "2025-03-12", KFields.Transactions(clientId)), Value(2, "2025-03-12", KFields.Visitors(clientId))));
        // The 13th: the check closed after midnight (90, 1 visitor) and the refund of the 12th's main (90).
        Assert.Equal(("90.00", "90.00", "0.00", "1.00", "1.00"), (Value(1, "2025-03-13", KFields.Gross(clientId)), Value(1, "2025-03-13", KFields.Returns(clientId)),
            Value(1, "2025-03-13", KFields.Net(clientId)), Value(1, "2025-03-13", KFields.Transactions(clientId)), Value(1, "2025-03-13", KFields.Visitors(clientId))));
    }

    [Fact]
    public async Task DstDays_OfTheLocationsZone_Have23And25Intervals_AndBothOneOClockHoursInOctober()
    {
        const long clientId = 8102, departmentId = 810201;
        var blId = await host.CreateLocationAsync("Europe/London", 201);
        await host.AddSalesAsync(blId,
            // Spring forward, Sunday 30 March 2025: 01:00 GMT becomes 02:00 BST; the day runs 00:00Z to 23:00Z.
            Sale("2025-03-30T00:30:00Z", 201, 1, Line(1, 10m)), // 00:30+00:00
            Sale("2025-03-30T01:30:00Z", 201, 1, Line(1, 20m)), // 02:30+01:00, the next UTC hour
            // Fall back, Sunday 26 October 2025: 02:00 BST becomes 01:00 GMT; the day runs 25 Oct 23:00Z to 26 Oct 24:00Z.
            Sale("2025-10-26T00:30:00Z", 201, 2, Line(1, 11m)), // 01:30+01:00, the first 01:00 hour
            Sale("2025-10-26T01:30:00Z", 201, 3, Line(1, 13m))); // 01:30+00:00, the second
        var client = await KSeriesClient.SetUpAsync(host, clientId, blId, departmentId, []);

        Assert.Equal(ImportJobState.Succeeded, (await client.ImportAndWaitAsync([departmentId], "2025-03-30", "2025-03-30")).State);
        Assert.Equal(ImportJobState.Succeeded, (await client.ImportAndWaitAsync([departmentId], "2025-10-26", "2025-10-26")).State);

        var spring = (await client.WeekAsync(departmentId, 2025, 13)).Field(1, "2025-03-30", KFields.Gross(clientId));
        Assert.Equal(23, spring.Intervals.Count);
        Assert.Equal([("2025-03-30T00:00:00+00:00", "10.00"), ("2025-03-30T02:00:00+01:00", "20.00")], spring.NonZeroIntervals());
        var autumn = await client.WeekAsync(departmentId, 2025, 43);
        Assert.Equal(25, autumn.Field(1, "2025-10-26", KFields.Gross(clientId)).Intervals.Count);
        Assert.Equal([("2025-10-26T01:00:00+01:00", "11.00"), ("2025-10-26T01:00:00+00:00", "13.00")],
            autumn.Field(1, "2025-10-26", KFields.Gross(clientId)).NonZeroIntervals());
        Assert.Equal([("2025-10-26T01:00:00+01:00", "2.00"), ("2025-10-26T01:00:00+00:00", "3.00")],
            autumn.Field(1, "2025-10-26", KFields.Visitors(clientId)).NonZeroIntervals());
    }

    public static TheoryData<string, string> TransientFaults => new()
    {
        { "rateLimitStorm", """{"rateLimitStorm": 3, "retryAfterSeconds": 1}""" },
        { "serverErrors", """{"serverErrors": 3}""" },
        { "delayMs", """{"delayMs": 300}""" },
        { "cutConnections", """{"cutConnections": 2}""" },
        { "malformedPages", """{"malformedPages": 2}""" },
    };

    [Theory]
    [MemberData(nameof(TransientFaults))]
    public async Task FaultSwitch_Transient_TheImportStillGetsEveryNumberRight(string fault, string faults)
    {
        var clientId = 8110 + TransientFaults.Select(t => t.Data.Item1).ToList().IndexOf(fault);
        var departmentId = clientId * 100 + 1;
        var blId = await host.CreateLocationAsync("Europe/Copenhagen", 201);
        await host.AddSalesAsync(blId, Sale("2025-06-10T10:00:00Z", 201, 2, Line(2, 25m)), Sale("2025-06-10T18:00:00Z", 201, 3, Line(1, 40m)));
        var client = await KSeriesClient.SetUpAsync(host, clientId, blId, departmentId, []);
        await host.SetKFaultsAsync(blId, System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(faults));

        var job = await client.ImportAndWaitAsync([departmentId], "2025-06-10", "2025-06-10");

        await host.SetKFaultsAsync(blId, new { });
        Assert.True(job.State == ImportJobState.Succeeded && job.Progress.Errors.Count == 0, $"{fault}: {job.Progress}");
        var week = await client.WeekAsync(departmentId, 2025, 24);
        Assert.Equal(("90.00", "5.00"), (week.Field(1, "2025-06-10", KFields.Gross(clientId)).Value, week.Field(1, "2025-06-10", KFields.Visitors(clientId)).Value));
        if (fault == "rateLimitStorm") Assert.True(job.Progress.RateLimitWaitMs >= 1000, $"waited {job.Progress.RateLimitWaitMs} ms");
        // Every switch but the delay made the client retry.
        if (fault != "delayMs") Assert.True(job.Progress.RequestsMade > 1, $"{fault}: {job.Progress.RequestsMade} requests");
    }

    [Fact]
    public async Task FaultSwitch_RevokeTokens_FailsTheJobAndTheConnectionNeedsReauthorisation()
    {
        const long clientId = 8120, departmentId = 812001;
        var blId = await host.CreateLocationAsync("Europe/Copenhagen", 201);
        await host.AddSalesAsync(blId, Sale("2025-06-10T10:00:00Z", 201, 2, Line(1, 25m)));
        var client = await KSeriesClient.SetUpAsync(host, clientId, blId, departmentId, []);
        await host.SetKFaultsAsync(blId, new { revokeTokens = true });

        var job = await client.ImportAndWaitAsync([departmentId], "2025-06-10", "2025-06-10");

        Assert.Equal(ImportJobState.Failed, job.State);
        Assert.Contains(job.Progress.Errors, e => e.Reason == "LIGHTSPEED_REAUTHORIZATION_REQUIRED");
        var connection = Assert.Single((await client.Rpc<LightspeedAuthService.LightspeedAuthServiceClient>()
            .ListConnectionsAsync(new() { ClientId = clientId })).Connections);
        Assert.Equal(ConnectionState.ReauthorizationRequired, connection.State);
    }

    [Fact]
    public async Task TokenRotation_TwentyConcurrentReadersOfAnExpiredToken_RefreshOnceThroughTheHostsStoreAndLock()
    {
        const long clientId = 8130, departmentId = 813001;
        var blId = await host.CreateLocationAsync("Europe/Copenhagen", 201);
        var client = await KSeriesClient.SetUpAsync(host, clientId, blId, departmentId, []);
        var tokens = host.Services.GetRequiredService<ConnectionTokenManager<KSeriesTokens>>();
        var api = host.Services.GetRequiredService<KSeriesApiClient>();
        var key = client.Connection.ConnectionId;
        var before = (await tokens.LoadAsync(key, default))!;
        await tokens.SaveAsync(key, before with { ExpiresAt = host.Clock.GetUtcNow().AddMinutes(-1) }, default);
        var refreshes = await host.RefreshesAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => api.GetBusinessesAsync(key, default))));

        Assert.All(answers, a => Assert.Contains(a.SelectMany(b => b.Locations), l => l.BusinessLocationId == blId));
        Assert.Equal(1, await host.RefreshesAsync() - refreshes);
        var after = (await tokens.LoadAsync(key, default))!;
        Assert.NotEqual(before.RefreshToken, after.RefreshToken);
        Assert.True(after.ExpiresAt > host.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Night_ReadsEveryTrailingUnconfirmedDayInFull_ThenAutoConfirmConfirmsThem_AndDevicesAreListed()
    {
        const long clientId = 8140, departmentId = 814001;
        var blId = await host.CreateLocationAsync("Europe/Copenhagen", 201, 202);
        var ids = await host.AddSalesAsync(blId,
            Sale("2025-10-30T11:00:00Z", 202, 2, Line(1, 100m)),  // Thursday 12:00 CET
            Sale("2025-10-30T19:00:00Z", 201, 0, Line(2, 30m)),   // Thursday 20:00 CET, the bar
            Sale("2025-11-04T12:00:00Z", 202, 3, Line(1, 80m)));  // Tuesday, yesterday for the night of the 5th
        var client = await KSeriesClient.SetUpAsync(host, clientId, blId, departmentId, ["202", "201"]);
        var first = await client.ImportAndWaitAsync([departmentId], "2025-10-29", "2025-11-03", overwriteApproved: false);
        Assert.Equal(ImportJobState.Succeeded, first.State);
        // Later that week Lightspeed's account changed: Thursday's floor check was cancelled after the fact.
        await host.PatchSaleAsync(blId, ids[0], new { cancelled = true });

        host.Clock.AdjustTime(new DateTimeOffset(2025, 11, 5, 2, 30, 0, TimeSpan.Zero)); // 03:30 in Copenhagen
        await using (var scope = host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<NightlyImportInvocable>().Invoke();
        var jobs = await client.Rpc<ImportService.ImportServiceClient>().ListImportJobsAsync(new() { ClientId = clientId, PageSize = 10 });
        var night = Assert.Single(jobs.Jobs, j => j.Trigger == ImportTrigger.Scheduled);
        var done = await client.WatchAsync(night.JobId);

        // No change cursor in K-Series: yesterday plus the seven trailing days, all read in full.
        Assert.Equal(ImportJobState.Succeeded, done.State);
        Assert.Equal(("2025-10-28", "2025-11-04", 8), (done.FromDate, done.UntilDate, done.Progress.DepartmentDaysTotal));
        var week = await client.WeekAsync(departmentId, 2025, 44);
        Assert.Equal("0.00", week.Field(1, "2025-10-30", KFields.Gross(clientId)).Value);
        Assert.Equal("60.00", week.Field(2, "2025-10-30", KFields.Gross(clientId)).Value);
        Assert.Equal("80.00", (await client.WeekAsync(departmentId, 2025, 45)).Field(1, "2025-11-04", KFields.Gross(clientId)).Value);

        host.Clock.AdjustTime(new DateTimeOffset(2025, 11, 5, 4, 30, 0, TimeSpan.Zero)); // 05:30 in Copenhagen, after confirm_days_at
        await using (var scope = host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AutoConfirmer>().RunDueAsync(default);
        Assert.True((await client.WeekAsync(departmentId, 2025, 45)).Day(1, "2025-11-04").Confirmed);

        // The devices of the location's recent sales, each marked with the register it feeds.
        var registers = await client.Rpc<LightspeedAuthService.LightspeedAuthServiceClient>()
            .ListLightspeedRegistersAsync(new() { ConnectionId = client.Connection.ConnectionId, AccountId = blId.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal([("201", "Bar iPad 201", departmentId, 2), ("202", "Floor iPad 202", departmentId, 1)],
            registers.Registers.Select(r => (r.RegisterId, r.RegisterName, r.DepartmentId, r.RegisterNumber)));
        Assert.All(registers.Registers, r => Assert.Equal(blId.ToString(CultureInfo.InvariantCulture), r.AccountId));
    }
}
