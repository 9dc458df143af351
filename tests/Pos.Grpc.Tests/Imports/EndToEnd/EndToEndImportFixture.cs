using System.Net.Http.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.LightspeedSimulator;
using Pos.Grpc.Tests.Infrastructure;
using Week = Pos.Grpc.Contracts.WeeklyBalance.V1.WeeklyBalance;
using System.Globalization;

namespace Pos.Grpc.Tests.Imports.EndToEnd;

/// <summary>
/// The whole import pipeline for real: the host with its workers on, the real <c>LightspeedSalesSource</c> and
/// the simulator in-process over real HTTP. The simulator's rate limit is off (these tests are about the numbers,
/// not the pacing) and the workers look for work often, so a job starts at once.
/// </summary>
public class EndToEndImportFixture : LightspeedSandboxFixture
{
    protected override SimulatorOptions SimulatorOptions() => new() { Seed = 4242, RateLimit = new RateLimitOptions { Enabled = false } };

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Imports:Engine:Enabled"] = "true";
        settings["Imports:Engine:PollInterval"] = "00:00:00.200";
        settings["Imports:Engine:RetryBaseDelay"] = "00:00:00.050";
        settings["Imports:Watch:HeartbeatInterval"] = "00:00:01";
        settings["Imports:Watch:MinUpdateInterval"] = "00:00:00.100";
        return settings;
    }
}

/// <summary>One host and simulator for every end-to-end class: each test works on its own client, departments and Lightspeed account.</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndImportCollection : ICollectionFixture<EndToEndImportFixture>
{
    public const string Name = "End-to-end import";
}

/// <summary>A department as the main system creates it and the supervisor points it at Lightspeed.</summary>
/// <param name="TerminalNumbers">Lightspeed register ids in weekly-balance register order; empty = every register into register 1.</param>
/// <param name="TimeZone">The department's override of the client's zone; null = none.</param>
public sealed record PlannedDepartment(long DepartmentId, long AccountId, string[] TerminalNumbers, string? TimeZone = null);

/// <summary>A weekly-balance field and the POS number it is mapped to.</summary>
public sealed record PlannedField(long FieldId, string Name, PosFieldType Type, bool Split, bool Mandatory = false);

/// <summary>A Lightspeed shop of a simulator account (ids are Lightspeed's).</summary>
public sealed record PlannedShop(long ShopId, string TimeZone, decimal Tax1Rate, long[] RegisterIds);

/// <summary>
/// Sets a client up through the public RPCs only, the way docs/domain.md section 1, steps 1-4, describe it, and runs
/// imports through StartImport and WatchImportJob. Sales go into the simulator through its admin API.
/// </summary>
public sealed class EndToEndClient(LightspeedSandboxFixture host, long clientId)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    public long ClientId { get; } = clientId;
    public string SupervisorToken { get; } = PosHostFixture.Token(PosRoles.Supervisor, clientId, subject: $"supervisor-{clientId}");

    public ImportService.ImportServiceClient Imports(Transport transport = Transport.Native) =>
        host.Client<ImportService.ImportServiceClient>(SupervisorToken, transport);

    public WeeklyBalanceService.WeeklyBalanceServiceClient Balances() =>
        host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(SupervisorToken);

    /// <summary>Defines (or replaces) a simulator account that has only the sales a test injects: no generated ones.</summary>
    public static async Task DefineAccountAsync(LightspeedSandboxFixture host, long accountId, params PlannedShop[] shops)
    {
        var response = await host.SimulatorAdmin.PutAsJsonAsync($"/__sim/accounts/{accountId}", new
        {
            name = $"E2E account {accountId}",
            generate = false,
            shops = shops.Select(s => new
            {
                shopId = s.ShopId, name = $"Shop {s.ShopId}", timeZone = s.TimeZone, tax1Rate = s.Tax1Rate, tax2Rate = 0m,
                registers = s.RegisterIds.Select(r => new { registerId = r, name = $"Register {r}" }),
            }),
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Injects fixed sales (see the simulator's FixedSaleInput); the simulator computes the calc fields.</summary>
    public static async Task InjectSalesAsync(LightspeedSandboxFixture host, long accountId, IEnumerable<object> sales)
    {
        var response = await host.SimulatorAdmin.PostAsJsonAsync($"/__sim/accounts/{accountId}/sales", sales.ToList());
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Steps 1-4 of docs/domain.md section 1 for a fresh client: settings (multi registers, POS import with Lightspeed,
    /// auto-confirm at 05:00, the tax setting), departments with their Lightspeed ids, fields mapped, and the
    /// connection authorised in the simulator's consent page and activated by an integration contact.
    /// </summary>
    public static async Task<EndToEndClient> SetUpAsync(LightspeedSandboxFixture host, long clientId, long accountId,
        IReadOnlyList<PlannedDepartment> departments, IReadOnlyList<PlannedField> fields, bool amountsIncludeTax = false)
    {
        var client = new EndToEndClient(host, clientId);
        var supervisor = client.SupervisorToken;
        var service = PosHostFixture.Service();

        // 1. General settings: multi cash registers first (POS import needs it), then the import itself.
        var settings = host.Client<SettingsService.SettingsServiceClient>(supervisor);
        await settings.UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings { ClientId = clientId, MultiCashRegisters = true },
            UpdateMask = FieldMask.FromString("multi_cash_registers"),
        });
        await settings.UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings
            {
                ClientId = clientId, PosImportEnabled = true, PosIntegrationService = PosIntegrationService.LightspeedRSeries,
                AutoConfirmWeeklyBalance = true, ConfirmDaysAt = "05:00", AmountsIncludeTax = amountsIncludeTax,
            },
            UpdateMask = FieldMask.FromString("pos_import_enabled,pos_integration_service,auto_confirm_weekly_balance,confirm_days_at,amounts_include_tax"),
        });

        // 2. Departments: created by the main system, pointed at Lightspeed by the supervisor.
        var asService = host.Client<DepartmentService.DepartmentServiceClient>(service);
        var asSupervisor = host.Client<DepartmentService.DepartmentServiceClient>(supervisor);
        foreach (var planned in departments)
        {
            await asService.CreateDepartmentAsync(new()
            {
                Department = new Department { DepartmentId = planned.DepartmentId, ClientId = clientId, Name = $"Department {planned.DepartmentId}" },
            });
            var department = new Department { DepartmentId = planned.DepartmentId, PosClientNumber = planned.AccountId.ToString(CultureInfo.InvariantCulture), PosTerminalNumbers = { planned.TerminalNumbers } };
            var paths = "pos_client_number,pos_terminal_numbers";
            if (planned.TimeZone is not null)
            {
                department.TimeZone = planned.TimeZone;
                paths += ",time_zone";
            }
            await asSupervisor.UpdateDepartmentAsync(new() { Department = department, UpdateMask = FieldMask.FromString(paths) });
        }

        // 3. Fields: created by the main system, mapped by the supervisor.
        var fieldsAsService = host.Client<FieldMappingService.FieldMappingServiceClient>(service);
        var fieldsAsSupervisor = host.Client<FieldMappingService.FieldMappingServiceClient>(supervisor);
        foreach (var field in fields)
        {
            await fieldsAsService.CreateWeeklyBalanceFieldAsync(new()
            {
                Field = new WeeklyBalanceField { FieldId = field.FieldId, ClientId = clientId, Name = field.Name, Code = $"F{field.FieldId}", Mandatory = field.Mandatory },
            });
            await fieldsAsSupervisor.UpdateFieldMappingAsync(new() { FieldId = field.FieldId, PosFieldType = field.Type, SplitIntoIntervals = field.Split });
        }

        // 4. The client consents in Lightspeed (the simulator's page consents at once; account_id picks the test's
        //    account), the browser lands on the host's callback, and an integration contact activates the connection.
        await host.ConnectLightspeedAsync(clientId, accountId, supervisor, integrationContact: "ic-e2e");
        return client;
    }

    /// <summary>Starts an import and watches it until its stream ends (after the terminal state); returns every message.</summary>
    public async Task<IReadOnlyList<WatchImportJobResponse>> ImportAndWatchAsync(long[] departmentIds, string from, string until,
        bool overwriteApproved = false, Transport transport = Transport.Native)
    {
        var started = (await Imports().StartImportAsync(new()
        {
            ClientId = ClientId, DepartmentIds = { departmentIds }, FromDate = from, UntilDate = until,
            OverwriteApproved = overwriteApproved, RequestId = Guid.NewGuid().ToString(),
        })).Job;

        using var timeout = new CancellationTokenSource(Generous);
        using var call = Imports(transport).WatchImportJob(new() { JobId = started.JobId }, cancellationToken: timeout.Token);
        var messages = new List<WatchImportJobResponse>();
        try
        {
            while (await call.ResponseStream.MoveNext(timeout.Token)) messages.Add(call.ResponseStream.Current);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && timeout.IsCancellationRequested)
        {
            Assert.Fail($"Job {started.JobId} did not end within {Generous.TotalSeconds} s; last seen: {messages.LastOrDefault()?.Job}");
        }
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.Equal(started.JobId, m.Job.JobId));
        return messages;
    }

    /// <summary>Imports and expects SUCCEEDED without any error; returns the final job.</summary>
    public async Task<ImportJob> ImportAsync(long[] departmentIds, string from, string until, bool overwriteApproved = false)
    {
        var job = (await ImportAndWatchAsync(departmentIds, from, until, overwriteApproved))[^1].Job;
        Assert.True(job.State == ImportJobState.Succeeded, $"Job ended {job.State}: {job.Progress}");
        Assert.Empty(job.Progress.Errors);
        return job;
    }

    public async Task<Week> WeekAsync(long departmentId, int isoYear, int isoWeek) =>
        (await Balances().GetWeeklyBalanceAsync(new() { DepartmentId = departmentId, IsoYear = isoYear, IsoWeek = isoWeek })).WeeklyBalance;
}

/// <summary>Reading a weekly balance the way the assertions need it.</summary>
public static class WeeklyBalanceExtensions
{
    public static DayBalance Day(this Week week, int register, string date) =>
        Assert.Single(Assert.Single(week.Registers, r => r.RegisterNumber == register).Days, d => d.Date == date);

    public static FieldValue Field(this Week week, int register, string date, long fieldId) =>
        Assert.Single(week.Day(register, date).Fields, f => f.FieldId == fieldId);

    /// <summary>
    /// The intervals of a field with a value other than 0.00, as (local start, value) pairs in time order: the hours a
    /// scenario's sales fall in. GetWeeklyBalance lists every hour of an imported day; the others read 0.00.
    /// </summary>
    public static (string LocalStart, string Value)[] NonZeroIntervals(this FieldValue field) =>
        field.Intervals.Where(i => i.Value != "0.00").Select(i => (i.LocalStart, i.Value)).ToArray();
}
