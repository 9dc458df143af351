using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Host;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Imports.Jobs;
using Pos.Grpc.Tests.Infrastructure;
using Week = Pos.Grpc.Contracts.WeeklyBalance.V1.WeeklyBalance;
using Microsoft.Extensions.Time.Testing;
using System.Globalization;

namespace Pos.Grpc.Tests.Imports.EndToEnd.KSeries;

/// <summary>
/// The host with its engine on, its K-Series client pointed at the simulator over real HTTP (the simulator's own OAuth
/// client for it, redirecting to the host's callback), short backoffs, and a clock the tests control: it stands on
/// Wednesday 5 November 2025, 03:30 in Copenhagen, after the night's 02:00, so the night and auto-confirm can be run
/// at will. The simulator keeps real time (it only clamps a `to` in its future).
/// </summary>
public sealed class KSeriesEndToEndFixture : LightspeedSandboxFixture
{
    public const string KClientId = "devp-v2-demo-e2e";
    public const string KClientSecret = "e2e-secret";
    private static long _nextLocation = 900_000_000_000;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 11, 5, 2, 30, 0, TimeSpan.Zero));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // The callback's port is known only now that the host listens; the simulator accepts this client's registered
        // redirect URI exactly, as K-Series does (the host's options got it when it started).
        var register = await SimulatorAdmin.PutAsJsonAsync($"/__sim/kseries/clients/{KClientId}", new
        {
            clientSecret = KClientSecret, generation = "V2", redirectUri = CallbackUrl,
        });
        register.EnsureSuccessStatusCode();
    }

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Imports:Engine:Enabled"] = "true";
        settings["Imports:Engine:PollInterval"] = "00:00:00.200";
        settings["Imports:Engine:RetryBaseDelay"] = "00:00:00.050";
        settings["Imports:Watch:HeartbeatInterval"] = "00:00:01";
        settings["Imports:Watch:MinUpdateInterval"] = "00:00:00.100";
        settings["LightspeedKSeries:ClientId"] = KClientId;
        settings["LightspeedKSeries:ClientSecret"] = KClientSecret;
        settings["LightspeedKSeries:InitialBackoff"] = "00:00:00.050";
        settings["LightspeedKSeries:MaxBackoff"] = "00:00:00.300";
        settings["LightspeedKSeries:RequestsPerSecondPerLocation"] = "200";
        return settings;
    }

    protected override void ConfigureHost(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);

    /// <summary>A token valid at the host's clock and at the real time alike (the bearer handler may check either).</summary>
    public string TokenFor(string role, long? clientId = null, string subject = "test-user")
    {
        var real = DateTime.UtcNow;
        var host = Clock.GetUtcNow().UtcDateTime;
        var from = (real < host ? real : host).AddHours(-1);
        var until = (real > host ? real : host).AddHours(12);
        return DevelopmentTokenIssuer.Issue(Auth, subject, [role], clientId is { } c ? [c] : [], null, until - from, from);
    }

    /// <summary>A K-Series business location of its own with its devices, no generated sales; returns its blId.</summary>
    public async Task<long> CreateLocationAsync(string timezone, params long[] devices)
    {
        var id = Interlocked.Increment(ref _nextLocation);
        var response = await SimulatorAdmin.PutAsJsonAsync($"/__sim/kseries/locations/{id}", new
        {
            name = $"Restaurant {id}", businessId = id / 1000, businessName = $"Business {id / 1000}", timezone, taxIncluded = true, taxRate = 0.25m,
            openedOn = "2024-01-01", generate = false,
            devices = devices.Select(d => new { deviceId = d, name = d % 2 == 1 ? $"Bar iPad {d}" : $"Floor iPad {d}" }),
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return id;
    }

    public async Task<string[]> AddSalesAsync(long blId, params object[] sales)
    {
        var response = await SimulatorAdmin.PostAsJsonAsync($"/__sim/kseries/locations/{blId}/sales", sales);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accountFiscIds").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    public async Task PatchSaleAsync(long blId, string accountFiscId, object edit)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/__sim/kseries/locations/{blId}/sales/{accountFiscId}") { Content = JsonContent.Create(edit) };
        using var response = await SimulatorAdmin.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task SetKFaultsAsync(long blId, object faults)
    {
        using var response = await SimulatorAdmin.PutAsJsonAsync($"/__sim/kseries/locations/{blId}/faults", faults);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<long> RefreshesAsync() =>
        (await SimulatorAdmin.GetFromJsonAsync<JsonElement>($"/__sim/kseries/clients/{KClientId}/stats")).GetProperty("refreshes").GetInt64();
}

/// <summary>The weekly-balance fields of every K-Series test client: all eight numbers, gross sales split into hours.</summary>
public static class KFields
{
    public static long Gross(long clientId) => clientId * 100 + 1;
    public static long Discounts(long clientId) => clientId * 100 + 2;
    public static long Returns(long clientId) => clientId * 100 + 3;
    public static long Net(long clientId) => clientId * 100 + 4;
    public static long Transactions(long clientId) => clientId * 100 + 5;
    public static long GoodsSold(long clientId) => clientId * 100 + 6;
    public static long ReturnedGoods(long clientId) => clientId * 100 + 7;
    public static long Visitors(long clientId) => clientId * 100 + 8;

    public static IReadOnlyList<PlannedField> All(long clientId) =>
    [
        new(Gross(clientId), "Gross sales", PosFieldType.GrossSales, Split: true, Mandatory: true),
        new(Discounts(clientId), "Discounts", PosFieldType.Discounts, Split: false),
        new(Returns(clientId), "Returns", PosFieldType.Returns, Split: false),
        new(Net(clientId), "Net sales", PosFieldType.NetSales, Split: false),
        new(Transactions(clientId), "Transactions", PosFieldType.Transactions, Split: false),
        new(GoodsSold(clientId), "Goods sold", PosFieldType.GoodsSold, Split: false),
        new(ReturnedGoods(clientId), "Returned goods", PosFieldType.ReturnedGoods, Split: false),
        new(Visitors(clientId), "Visitors", PosFieldType.Visitors, Split: true),
    ];
}

/// <summary>
/// A K-Series client set up through the public RPCs only (docs/domain.md section 1, steps 1-4): settings with Lightspeed
/// K-Series, a department naming a business location and its devices, every field mapped, Lightspeed authorised in the
/// simulator (bl_ids picks the locations the merchant's user sees) and activated by an integration contact.
/// </summary>
public sealed class KSeriesClient(KSeriesEndToEndFixture host, long clientId)
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    public long ClientId { get; } = clientId;
    public string Supervisor => host.TokenFor(PosRoles.Supervisor, ClientId, subject: $"supervisor-{ClientId}");

    public T Rpc<T>() where T : ClientBase<T> => host.Client<T>(Supervisor);

    public static async Task<KSeriesClient> SetUpAsync(KSeriesEndToEndFixture host, long clientId, long blId, long departmentId, string[] devices,
        bool amountsIncludeTax = true)
    {
        var client = new KSeriesClient(host, clientId);
        var service = host.TokenFor(PosRoles.Service, subject: "main-system");
        var settings = client.Rpc<SettingsService.SettingsServiceClient>();
        await settings.UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings { ClientId = clientId, MultiCashRegisters = true }, UpdateMask = FieldMask.FromString("multi_cash_registers"),
        });
        await settings.UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings
            {
                ClientId = clientId, PosImportEnabled = true, PosIntegrationService = PosIntegrationService.LightspeedKSeries,
                AutoConfirmWeeklyBalance = true, ConfirmDaysAt = "05:00", AmountsIncludeTax = amountsIncludeTax,
            },
            UpdateMask = FieldMask.FromString("pos_import_enabled,pos_integration_service,auto_confirm_weekly_balance,confirm_days_at,amounts_include_tax"),
        });
        await host.Client<DepartmentService.DepartmentServiceClient>(service).CreateDepartmentAsync(new()
        {
            Department = new Department { DepartmentId = departmentId, ClientId = clientId, Name = $"Restaurant {departmentId}" },
        });
        await client.Rpc<DepartmentService.DepartmentServiceClient>().UpdateDepartmentAsync(new()
        {
            Department = new Department { DepartmentId = departmentId, PosClientNumber = blId.ToString(CultureInfo.InvariantCulture), PosTerminalNumbers = { devices } },
            UpdateMask = FieldMask.FromString("pos_client_number,pos_terminal_numbers"),
        });
        var fieldsAsService = host.Client<FieldMappingService.FieldMappingServiceClient>(service);
        foreach (var field in KFields.All(clientId))
        {
            await fieldsAsService.CreateWeeklyBalanceFieldAsync(new()
            {
                Field = new WeeklyBalanceField { FieldId = field.FieldId, ClientId = clientId, Name = field.Name, Code = $"F{field.FieldId}", Mandatory = field.Mandatory },
            });
            await client.Rpc<FieldMappingService.FieldMappingServiceClient>()
                .UpdateFieldMappingAsync(new() { FieldId = field.FieldId, PosFieldType = field.Type, SplitIntoIntervals = field.Split });
        }
        client.Connection = await client.ConnectAsync(blId);
        return client;
    }

    public Connection Connection { get; private set; } = null!;

    /// <summary>Step 4: the URL, the merchant's consent in the simulator (bl_ids: the locations the user sees), the callback, the activation.</summary>
    public async Task<Connection> ConnectAsync(long blId)
    {
        var auth = Rpc<LightspeedAuthService.LightspeedAuthServiceClient>();
        var begin = await auth.BeginAuthorizationAsync(new() { ClientId = ClientId });
        using (var consent = await Browser.GetAsync($"{begin.AuthorizationUrl}&bl_ids={blId}"))
        {
            Assert.True(consent.StatusCode == HttpStatusCode.Redirect, $"{begin.AuthorizationUrl}: {await consent.Content.ReadAsStringAsync()}");
            using var callback = await Browser.GetAsync(consent.Headers.Location!);
            var page = await callback.Content.ReadAsStringAsync();
            Assert.True(callback.StatusCode == HttpStatusCode.OK, page);
            Assert.Contains($"client {ClientId}", page);
            Assert.Contains(blId.ToString(CultureInfo.InvariantCulture), page);
        }
        var connection = Assert.Single((await auth.ListConnectionsAsync(new() { ClientId = ClientId })).Connections,
            c => c.Accounts.Any(a => a.AccountId == blId.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal((ConnectionState.Authorized, LightspeedProvider.KSeries), (connection.State, connection.Provider));
        // The simulator's one business serves the clients of every test: sharing it is allowed (and audited) here.
        var active = (await host.Client<LightspeedAuthService.LightspeedAuthServiceClient>(host.TokenFor(PosRoles.IntegrationContact, subject: "ic-kseries"))
            .ActivateConnectionAsync(new() { ConnectionId = connection.ConnectionId, AllowSharedAccount = true })).Connection;
        Assert.Equal(ConnectionState.Active, active.State);
        return active;
    }

    public async Task<ImportJob> ImportAndWaitAsync(long[] departmentIds, string from, string until, bool overwriteApproved = true)
    {
        var imports = Rpc<ImportService.ImportServiceClient>();
        var started = (await imports.StartImportAsync(new()
        {
            ClientId = ClientId, DepartmentIds = { departmentIds }, FromDate = from, UntilDate = until,
            OverwriteApproved = overwriteApproved, RequestId = Guid.NewGuid().ToString(),
        })).Job;
        return await WatchAsync(started.JobId);
    }

    public async Task<ImportJob> WatchAsync(string jobId)
    {
        using var timeout = new CancellationTokenSource(Generous);
        using var call = Rpc<ImportService.ImportServiceClient>().WatchImportJob(new() { JobId = jobId }, cancellationToken: timeout.Token);
        ImportJob? last = null;
        while (await call.ResponseStream.MoveNext(timeout.Token)) last = call.ResponseStream.Current.Job;
        return last!;
    }

    public async Task<Week> WeekAsync(long departmentId, int isoYear, int isoWeek) =>
        (await Rpc<WeeklyBalanceService.WeeklyBalanceServiceClient>().GetWeeklyBalanceAsync(new() { DepartmentId = departmentId, IsoYear = isoYear, IsoWeek = isoWeek }))
        .WeeklyBalance;
}

/// <summary>Accounts in the simulator admin API's shape.</summary>
public static class KSale
{
    public static object Sale(string timeClosed, long device, decimal covers, params object[] lines) =>
        new Dictionary<string, object?> { ["timeClosed"] = timeClosed, ["deviceId"] = device, ["nbCovers"] = covers, ["lines"] = lines };

    public static Dictionary<string, object?> With(this object sale, string key, object? value)
    {
        var d = (Dictionary<string, object?>)sale;
        d[key] = value;
        return d;
    }

    public static object Line(decimal quantity, decimal unitPrice, string? id = null, string? parent = null, decimal? discountRate = null, string? voidReason = null)
    {
        var line = new Dictionary<string, object?> { ["quantity"] = quantity, ["unitPrice"] = unitPrice, ["name"] = "Item" };
        if (id is not null) line["id"] = id;
        if (parent is not null) line["parentLineId"] = parent;
        if (discountRate is not null) line["discountRate"] = discountRate;
        if (voidReason is not null) line["voidReason"] = voidReason;
        return line;
    }
}
