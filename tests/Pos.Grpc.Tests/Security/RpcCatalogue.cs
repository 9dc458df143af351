using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Contracts.WeeklyBalance.V1;

namespace Pos.Grpc.Tests.Security;

/// <summary>Typed clients of every service over one channel.</summary>
public sealed class PosClients(GrpcChannel channel)
{
    public SettingsService.SettingsServiceClient Settings { get; } = new(channel);
    public DepartmentService.DepartmentServiceClient Departments { get; } = new(channel);
    public FieldMappingService.FieldMappingServiceClient Fields { get; } = new(channel);
    public WeeklyBalanceService.WeeklyBalanceServiceClient WeeklyBalance { get; } = new(channel);
    public LightspeedAuthService.LightspeedAuthServiceClient LightspeedAuth { get; } = new(channel);
    public ImportService.ImportServiceClient Imports { get; } = new(channel);
    public ImportHealthService.ImportHealthServiceClient ImportHealth { get; } = new(channel);
}

/// <summary>The ids a call is aimed at: a client with one department and one weekly-balance field, and a usable OAuth state.</summary>
public sealed record TargetIds(long ClientId, long DepartmentId, long FieldId, string OAuthState)
{
    public const string PastDate = "2025-01-15";
}

/// <summary>One call of every RPC of every service, aimed at <see cref="TargetIds"/>; the security tests are tables over it.</summary>
public static class RpcCatalogue
{
    public static IReadOnlyList<ServiceDescriptor> Services =>
    [
        SettingsService.Descriptor, DepartmentService.Descriptor, FieldMappingService.Descriptor,
        WeeklyBalanceService.Descriptor, LightspeedAuthService.Descriptor, ImportService.Descriptor, ImportHealthService.Descriptor,
    ];

    public static IEnumerable<string> AllMethods => Services.SelectMany(s => s.Methods.Select(m => $"{s.FullName}/{m.Name}"));

    public static readonly IReadOnlyDictionary<string, Func<PosClients, TargetIds, Task>> Calls = new Dictionary<string, Func<PosClients, TargetIds, Task>>
    {
        ["pos.settings.v1.SettingsService/GetGeneralSettings"] = async (c, t) => await c.Settings.GetGeneralSettingsAsync(new() { ClientId = t.ClientId }),
        ["pos.settings.v1.SettingsService/UpdateGeneralSettings"] = async (c, t) => await c.Settings.UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings { ClientId = t.ClientId, ConfirmDaysAt = "06:00" }, UpdateMask = FieldMask.FromString("confirm_days_at"),
        }),

        ["pos.departments.v1.DepartmentService/ListDepartments"] = async (c, t) => await c.Departments.ListDepartmentsAsync(new() { ClientId = t.ClientId }),
        ["pos.departments.v1.DepartmentService/GetDepartment"] = async (c, t) => await c.Departments.GetDepartmentAsync(new() { DepartmentId = t.DepartmentId }),
        ["pos.departments.v1.DepartmentService/CreateDepartment"] = async (c, t) => await c.Departments.CreateDepartmentAsync(new()
        {
            Department = new Department { ClientId = t.ClientId, DepartmentId = t.DepartmentId + 500_000, Name = "New" },
        }),
        ["pos.departments.v1.DepartmentService/UpdateDepartment"] = async (c, t) => await c.Departments.UpdateDepartmentAsync(new()
        {
            Department = new Department { DepartmentId = t.DepartmentId, PosClientNumber = "777" }, UpdateMask = FieldMask.FromString("pos_client_number"),
        }),
        ["pos.departments.v1.DepartmentService/DeleteDepartment"] = async (c, t) => await c.Departments.DeleteDepartmentAsync(new() { DepartmentId = t.DepartmentId }),

        ["pos.field_mapping.v1.FieldMappingService/ListWeeklyBalanceFields"] = async (c, t) => await c.Fields.ListWeeklyBalanceFieldsAsync(new() { ClientId = t.ClientId }),
        ["pos.field_mapping.v1.FieldMappingService/CreateWeeklyBalanceField"] = async (c, t) => await c.Fields.CreateWeeklyBalanceFieldAsync(new()
        {
            Field = new WeeklyBalanceField { ClientId = t.ClientId, FieldId = t.FieldId + 500_000, Name = "New" },
        }),
        ["pos.field_mapping.v1.FieldMappingService/UpdateFieldMapping"] = async (c, t) => await c.Fields.UpdateFieldMappingAsync(new()
        {
            FieldId = t.FieldId, PosFieldType = PosFieldType.NetSales,
        }),
        ["pos.field_mapping.v1.FieldMappingService/ClearFieldMapping"] = async (c, t) => await c.Fields.ClearFieldMappingAsync(new() { FieldId = t.FieldId }),
        ["pos.field_mapping.v1.FieldMappingService/GetMappingReport"] = async (c, t) => await c.Fields.GetMappingReportAsync(new() { ClientId = t.ClientId }),

        ["pos.weekly_balance.v1.WeeklyBalanceService/GetWeeklyBalance"] = async (c, t) => await c.WeeklyBalance.GetWeeklyBalanceAsync(new()
        {
            DepartmentId = t.DepartmentId, IsoYear = 2025, IsoWeek = 3,
        }),
        ["pos.weekly_balance.v1.WeeklyBalanceService/ConfirmDay"] = async (c, t) => await c.WeeklyBalance.ConfirmDayAsync(new()
        {
            DepartmentId = t.DepartmentId, RegisterNumber = 1, Date = TargetIds.PastDate,
        }),
        ["pos.weekly_balance.v1.WeeklyBalanceService/UnconfirmDay"] = async (c, t) => await c.WeeklyBalance.UnconfirmDayAsync(new()
        {
            DepartmentId = t.DepartmentId, RegisterNumber = 1, Date = TargetIds.PastDate,
        }),
        ["pos.weekly_balance.v1.WeeklyBalanceService/ApproveWeek"] = async (c, t) => await c.WeeklyBalance.ApproveWeekAsync(new()
        {
            DepartmentId = t.DepartmentId, RegisterNumber = 1, IsoYear = 2025, IsoWeek = 3,
        }),
        ["pos.weekly_balance.v1.WeeklyBalanceService/UnapproveWeek"] = async (c, t) => await c.WeeklyBalance.UnapproveWeekAsync(new()
        {
            DepartmentId = t.DepartmentId, RegisterNumber = 1, IsoYear = 2025, IsoWeek = 3,
        }),

        ["pos.lightspeed_auth.v1.LightspeedAuthService/BeginAuthorization"] = async (c, t) => await c.LightspeedAuth.BeginAuthorizationAsync(new() { ClientId = t.ClientId }),
        ["pos.lightspeed_auth.v1.LightspeedAuthService/CompleteAuthorization"] = async (c, t) => await c.LightspeedAuth.CompleteAuthorizationAsync(new()
        {
            Code = "code", State = t.OAuthState,
        }),
        ["pos.lightspeed_auth.v1.LightspeedAuthService/ListConnections"] = async (c, t) => await c.LightspeedAuth.ListConnectionsAsync(new() { ClientId = t.ClientId }),
        ["pos.lightspeed_auth.v1.LightspeedAuthService/ActivateConnection"] = async (c, t) => await c.LightspeedAuth.ActivateConnectionAsync(new()
        {
            ConnectionId = ConnectionIdOf(t),
        }),
        ["pos.lightspeed_auth.v1.LightspeedAuthService/RevokeConnection"] = async (c, t) => await c.LightspeedAuth.RevokeConnectionAsync(new()
        {
            ConnectionId = ConnectionIdOf(t),
        }),
        ["pos.lightspeed_auth.v1.LightspeedAuthService/ListLightspeedRegisters"] = async (c, t) => await c.LightspeedAuth.ListLightspeedRegistersAsync(new()
        {
            ConnectionId = ConnectionIdOf(t),
        }),

        ["pos.imports.v1.ImportService/StartImport"] = async (c, t) => await c.Imports.StartImportAsync(new()
        {
            ClientId = t.ClientId, DepartmentIds = { t.DepartmentId }, FromDate = TargetIds.PastDate, UntilDate = TargetIds.PastDate,
            RequestId = Guid.NewGuid().ToString(),
        }),
        ["pos.imports.v1.ImportService/GetImportJob"] = async (c, t) => await c.Imports.GetImportJobAsync(new() { JobId = JobIdOf(t) }),
        ["pos.imports.v1.ImportService/ListImportJobs"] = async (c, t) => await c.Imports.ListImportJobsAsync(new() { ClientId = t.ClientId }),
        ["pos.imports.v1.ImportService/CancelImportJob"] = async (c, t) => await c.Imports.CancelImportJobAsync(new() { JobId = JobIdOf(t) }),
        ["pos.imports.v1.ImportService/WatchImportJob"] = async (c, t) =>
        {
            using var call = c.Imports.WatchImportJob(new() { JobId = JobIdOf(t) });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        },

        ["pos.imports.v1.ImportHealthService/GetImportHealth"] = async (c, t) => await c.ImportHealth.GetImportHealthAsync(new() { ClientId = t.ClientId }),
        ["pos.imports.v1.ImportHealthService/ListImportHealth"] = async (c, t) => await c.ImportHealth.ListImportHealthAsync(new()),
    };

    /// <summary>Deterministic ids of the connection and job a target owns (seeded once those features exist).</summary>
    public static string ConnectionIdOf(TargetIds t) => new Guid((int)t.ClientId, 0, 0, new byte[8]).ToString();

    public static string JobIdOf(TargetIds t) => new Guid((int)t.ClientId, 1, 0, new byte[8]).ToString();

    /// <summary>RPCs that change state; the role matrix covers each of them.</summary>
    public static bool IsMutating(string method)
    {
        var name = method[(method.LastIndexOf('/') + 1)..];
        return !(name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("Watch", StringComparison.Ordinal));
    }
}
