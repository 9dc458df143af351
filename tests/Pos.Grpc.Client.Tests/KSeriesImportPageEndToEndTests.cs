using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Client.Tests;

/// <summary>
/// A restaurant on Lightspeed Restaurant (K-Series), set up through the public RPCs as the README's K-Series walkthrough
/// does: client 2 with POS_INTEGRATION_SERVICE_LIGHTSPEED_K_SERIES, department 20 on the sandbox's business location
/// 45454565682155 with its three devices as registers, gross sales split into hours, transactions and visitors, the
/// consent given in the sandbox and activated by an integration contact. The location's generated checks include split
/// and transferred checks' echoes and cancelled checks, which K-Series sends and the import does not count.
/// </summary>
public sealed class KSeriesImportPageFixture : ImportPageHostFixture
{
    public const long ClientId = 2;
    public const long DepartmentId = 20;
    public const string DepartmentName = "Nørrebro Bistro";
    public const long GrossSalesField = 6266;
    public const long TransactionsField = 6268;
    public const long VisitorsField = 6267;
    public static readonly string[] Devices = ["141948669132831", "141948669132832", "141948669132833"];
    public static readonly string SupervisorToken = Supervisor(ClientId);

    private Task? _clientSetUp;

    public Task ClientReadyAsync() => _clientSetUp ??= SetUpClientAsync();

    private async Task SetUpClientAsync()
    {
        await Client<SettingsService.SettingsServiceClient>(SupervisorToken).UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings
            {
                ClientId = ClientId, MultiCashRegisters = true, PosImportEnabled = true, PosIntegrationService = PosIntegrationService.LightspeedKSeries,
            },
            UpdateMask = FieldMask.FromString("multi_cash_registers,pos_import_enabled,pos_integration_service"),
        });
        await CreateDepartmentAsync(ClientId, DepartmentId, DepartmentName, KSeriesSandboxLocation.ToString(CultureInfo.InvariantCulture), Devices, SupervisorToken);
        await MapFieldsAsync(ClientId, (GrossSalesField, TransactionsField, VisitorsField), SupervisorToken);
        await ConnectKSeriesAsync(ClientId, KSeriesSandboxLocation, SupervisorToken, integrationContact: "ic-anna");
    }

    /// <summary>Every K-Series request of the sandbox location waits this long (0: none), so the page sees the import part-way.</summary>
    public async Task DelayLocationAsync(int milliseconds)
    {
        using var response = await SimulatorAdmin.PutAsJsonAsync($"/__sim/kseries/locations/{KSeriesSandboxLocation}/faults", new { delayMs = milliseconds });
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>
/// The Import POS page for a K-Series client in headless Chromium, in English and in Danish: the department (the business
/// location and its devices) and the connection (the business and its location), an import with progress to done, the
/// sale types read and not counted shown where the progress is, visitors imported from covers (not "not provided"), and
/// the page's numbers GetImportJob's and GetWeeklyBalance's. axe finds nothing serious before, during or after.
/// </summary>
public sealed class KSeriesImportPageEndToEndTests(KSeriesImportPageFixture host) : IClassFixture<KSeriesImportPageFixture>
{
    private static readonly DateOnly From = ImportPageHostFixture.From;
    private static readonly DateOnly Until = ImportPageHostFixture.Until;

    [Theory]
    [InlineData("en-GB", "import-pos-kseries")]
    [InlineData("da-DK", "import-pos-kseries-da")]
    public async Task ImportPage_KSeriesClient_ImportsWithProgress_ShowsTheSkippedSaleTypes_AndImportsVisitors(string locale, string screenshotPrefix)
    {
        var language = PageLanguage.Of(locale);
        var texts = language.Texts;
        await host.ClientReadyAsync();

        await host.DelayLocationAsync(1500);
        JsonElement page;
        try
        {
            await using var pageServer = await BuiltPage.ServeAsync();
            var screenshots = Environment.GetEnvironmentVariable("POS_SCREENSHOT_DIR") ?? Directory.CreateTempSubdirectory("pos-kseries-page-").FullName;
            var (exitCode, output) = await BuiltPage.RunNodeAsync(TimeSpan.FromMinutes(8), "e2e/import.mjs",
                pageServer.Urls.First() + "/index.html", $"http://127.0.0.1:{host.GrpcWebPort}", KSeriesImportPageFixture.SupervisorToken,
                KSeriesImportPageFixture.ClientId.ToString(CultureInfo.InvariantCulture), KSeriesImportPageFixture.DepartmentName,
                Wire(From), Wire(Until), locale, screenshots, screenshotPrefix);
            Assert.True(exitCode == 0, output);
            page = BuiltPage.Result(output);
        }
        finally
        {
            await host.DelayLocationAsync(0);
        }

        Assert.Equal(language.Language, page.GetProperty("language").GetString());
        foreach (var stage in new[] { "before", "during", "after" })
            AxeResults.AssertNoSeriousViolations(page.GetProperty("accessibility").GetProperty(stage), $"{stage} the import ({locale})");
        Assert.Empty(page.GetProperty("consoleErrors").EnumerateArray());

        // The department names the business location and its three devices; the connection the business and the location.
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, texts.Registers, LightspeedSandboxFixture.KSeriesSandboxLocation, 3),
            page.GetProperty("departmentRow").GetString());
        var location = string.Format(CultureInfo.InvariantCulture, texts.BusinessLocations, "Nørrebro Bistro (45454565682155)");
        Assert.Matches($"^{texts.Active} Sandbox Restaurants ApS \\(45454565682100\\) {System.Text.RegularExpressions.Regex.Escape(location)} {texts.ActivatedBy} ic-anna",
            page.GetProperty("connection").GetString());

        // Part-way while running, then done; the page's numbers are the job's.
        Assert.Equal(texts.Running, page.GetProperty("during").GetProperty("state").GetString());
        Assert.InRange(page.GetProperty("during").GetProperty("percent").GetInt32(), 1, 99);
        Assert.Equal("SUCCEEDED", page.GetProperty("stateName").GetString());
        var job = (await host.Client<ImportService.ImportServiceClient>(KSeriesImportPageFixture.SupervisorToken)
            .GetImportJobAsync(new() { JobId = page.GetProperty("jobId").GetString() })).Job;
        var progress = job.Progress;
        Assert.Equal((5, 5), (progress.DepartmentDaysTotal, progress.DepartmentDaysDone));
        Assert.Empty(progress.Errors);
        var counts = BuiltPage.Pairs(page.GetProperty("counts"));
        Assert.Equal(language.Integer(progress.SalesRead), counts["salesRead"]);
        Assert.Equal(language.Integer(progress.ValuesWritten), counts["valuesWritten"]);
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, texts.AllImported, 5, language.Integer(progress.ValuesWritten)),
            page.GetProperty("outcome").GetString());

        // The sales K-Series sent and the import did not count, by type, most first, as the job counted them.
        Assert.Contains(progress.SkippedSales, s => s.Type == "SPLIT");
        var skipped = string.Format(CultureInfo.InvariantCulture, texts.Skipped,
            language.List(progress.SkippedSales.Select(s => $"{language.Integer(s.Count)} {s.Type}").ToList()));
        var notes = page.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Contains(skipped, notes);
        // Visitors come from covers: nothing is "not provided".
        Assert.Empty(progress.NotProvidedFieldTypes);
        Assert.DoesNotContain(notes, n => n.Contains(texts.VisitorsNotProvided));

        // Every device and day has its three fields; the page's totals are the weekly balance's, visitors included.
        decimal gross = 0, transactions = 0, visitors = 0;
        var balances = host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(KSeriesImportPageFixture.SupervisorToken);
        var days = Enumerable.Range(0, 5).Select(From.AddDays).ToList();
        foreach (var week in days.Select(d => (ISOWeek.GetYear(d.ToDateTime(TimeOnly.MinValue)), ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue)))).Distinct())
        {
            var balance = (await balances.GetWeeklyBalanceAsync(new() { DepartmentId = KSeriesImportPageFixture.DepartmentId, IsoYear = week.Item1, IsoWeek = week.Item2 })).WeeklyBalance;
            Assert.Equal(KSeriesImportPageFixture.Devices, balance.Registers.OrderBy(r => r.RegisterNumber).Select(r => r.PosTerminalNumber));
            foreach (var day in balance.Registers.SelectMany(r => r.Days).Where(d => days.Contains(DateOnly.ParseExact(d.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture))))
            {
                decimal Value(long field) => Decimal(Assert.Single(day.Fields, f => f.FieldId == field && f.HasValue).Value);
                gross += Value(KSeriesImportPageFixture.GrossSalesField);
                transactions += Value(KSeriesImportPageFixture.TransactionsField);
                visitors += Value(KSeriesImportPageFixture.VisitorsField);
            }
        }
        Assert.True(visitors > 0, "no covers imported");
        var totals = BuiltPage.Pairs(page.GetProperty("totals"));
        Assert.Equal(3, totals.Count);
        Assert.Equal(language.Amount(gross), totals[$"{KSeriesImportPageFixture.GrossSalesField}"]);
        Assert.Equal(language.Decimal(transactions), totals[$"{KSeriesImportPageFixture.TransactionsField}"]);
        Assert.Equal(language.Decimal(visitors), totals[$"{KSeriesImportPageFixture.VisitorsField}"]);
    }

    private static string Wire(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static decimal Decimal(string value) => decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);
}
