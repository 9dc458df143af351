using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Client.Tests;

/// <summary>
/// The host with its import workers on, talking to the Lightspeed simulator over real HTTP, over its own
/// PostgreSQL database: everything the Import POS page needs to run a real import. Progress messages are sent
/// at most every 100 ms and idle workers look for work every half second, so the page sees each step.
/// </summary>
public abstract class ImportPageHostFixture : LightspeedSandboxFixture
{
    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Imports:Engine:Enabled"] = "true";
        settings["Imports:Engine:PollInterval"] = "00:00:00.500";
        settings["Imports:Watch:HeartbeatInterval"] = "00:00:02";
        settings["Imports:Watch:MinUpdateInterval"] = "00:00:00.100";
        return settings;
    }

    /// <summary>A Friday to the following Tuesday, all in the past: five days over two ISO weeks.</summary>
    public static readonly DateOnly Until = LastTuesdayBefore(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2));
    public static readonly DateOnly From = Until.AddDays(-4);

    private static DateOnly LastTuesdayBefore(DateOnly day)
    {
        while (day.DayOfWeek != DayOfWeek.Tuesday) day = day.AddDays(-1);
        return day;
    }

    /// <summary>A department from SameSystem's main system, then its POS client number and terminal numbers from the supervisor.</summary>
    protected async Task CreateDepartmentAsync(long clientId, long departmentId, string name, string posClientNumber, string[] terminalNumbers,
        string supervisorToken)
    {
        await Client<DepartmentService.DepartmentServiceClient>(Service())
            .CreateDepartmentAsync(new() { Department = new() { DepartmentId = departmentId, ClientId = clientId, Name = name } });
        await Client<DepartmentService.DepartmentServiceClient>(supervisorToken).UpdateDepartmentAsync(new()
        {
            Department = new() { DepartmentId = departmentId, PosClientNumber = posClientNumber, PosTerminalNumbers = { terminalNumbers } },
            UpdateMask = FieldMask.FromString("pos_client_number,pos_terminal_numbers"),
        });
    }

    /// <summary>Gross sales split into hours, transactions and visitors: fields of the main system, mapped by the supervisor.</summary>
    protected async Task MapFieldsAsync(long clientId, (long GrossSales, long Transactions, long Visitors) fields, string supervisorToken)
    {
        var service = Client<FieldMappingService.FieldMappingServiceClient>(Service());
        var mapping = Client<FieldMappingService.FieldMappingServiceClient>(supervisorToken);
        foreach (var (id, name, code, type, split) in new[]
                 {
                     (fields.GrossSales, "Gross sales", "GS", PosFieldType.GrossSales, true),
                     (fields.Transactions, "Transactions", "TR", PosFieldType.Transactions, false),
                     (fields.Visitors, "Visitors", "VI", PosFieldType.Visitors, false),
                 })
        {
            await service.CreateWeeklyBalanceFieldAsync(new() { Field = new() { FieldId = id, ClientId = clientId, Name = name, Code = code } });
            await mapping.UpdateFieldMappingAsync(new() { FieldId = id, PosFieldType = type, SplitIntoIntervals = split });
        }
    }
}

/// <summary>An R-Series client on the simulator's account 120645, set up through the public RPCs.</summary>
public sealed class ImportPageEndToEndFixture : ImportPageHostFixture
{
    public const long ClientId = 1;
    public const long DepartmentId = 10;
    public const string DepartmentName = "Copenhagen Store";
    public const long GrossSalesField = 5266;
    public const long TransactionsField = 5267;
    public const long VisitorsField = 5268;
    public static readonly string[] TerminalNumbers = ["1", "2"];
    public static readonly string SupervisorToken = Supervisor(ClientId);

    private Task? _clientSetUp;

    /// <summary>The client every test imports for, set up once through the public RPCs (the first test to ask does it).</summary>
    public Task ClientReadyAsync() => _clientSetUp ??= SetUpClientAsync();

    /// <summary>Settings, department, fields and the Lightspeed connection, all through the public RPCs as the README walks through them.</summary>
    private async Task SetUpClientAsync()
    {
        var settings = Client<SettingsService.SettingsServiceClient>(SupervisorToken);
        await settings.UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings { ClientId = ClientId, MultiCashRegisters = true, TimeZone = "Europe/Copenhagen" },
            UpdateMask = FieldMask.FromString("multi_cash_registers,time_zone"),
        });
        await settings.UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings { ClientId = ClientId, PosImportEnabled = true, PosIntegrationService = PosIntegrationService.LightspeedRSeries },
            UpdateMask = FieldMask.FromString("pos_import_enabled,pos_integration_service"),
        });

        await CreateDepartmentAsync(ClientId, DepartmentId, DepartmentName, CopenhagenAccount.ToString(CultureInfo.InvariantCulture), TerminalNumbers, SupervisorToken);
        await MapFieldsAsync(ClientId, (GrossSalesField, TransactionsField, VisitorsField), SupervisorToken);

        // Lightspeed: the supervisor asks for the URL, the merchant's browser consents in the simulator and comes
        // back to the host's callback; then SameSystem's integration contact activates the connection.
        await ConnectLightspeedAsync(ClientId, CopenhagenAccount, SupervisorToken, integrationContact: "ic-anna");

        // Register 1's first day is confirmed: its numbers are approved, and the page's "overwrite" replaces them.
        await Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(SupervisorToken)
            .ConfirmDayAsync(new() { DepartmentId = DepartmentId, RegisterNumber = 1, Date = From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
    }
}

/// <summary>
/// The Import POS page end to end in headless Chromium, once in English and once in Danish: a client set up through
/// the public RPCs only (settings, department with two registers, mapped fields, Lightspeed authorised in the
/// simulator and activated by an integration contact), then the page starts an import, its progress bar advances to
/// done, and what the page shows is what GetImportJob and GetWeeklyBalance answer, written the way the browser's
/// locale writes numbers, dates and money. axe finds nothing serious before, during or after. Writes the screenshots
/// of docs/screenshots when POS_SCREENSHOT_DIR is set (e.g. POS_SCREENSHOT_DIR=$PWD/docs/screenshots).
/// </summary>
public sealed class ImportPageEndToEndTests(ImportPageEndToEndFixture host) : IClassFixture<ImportPageEndToEndFixture>
{
    private const long DepartmentId = ImportPageEndToEndFixture.DepartmentId;
    private static readonly string Supervisor = ImportPageEndToEndFixture.SupervisorToken;
    private static readonly DateOnly From = ImportPageHostFixture.From;
    private static readonly DateOnly Until = ImportPageHostFixture.Until;

    [Theory]
    [InlineData("en-GB", "import-pos")]
    [InlineData("da-DK", "import-pos-da")]
    public async Task ImportPage_StartsAnImport_ProgressReachesDone_AndTheNumbersMatchTheService(string locale, string screenshotPrefix)
    {
        var language = PageLanguage.Of(locale);
        var texts = language.Texts;
        var days = Enumerable.Range(0, 5).Select(From.AddDays).ToList();
        await host.ClientReadyAsync();

        // Every Lightspeed request now takes 1.5 s, so the import lasts long enough to be seen part-way.
        await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = 1500 });
        JsonElement page;
        try
        {
            await using var pageServer = await BuiltPage.ServeAsync();
            var screenshots = Environment.GetEnvironmentVariable("POS_SCREENSHOT_DIR")
                ?? Path.Combine(Path.GetTempPath(), $"import-pos-e2e-{Guid.NewGuid():N}");
            var (exitCode, output) = await BuiltPage.RunNodeAsync(TimeSpan.FromMinutes(8), "e2e/import.mjs",
                pageServer.Urls.First() + "/index.html", $"http://127.0.0.1:{host.GrpcWebPort}", Supervisor,
                ImportPageEndToEndFixture.ClientId.ToString(CultureInfo.InvariantCulture), ImportPageEndToEndFixture.DepartmentName,
                Wire(From), Wire(Until), locale, screenshots, screenshotPrefix);
            Assert.True(exitCode == 0, output);
            page = BuiltPage.Result(output);
            foreach (var name in new[] { "before", "during", "after" })
                Assert.True(File.Exists(Path.Combine(screenshots, $"{screenshotPrefix}-{name}.png")), $"no {name} screenshot");
        }
        finally
        {
            await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = 0 });
        }

        // The page speaks the browser's language; axe finds nothing serious or critical at any stage.
        Assert.Equal(language.Language, page.GetProperty("language").GetString());
        foreach (var stage in new[] { "before", "during", "after" })
            AxeResults.AssertNoSeriousViolations(page.GetProperty("accessibility").GetProperty(stage), $"{stage} the import ({locale})");

        // The form: the token left the address bar; the department with its account and registers; ACTIVE.
        Assert.DoesNotContain("token=", page.GetProperty("addressAfterLoad").GetString());
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, texts.Registers, "120645", 2), page.GetProperty("departmentRow").GetString());
        Assert.Matches($"^{texts.Active} .*\\(120645\\) {texts.ActivatedBy} ic-anna", page.GetProperty("connection").GetString());
        Assert.Equal(texts.NotStarted, page.GetProperty("stateBefore").GetString());

        // During: running, part-way, cancellable, no second start; the bar only ever grew, and ended full.
        var during = page.GetProperty("during");
        Assert.Equal(texts.Running, during.GetProperty("state").GetString());
        Assert.InRange(during.GetProperty("percent").GetInt32(), 1, 99);
        Assert.True(during.GetProperty("cancelVisible").GetBoolean());
        Assert.True(during.GetProperty("startDisabled").GetBoolean());
        // The range in the locale's dates: 24.11.2026 in Danish, 24/11/2026 in English.
        Assert.StartsWith(string.Format(CultureInfo.InvariantCulture, texts.Range, language.Date(From), language.Date(Until)), during.GetProperty("summary").GetString());
        var percents = page.GetProperty("percents").EnumerateArray().Select(p => p.GetInt32()).ToList();
        Assert.Equal(percents.Order(), percents);
        Assert.Contains(percents, p => p is > 0 and < 100);
        Assert.Equal(100, percents[^1]);
        Assert.Equal(100, page.GetProperty("percent").GetInt32());

        // After: done, and the page's numbers are the service's.
        Assert.Equal(texts.Done, page.GetProperty("state").GetString());
        Assert.Equal("SUCCEEDED", page.GetProperty("stateName").GetString());
        var job = (await host.Client<ImportService.ImportServiceClient>(Supervisor)
            .GetImportJobAsync(new() { JobId = page.GetProperty("jobId").GetString() })).Job;
        Assert.Equal(ImportJobState.Succeeded, job.State);
        Assert.Equal([DepartmentId], job.DepartmentIds);
        Assert.Equal((Wire(From), Wire(Until), true), (job.FromDate, job.UntilDate, job.OverwriteApproved));
        var progress = job.Progress;
        Assert.Equal(days.Count, progress.DepartmentDaysTotal);
        Assert.Equal(days.Count, progress.DepartmentDaysDone);
        Assert.Empty(progress.Errors);
        Assert.True(progress.SalesRead > 0);
        // Every day: two registers x two imported fields (visitors is mapped, but Lightspeed has no such number).
        Assert.Equal(days.Count * ImportPageEndToEndFixture.TerminalNumbers.Length * 2, progress.ValuesWritten);
        Assert.Equal(2, progress.ValuesOverwrittenApproved);
        Assert.Equal(0, progress.ValuesSkippedApproved);
        Assert.Equal(["POS_FIELD_TYPE_VISITORS"], progress.NotProvidedFieldTypes);

        var counts = BuiltPage.Pairs(page.GetProperty("counts"));
        Assert.Equal($"{language.Integer(progress.DepartmentDaysDone)} / {language.Integer(progress.DepartmentDaysTotal)}", counts["departmentDays"]);
        Assert.Equal(language.Integer(progress.SalesRead), counts["salesRead"]);
        Assert.Equal(language.Integer(progress.ValuesWritten), counts["valuesWritten"]);
        Assert.Equal(language.Integer(progress.ValuesSkippedApproved), counts["approvedKept"]);
        Assert.Equal(language.Integer(progress.ValuesOverwrittenApproved), counts["approvedReplaced"]);
        var outcome = string.Format(CultureInfo.InvariantCulture, texts.AllImported, days.Count, language.Integer(progress.ValuesWritten));
        Assert.Equal(outcome, page.GetProperty("outcome").GetString());
        var department = Assert.Single(page.GetProperty("departments").EnumerateArray());
        Assert.Equal([ImportPageEndToEndFixture.DepartmentName, texts.DepartmentDone, $"{days.Count} / {days.Count}", ""], department.EnumerateArray().Select(c => c.GetString()));
        var progressDepartment = Assert.Single(progress.Departments);
        Assert.Equal(DepartmentImportState.Done, progressDepartment.State);
        Assert.Empty(page.GetProperty("problems").EnumerateArray());
        Assert.Contains(page.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains(texts.VisitorsNotProvided));
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, texts.Requests, language.Integer(progress.RequestsMade)),
            page.GetProperty("summary").GetString() + page.GetProperty("meta").GetString());
        Assert.True(page.GetProperty("startEnabledAfter").GetBoolean());
        Assert.True(page.GetProperty("cancelHiddenAfter").GetBoolean());
        Assert.Empty(page.GetProperty("consoleErrors").EnumerateArray());

        // The live region: the progress panel, redrawn on every message, is none; the announcer said each sentence once
        // (queued, the quarters while running, the outcome last), not once per message or heartbeat.
        Assert.Equal(["connections", "announcer"], page.GetProperty("liveRegions").EnumerateArray().Select(r => r.GetString()));
        var announced = page.GetProperty("announced").EnumerateArray().Select(a => a.GetString()!).Where(a => a != "").ToList();
        Assert.Equal(outcome, announced[^1]);
        Assert.Equal(announced.Distinct(), announced);
        Assert.InRange(announced.Count, 2, 7);

        // The weekly balance over gRPC: a value for every imported register-day and field, none outside the range.
        var balances = host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(Supervisor);
        var valuesFound = 0;
        decimal grossSales = 0, transactions = 0;
        foreach (var week in days.Select(d => (Year: ISOWeek.GetYear(d.ToDateTime(TimeOnly.MinValue)), Week: ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue)))).Distinct())
        {
            var balance = (await balances.GetWeeklyBalanceAsync(new() { DepartmentId = DepartmentId, IsoYear = week.Year, IsoWeek = week.Week })).WeeklyBalance;
            Assert.Equal(ImportPageEndToEndFixture.TerminalNumbers, balance.Registers.OrderBy(r => r.RegisterNumber).Select(r => r.PosTerminalNumber));
            foreach (var register in balance.Registers)
            {
                foreach (var day in register.Days)
                {
                    var imported = days.Contains(DateOnly.ParseExact(day.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture));
                    var gross = day.Fields.Single(f => f.FieldId == ImportPageEndToEndFixture.GrossSalesField);
                    var count = day.Fields.Single(f => f.FieldId == ImportPageEndToEndFixture.TransactionsField);
                    var visitors = day.Fields.Single(f => f.FieldId == ImportPageEndToEndFixture.VisitorsField);
                    Assert.False(visitors.HasValue, $"visitors on {day.Date}");
                    Assert.True(gross.HasValue == imported && count.HasValue == imported, $"register {register.RegisterNumber}, {day.Date}: imported {imported}");
                    if (!imported) continue;
                    valuesFound += 2;
                    grossSales += Decimal(gross.Value);
                    transactions += Decimal(count.Value);
                    // Gross sales are split into hours: the hours add up to the day; transactions are not split.
                    Assert.Equal(Decimal(gross.Value), gross.Intervals.Sum(i => Decimal(i.Value)));
                    Assert.Empty(count.Intervals);
                    Assert.Equal(register.RegisterNumber == 1 && day.Date == Wire(From), day.Confirmed);
                }
            }
        }
        Assert.Equal(progress.ValuesWritten, valuesFound);
        Assert.InRange(transactions, 1, progress.SalesRead);

        // The page's totals are the weekly balance's: gross sales as money (1.234,50 kr. in Danish), transactions as a number.
        var totals = BuiltPage.Pairs(page.GetProperty("totals"));
        Assert.Equal(2, totals.Count);
        Assert.Equal(language.Amount(grossSales), totals[ImportPageEndToEndFixture.GrossSalesField.ToString(CultureInfo.InvariantCulture)]);
        Assert.Equal(language.Decimal(transactions), totals[ImportPageEndToEndFixture.TransactionsField.ToString(CultureInfo.InvariantCulture)]);
    }

    private static string Wire(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static decimal Decimal(string value) => decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);
}
