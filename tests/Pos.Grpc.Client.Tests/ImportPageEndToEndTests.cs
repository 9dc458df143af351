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
public sealed class ImportPageEndToEndFixture : LightspeedSandboxFixture
{
    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Imports:Workers:Slots"] = "2";
        settings["Imports:Workers:PollInterval"] = "00:00:00.500";
        settings["Imports:Watch:HeartbeatInterval"] = "00:00:02";
        settings["Imports:Watch:MinUpdateInterval"] = "00:00:00.100";
        return settings;
    }
}

/// <summary>
/// The Import POS page end to end in headless Chromium: a client set up through the public RPCs only (settings,
/// department with two registers, mapped fields, Lightspeed authorised in the simulator and activated by an
/// integration contact), then the page starts an import, its progress bar advances to done, and what the page
/// shows is what GetImportJob and GetWeeklyBalance answer. Writes the screenshots of docs/screenshots when
/// POS_SCREENSHOT_DIR is set (e.g. POS_SCREENSHOT_DIR=$PWD/docs/screenshots).
/// </summary>
public sealed class ImportPageEndToEndTests(ImportPageEndToEndFixture host) : IClassFixture<ImportPageEndToEndFixture>
{
    private const long ClientId = 1;
    private const long DepartmentId = 10;
    private const string DepartmentName = "Copenhagen Store";
    private const long GrossSalesField = 5266;
    private const long TransactionsField = 5267;
    private const long VisitorsField = 5268;
    private static readonly string[] TerminalNumbers = ["1", "2"];
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    private static readonly string Supervisor = PosHostFixture.Supervisor(ClientId);

    [Fact]
    public async Task ImportPage_StartsAnImport_ProgressReachesDone_AndTheNumbersMatchTheService()
    {
        // A Friday to the following Tuesday, all in the past: five days over two ISO weeks.
        var until = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2);
        while (until.DayOfWeek != DayOfWeek.Tuesday) until = until.AddDays(-1);
        var from = until.AddDays(-4);
        var days = Enumerable.Range(0, 5).Select(from.AddDays).ToList();

        await SetUpClientAsync();
        // Register 1's first day is confirmed: its numbers are approved, and the page's "overwrite" replaces them.
        await host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(Supervisor)
            .ConfirmDayAsync(new() { DepartmentId = DepartmentId, RegisterNumber = 1, Date = Wire(from) });

        // Every Lightspeed request now takes 1.5 s, so the import lasts long enough to be seen part-way.
        await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = 1500 });
        JsonElement page;
        try
        {
            await using var pageServer = await BuiltPage.ServeAsync();
            var screenshots = Environment.GetEnvironmentVariable("POS_SCREENSHOT_DIR")
                ?? Path.Combine(Path.GetTempPath(), $"import-pos-e2e-{Guid.NewGuid():N}");
            var (exitCode, output) = await BuiltPage.RunNodeAsync(TimeSpan.FromMinutes(8), "e2e/import.mjs",
                pageServer.Urls.First() + "/index.html", $"http://127.0.0.1:{host.GrpcWebPort}", Supervisor, ClientId.ToString(),
                DepartmentName, Wire(from), Wire(until), screenshots);
            Assert.True(exitCode == 0, output);
            page = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
            foreach (var name in new[] { "before", "during", "after" })
                Assert.True(File.Exists(Path.Combine(screenshots, $"import-pos-{name}.png")), $"no {name} screenshot");
        }
        finally
        {
            await host.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = 0 });
        }

        // The form: the token left the address bar; the department with its account and registers; ACTIVE.
        Assert.DoesNotContain("token=", page.GetProperty("addressAfterLoad").GetString());
        Assert.Contains("Lightspeed 120645 · 2 registers", page.GetProperty("departmentRow").GetString());
        Assert.Matches("^Active .*\\(120645\\) Activated by ic-anna", page.GetProperty("connection").GetString());
        Assert.Equal("Not started", page.GetProperty("stateBefore").GetString());

        // During: running, part-way, cancellable, no second start; the bar only ever grew, and ended full.
        var during = page.GetProperty("during");
        Assert.InRange(during.GetProperty("percent").GetInt32(), 1, 99);
        Assert.True(during.GetProperty("cancelVisible").GetBoolean());
        Assert.True(during.GetProperty("startDisabled").GetBoolean());
        Assert.StartsWith($"{Wire(from)} to {Wire(until)} · overwriting approved numbers", during.GetProperty("summary").GetString());
        var percents = page.GetProperty("percents").EnumerateArray().Select(p => p.GetInt32()).ToList();
        Assert.Equal(percents.Order(), percents);
        Assert.Contains(percents, p => p is > 0 and < 100);
        Assert.Equal(100, percents[^1]);
        Assert.Equal(100, page.GetProperty("percent").GetInt32());

        // After: done, and the page's numbers are the service's.
        Assert.Equal("Done", page.GetProperty("state").GetString());
        var job = (await host.Client<ImportService.ImportServiceClient>(Supervisor)
            .GetImportJobAsync(new() { JobId = page.GetProperty("jobId").GetString() })).Job;
        Assert.Equal(ImportJobState.Succeeded, job.State);
        Assert.Equal([DepartmentId], job.DepartmentIds);
        Assert.Equal((Wire(from), Wire(until), true), (job.FromDate, job.UntilDate, job.OverwriteApproved));
        var progress = job.Progress;
        Assert.Equal(days.Count, progress.DepartmentDaysTotal);
        Assert.Equal(days.Count, progress.DepartmentDaysDone);
        Assert.Empty(progress.Errors);
        Assert.True(progress.SalesRead > 0);
        // Every day: two registers x two imported fields (visitors is mapped, but Lightspeed has no such number).
        Assert.Equal(days.Count * TerminalNumbers.Length * 2, progress.ValuesWritten);
        Assert.Equal(2, progress.ValuesOverwrittenApproved);
        Assert.Equal(0, progress.ValuesSkippedApproved);
        Assert.Equal(["POS_FIELD_TYPE_VISITORS"], progress.NotProvidedFieldTypes);

        var counts = page.GetProperty("counts");
        Assert.Equal($"{N(progress.DepartmentDaysDone)} / {N(progress.DepartmentDaysTotal)}", counts.GetProperty("Department-days").GetString());
        Assert.Equal(N(progress.SalesRead), counts.GetProperty("Sales read").GetString());
        Assert.Equal(N(progress.ValuesWritten), counts.GetProperty("Values written").GetString());
        Assert.Equal(N(progress.ValuesSkippedApproved), counts.GetProperty("Approved values kept").GetString());
        Assert.Equal(N(progress.ValuesOverwrittenApproved), counts.GetProperty("Approved values replaced").GetString());
        Assert.Equal($"All {days.Count} department-days imported: {N(progress.ValuesWritten)} values written into the weekly balance.",
            page.GetProperty("outcome").GetString());
        var department = Assert.Single(page.GetProperty("departments").EnumerateArray());
        Assert.Equal([DepartmentName, "Done", $"{days.Count} / {days.Count}", ""], department.EnumerateArray().Select(c => c.GetString()));
        var progressDepartment = Assert.Single(progress.Departments);
        Assert.Equal(DepartmentImportState.Done, progressDepartment.State);
        Assert.Empty(page.GetProperty("problems").EnumerateArray());
        Assert.Contains(page.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("Not provided by Lightspeed, left alone: Visitors."));
        Assert.Contains($"{N(progress.RequestsMade)} requests to Lightspeed", page.GetProperty("summary").GetString() + page.GetProperty("meta").GetString());
        Assert.True(page.GetProperty("startEnabledAfter").GetBoolean());
        Assert.True(page.GetProperty("cancelHiddenAfter").GetBoolean());
        Assert.Empty(page.GetProperty("consoleErrors").EnumerateArray());

        // The weekly balance over gRPC: a value for every imported register-day and field, none outside the range.
        var balances = host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(Supervisor);
        var valuesFound = 0;
        decimal transactions = 0;
        foreach (var week in days.Select(d => (Year: ISOWeek.GetYear(d.ToDateTime(TimeOnly.MinValue)), Week: ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue)))).Distinct())
        {
            var balance = (await balances.GetWeeklyBalanceAsync(new() { DepartmentId = DepartmentId, IsoYear = week.Year, IsoWeek = week.Week })).WeeklyBalance;
            Assert.Equal(TerminalNumbers, balance.Registers.OrderBy(r => r.RegisterNumber).Select(r => r.PosTerminalNumber));
            foreach (var register in balance.Registers)
            {
                foreach (var day in register.Days)
                {
                    var imported = days.Contains(DateOnly.ParseExact(day.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture));
                    var gross = day.Fields.Single(f => f.FieldId == GrossSalesField);
                    var count = day.Fields.Single(f => f.FieldId == TransactionsField);
                    var visitors = day.Fields.Single(f => f.FieldId == VisitorsField);
                    Assert.False(visitors.HasValue, $"visitors on {day.Date}");
                    Assert.True(gross.HasValue == imported && count.HasValue == imported, $"register {register.RegisterNumber}, {day.Date}: imported {imported}");
                    if (!imported) continue;
                    valuesFound += 2;
                    transactions += Decimal(count.Value);
                    // Gross sales are split into hours: the hours add up to the day; transactions are not split.
                    Assert.Equal(Decimal(gross.Value), gross.Intervals.Sum(i => Decimal(i.Value)));
                    Assert.Empty(count.Intervals);
                    Assert.Equal(register.RegisterNumber == 1 && day.Date == Wire(from), day.Confirmed);
                }
            }
        }
        Assert.Equal(progress.ValuesWritten, valuesFound);
        Assert.InRange(transactions, 1, progress.SalesRead);
    }

    /// <summary>Settings, department, fields and the Lightspeed connection, all through the public RPCs as the README walks through them.</summary>
    private async Task SetUpClientAsync()
    {
        var settings = host.Client<SettingsService.SettingsServiceClient>(Supervisor);
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

        await host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Service())
            .CreateDepartmentAsync(new() { Department = new() { DepartmentId = DepartmentId, ClientId = ClientId, Name = DepartmentName } });
        await host.Client<DepartmentService.DepartmentServiceClient>(Supervisor).UpdateDepartmentAsync(new()
        {
            Department = new() { DepartmentId = DepartmentId, PosClientNumber = LightspeedSandboxFixture.CopenhagenAccount.ToString(), PosTerminalNumbers = { TerminalNumbers } },
            UpdateMask = FieldMask.FromString("pos_client_number,pos_terminal_numbers"),
        });

        var service = host.Client<FieldMappingService.FieldMappingServiceClient>(PosHostFixture.Service());
        var mapping = host.Client<FieldMappingService.FieldMappingServiceClient>(Supervisor);
        foreach (var (id, name, code, type, split) in new[]
                 {
                     (GrossSalesField, "Gross sales", "GS", PosFieldType.GrossSales, true),
                     (TransactionsField, "Transactions", "TR", PosFieldType.Transactions, false),
                     (VisitorsField, "Visitors", "VI", PosFieldType.Visitors, false),
                 })
        {
            await service.CreateWeeklyBalanceFieldAsync(new() { Field = new() { FieldId = id, ClientId = ClientId, Name = name, Code = code } });
            await mapping.UpdateFieldMappingAsync(new() { FieldId = id, PosFieldType = type, SplitIntoIntervals = split });
        }

        // Lightspeed: the supervisor asks for the URL, the merchant's browser consents in the simulator and comes
        // back to the host's callback; then SameSystem's integration contact activates the connection.
        await host.ConnectLightspeedAsync(ClientId, LightspeedSandboxFixture.CopenhagenAccount, Supervisor, integrationContact: "ic-anna");
    }

    private static string Wire(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString("N0", English);

    private static decimal Decimal(string value) => decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);
}
