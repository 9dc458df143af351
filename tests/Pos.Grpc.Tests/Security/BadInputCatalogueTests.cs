using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Features.Imports.Service;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// Seeds one client (7) the catalogue aims at: settings without multi registers (so no POS import), a department,
/// mapped fields, a finished import job. Client 8 owns a department and a job the catalogue must not reach. Client 9
/// has POS import on but no ACTIVE Lightspeed connection, and a department without a POS client number.
/// </summary>
public sealed class BadInputFixture : PosHostFixture
{
    public const long Client = 7, Department = 701, MandatoryField = 702, OtherField = 703, OtherClientDepartment = 801;
    public const long ImportClient = 9, ImportDepartment = 901, DepartmentWithoutAccount = 902;
    // Only finished jobs: the fixture's workers are on and would run a queued one, changing the database under the catalogue.
    public static readonly Guid FinishedJob = Guid.Parse("0f000000-0000-4000-8000-000000000007");
    public static readonly Guid OtherClientJob = Guid.Parse("0f000000-0000-4000-8000-000000000008");
    public const string FinishedJobRequestId = "0f000000-0000-4000-8000-0000000000aa";

    protected override async Task SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = NewDbContext();
        db.GeneralSettings.Add(new GeneralSettingsEntity { ClientId = Client, Version = 3, UpdatedAt = now });
        db.Departments.Add(new DepartmentEntity { Id = Department, ClientId = Client, Name = "Store", PosClientNumber = "1001", Version = 2, CreatedAt = now, UpdatedAt = now });
        db.Departments.Add(new DepartmentEntity { Id = OtherClientDepartment, ClientId = 8, Name = "Other", Version = 1, CreatedAt = now, UpdatedAt = now });
        db.WeeklyBalanceFields.Add(new WeeklyBalanceFieldEntity
        {
            Id = MandatoryField, ClientId = Client, Name = "Gross sales", Mandatory = true, PosFieldType = (int)PosFieldType.GrossSales,
            Version = 2, CreatedAt = now, UpdatedAt = now,
        });
        db.WeeklyBalanceFields.Add(new WeeklyBalanceFieldEntity { Id = OtherField, ClientId = Client, Name = "Net", Version = 1, CreatedAt = now, UpdatedAt = now });

        var day = new DateOnly(2025, 1, 15);
        foreach (var (id, clientId, departmentId, requestId) in new[] { (FinishedJob, Client, Department, FinishedJobRequestId), (OtherClientJob, 8L, OtherClientDepartment, (string?)null) })
        {
            db.ImportJobs.Add(new ImportJobEntity
            {
                Id = id, ClientId = clientId, DepartmentIds = [departmentId], FromDate = day, UntilDate = day, Trigger = 1, State = ImportStates.Succeeded,
                RequestId = requestId, CreatedBy = "seeded", CreatedAt = now, StartedAt = now, FinishedAt = now, UpdatedAt = now,
                DepartmentDaysTotal = 1, DepartmentDaysDone = 1, ProgressVersion = 3,
            });
            db.ImportUnits.Add(new ImportUnitEntity { JobId = id, DepartmentId = departmentId, Date = day, State = ImportStates.UnitDone, FinishedAt = now });
        }

        db.GeneralSettings.Add(new GeneralSettingsEntity
        {
            ClientId = ImportClient, MultiCashRegisters = true, PosImportEnabled = true,
            PosIntegrationService = (int)PosIntegrationService.LightspeedRSeries, Version = 2, UpdatedAt = now,
        });
        db.Departments.Add(new DepartmentEntity { Id = ImportDepartment, ClientId = ImportClient, Name = "Store", PosClientNumber = "9001", Version = 1, CreatedAt = now, UpdatedAt = now });
        db.Departments.Add(new DepartmentEntity { Id = DepartmentWithoutAccount, ClientId = ImportClient, Name = "New store", Version = 1, CreatedAt = now, UpdatedAt = now });
        // Authorised by the client, not yet activated by the integration contact: not enough to import.
        db.LightspeedConnections.Add(new LightspeedConnectionEntity
        {
            Id = Guid.Parse("0f000000-0000-4000-8000-000000000009"), ClientId = ImportClient, AccountId = "9001", AccountName = "Store",
            State = (int)ConnectionState.Authorized, AuthorizedBy = "seeded", AuthorizedAt = now, CreatedAt = now, UpdatedAt = now,
            Accounts = [new LightspeedConnectionAccountEntity { AccountId = "9001", Name = "Store" }],
        });
        await db.SaveChangesAsync();
    }
}

/// <summary>
/// A catalogue of malformed and hostile requests across every implemented RPC. Each expects its precise status
/// and the detail that names the problem, and proves that nothing in the database changed.
/// </summary>
public sealed class BadInputCatalogueTests(BadInputFixture host) : IClassFixture<BadInputFixture>
{
    private const long C = BadInputFixture.Client, D = BadInputFixture.Department, F = BadInputFixture.MandatoryField;

    /// <param name="Detail">The BadRequest field, PreconditionFailure subject, ResourceInfo name, or ErrorInfo reason expected.</param>
    public sealed record BadInput(Func<PosClients, Task> Call, StatusCode Code, string? Detail = null, string? Token = null);

    private static readonly string Supervisor = PosHostFixture.Supervisor(C);
    private static readonly string ImportClientSupervisor = PosHostFixture.Supervisor(BadInputFixture.ImportClient);
    private const string UnknownJob = "0f000000-0000-4000-8000-0000000000ff";
    private static readonly string Service = PosHostFixture.Service();
    private static readonly string LongText = new('x', 100_000);

    private static UpdateGeneralSettingsRequest Settings(string paths, Action<GeneralSettings> set, string etag = "")
    {
        var settings = new GeneralSettings { ClientId = C };
        set(settings);
        return new UpdateGeneralSettingsRequest { Settings = settings, UpdateMask = FieldMask.FromString(paths), Etag = etag };
    }

    private static string PageToken(string text) => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(text));

    private static StartImportRequest Import(Action<StartImportRequest> change)
    {
        var request = new StartImportRequest
        {
            ClientId = C, DepartmentIds = { D }, FromDate = "2025-01-13", UntilDate = "2025-01-19", RequestId = "6b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
        };
        change(request);
        return request;
    }

    /// <summary>A server stream fails on its first read; the call itself never throws.</summary>
    private static async Task WatchAsync(PosClients clients, string jobId)
    {
        using var call = clients.Imports.WatchImportJob(new() { JobId = jobId });
        await call.ResponseStream.MoveNext(CancellationToken.None);
    }

    private static Department NewDepartment(Action<Department> set)
    {
        var department = new Department { DepartmentId = 9999, ClientId = C, Name = "New" };
        set(department);
        return department;
    }

    private static string SignedToken(Action<SecurityTokenDescriptor> change, SecurityKey? key = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = PosHostFixture.Auth.Issuer,
            Audience = PosHostFixture.Auth.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["role"] = PosRoles.Supervisor, ["client_id"] = C },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key ?? PosHostFixture.Auth.GetSigningKey()!, SecurityAlgorithms.HmacSha256),
        };
        change(descriptor);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public static readonly IReadOnlyDictionary<string, BadInput> Catalogue = new Dictionary<string, BadInput>
    {
        // Settings
        ["settings get: zero client"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = 0 }).ResponseAsync, StatusCode.InvalidArgument, "client_id"),
        ["settings get: negative client"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = -7 }).ResponseAsync, StatusCode.InvalidArgument, "client_id"),
        ["settings get: another client"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = 8 }).ResponseAsync, StatusCode.NotFound, "clients/8"),
        ["settings update: no settings"] = new(c => c.Settings.UpdateGeneralSettingsAsync(new()).ResponseAsync, StatusCode.InvalidArgument, "settings"),
        ["settings update: zero client"] = new(c => c.Settings.UpdateGeneralSettingsAsync(new() { Settings = new GeneralSettings() }).ResponseAsync, StatusCode.InvalidArgument, "settings.client_id"),
        ["settings update: unknown mask path"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("bogus", _ => { })).ResponseAsync, StatusCode.InvalidArgument, "update_mask"),
        ["settings update: output-only mask path"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("etag", _ => { })).ResponseAsync, StatusCode.InvalidArgument, "update_mask"),
        ["settings update: huge mask path"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings(LongText, _ => { })).ResponseAsync, StatusCode.InvalidArgument, "update_mask"),
        ["settings update: hour 24"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("confirm_days_at", s => s.ConfirmDaysAt = "24:00")).ResponseAsync, StatusCode.InvalidArgument, "settings.confirm_days_at"),
        ["settings update: time in words"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("confirm_days_at", s => s.ConfirmDaysAt = "5am")).ResponseAsync, StatusCode.InvalidArgument, "settings.confirm_days_at"),
        ["settings update: empty time zone"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("time_zone", s => s.TimeZone = "")).ResponseAsync, StatusCode.InvalidArgument, "settings.time_zone"),
        ["settings update: fake time zone"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("time_zone", s => s.TimeZone = "Europe/Atlantis")).ResponseAsync, StatusCode.InvalidArgument, "settings.time_zone"),
        ["settings update: huge time zone"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("time_zone", s => s.TimeZone = LongText)).ResponseAsync, StatusCode.InvalidArgument, "settings.time_zone"),
        ["settings update: path traversal zone"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("time_zone", s => s.TimeZone = "../../etc/passwd")).ResponseAsync, StatusCode.InvalidArgument, "settings.time_zone"),
        // Names the system lookup takes (or chokes on) that are not zones (issue 10, item 6): a zoneinfo directory, its other files, the placeholder.
        ["settings update: zoneinfo directory as zone"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("time_zone", s => s.TimeZone = "Europe")).ResponseAsync, StatusCode.InvalidArgument, "settings.time_zone"),
        ["settings update: posixrules as zone"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("time_zone", s => s.TimeZone = "posixrules")).ResponseAsync, StatusCode.InvalidArgument, "settings.time_zone"),
        ["settings update: Factory as zone"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("time_zone", s => s.TimeZone = "Factory")).ResponseAsync, StatusCode.InvalidArgument, "settings.time_zone"),
        ["settings update: right/UTC as zone"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("time_zone", s => s.TimeZone = "right/UTC")).ResponseAsync, StatusCode.InvalidArgument, "settings.time_zone"),
        ["settings update: Windows zone id"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("time_zone", s => s.TimeZone = "Romance Standard Time")).ResponseAsync, StatusCode.InvalidArgument, "settings.time_zone"),
        ["settings update: unknown enum"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("pos_integration_service", s => s.PosIntegrationService = (PosIntegrationService)77)).ResponseAsync, StatusCode.InvalidArgument, "settings.pos_integration_service"),
        ["settings update: import without registers"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("pos_import_enabled,pos_integration_service", s =>
            { s.PosImportEnabled = true; s.PosIntegrationService = PosIntegrationService.LightspeedRSeries; })).ResponseAsync, StatusCode.FailedPrecondition, $"clients/{C}/settings/multi_cash_registers"),
        ["settings update: stale etag"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("confirm_days_at", s => s.ConfirmDaysAt = "06:00", etag: "1")).ResponseAsync, StatusCode.Aborted, "STALE_ETAG"),
        ["settings update: garbage etag"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("confirm_days_at", s => s.ConfirmDaysAt = "06:00", etag: "\"W/<script>\"")).ResponseAsync, StatusCode.Aborted, "STALE_ETAG"),
        ["settings update: another client"] = new(c => c.Settings.UpdateGeneralSettingsAsync(new() { Settings = new GeneralSettings { ClientId = 8, MultiCashRegisters = true } }).ResponseAsync, StatusCode.NotFound, "clients/8"),

        // Departments
        ["departments list: zero client"] = new(c => c.Departments.ListDepartmentsAsync(new() { ClientId = 0 }).ResponseAsync, StatusCode.InvalidArgument, "client_id"),
        ["departments list: negative page size"] = new(c => c.Departments.ListDepartmentsAsync(new() { ClientId = C, PageSize = -1 }).ResponseAsync, StatusCode.InvalidArgument, "page_size"),
        ["departments list: forged token"] = new(c => c.Departments.ListDepartmentsAsync(new() { ClientId = C, PageToken = "Y2xpZW50cy84L2RlcGFydG1lbnRzOjA" }).ResponseAsync, StatusCode.InvalidArgument, "page_token"),
        ["departments list: huge token"] = new(c => c.Departments.ListDepartmentsAsync(new() { ClientId = C, PageToken = LongText }).ResponseAsync, StatusCode.InvalidArgument, "page_token"),
        ["departments get: zero id"] = new(c => c.Departments.GetDepartmentAsync(new() { DepartmentId = 0 }).ResponseAsync, StatusCode.InvalidArgument, "department_id"),
        ["departments get: missing"] = new(c => c.Departments.GetDepartmentAsync(new() { DepartmentId = 123456 }).ResponseAsync, StatusCode.NotFound, "departments/123456"),
        ["departments get: another client's"] = new(c => c.Departments.GetDepartmentAsync(new() { DepartmentId = BadInputFixture.OtherClientDepartment }).ResponseAsync, StatusCode.NotFound, $"departments/{BadInputFixture.OtherClientDepartment}"),
        ["departments create: nothing"] = new(c => c.Departments.CreateDepartmentAsync(new()).ResponseAsync, StatusCode.InvalidArgument, "department", Service),
        ["departments create: blank name"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => d.Name = "   ") }).ResponseAsync, StatusCode.InvalidArgument, "department.name", Service),
        ["departments create: huge name"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => d.Name = LongText) }).ResponseAsync, StatusCode.InvalidArgument, "department.name", Service),
        ["departments create: NUL in name (found by the fuzz run)"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => d.Name = "Store\u0000") }).ResponseAsync, StatusCode.InvalidArgument, "department.name", Service),
        ["departments create: letters in account"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => d.PosClientNumber = "12a") }).ResponseAsync, StatusCode.InvalidArgument, "department.pos_client_number", Service),
        ["departments create: SQL in shop"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => { d.PosClientNumber = "1"; d.PosShopId = "1; DROP TABLE departments"; }) }).ResponseAsync, StatusCode.InvalidArgument, "department.pos_shop_id", Service),
        ["departments create: negative terminal"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => { d.PosClientNumber = "1"; d.PosTerminalNumbers.Add(["1", "-2"]); }) }).ResponseAsync, StatusCode.InvalidArgument, "department.pos_terminal_numbers[1]", Service),
        ["departments create: too many terminals"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => { d.PosClientNumber = "1"; d.PosTerminalNumbers.Add(Enumerable.Range(1, 5000).Select(i => i.ToString(CultureInfo.InvariantCulture))); }) }).ResponseAsync, StatusCode.InvalidArgument, "department.pos_terminal_numbers", Service),
        ["departments create: fake zone"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => d.TimeZone = "Moon/Tranquility") }).ResponseAsync, StatusCode.InvalidArgument, "department.time_zone", Service),
        ["departments create: zoneinfo directory as zone"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => d.TimeZone = "America") }).ResponseAsync, StatusCode.InvalidArgument, "department.time_zone", Service),
        ["departments update: posixrules as zone"] = new(c => c.Departments.UpdateDepartmentAsync(new() { Department = new Department { DepartmentId = D, TimeZone = "posixrules" }, UpdateMask = FieldMask.FromString("time_zone") }).ResponseAsync, StatusCode.InvalidArgument, "department.time_zone"),
        ["departments create: terminals without multi registers"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => { d.PosClientNumber = "2"; d.PosTerminalNumbers.Add("1"); }) }).ResponseAsync, StatusCode.FailedPrecondition, $"clients/{C}/settings/multi_cash_registers", Service),
        ["departments create: existing id"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => d.DepartmentId = D) }).ResponseAsync, StatusCode.AlreadyExists, $"departments/{D}", Service),
        ["departments create: overlapping scope"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(d => d.PosClientNumber = "1001") }).ResponseAsync, StatusCode.AlreadyExists, $"departments/{D}", Service),
        ["departments create: by a supervisor"] = new(c => c.Departments.CreateDepartmentAsync(new() { Department = NewDepartment(_ => { }) }).ResponseAsync, StatusCode.PermissionDenied, "PERMISSION_DENIED"),
        ["departments update: bad mask"] = new(c => c.Departments.UpdateDepartmentAsync(new() { Department = new Department { DepartmentId = D }, UpdateMask = FieldMask.FromString("client_id") }).ResponseAsync, StatusCode.InvalidArgument, "update_mask"),
        ["departments update: stale etag"] = new(c => c.Departments.UpdateDepartmentAsync(new() { Department = new Department { DepartmentId = D, PosClientNumber = "5" }, UpdateMask = FieldMask.FromString("pos_client_number"), Etag = "1" }).ResponseAsync, StatusCode.Aborted, "STALE_ETAG"),
        ["departments update: rename by supervisor"] = new(c => c.Departments.UpdateDepartmentAsync(new() { Department = new Department { DepartmentId = D, Name = "Hacked" }, UpdateMask = FieldMask.FromString("name") }).ResponseAsync, StatusCode.PermissionDenied, "PERMISSION_DENIED"),
        ["departments delete: missing"] = new(c => c.Departments.DeleteDepartmentAsync(new() { DepartmentId = 424242 }).ResponseAsync, StatusCode.NotFound, "departments/424242", Service),
        ["departments delete: by a supervisor"] = new(c => c.Departments.DeleteDepartmentAsync(new() { DepartmentId = D }).ResponseAsync, StatusCode.PermissionDenied, "PERMISSION_DENIED"),

        // Field mapping
        ["fields list: negative page size"] = new(c => c.Fields.ListWeeklyBalanceFieldsAsync(new() { ClientId = C, PageSize = int.MinValue }).ResponseAsync, StatusCode.InvalidArgument, "page_size"),
        // A page token names its client's list (issue 10, item 11): "fields:…" was the token of every client's list.
        ["fields list: token of no client's list"] = new(c => c.Fields.ListWeeklyBalanceFieldsAsync(new() { ClientId = C, PageToken = PageToken("fields:1") }).ResponseAsync, StatusCode.InvalidArgument, "page_token"),
        ["fields list: token of another client's list"] = new(c => c.Fields.ListWeeklyBalanceFieldsAsync(new() { ClientId = C, PageToken = PageToken("clients/8/fields:1") }).ResponseAsync, StatusCode.InvalidArgument, "page_token"),
        ["fields create: nothing"] = new(c => c.Fields.CreateWeeklyBalanceFieldAsync(new()).ResponseAsync, StatusCode.InvalidArgument, "field", Service),
        ["fields create: zero id"] = new(c => c.Fields.CreateWeeklyBalanceFieldAsync(new() { Field = new WeeklyBalanceField { ClientId = C, Name = "X" } }).ResponseAsync, StatusCode.InvalidArgument, "field.field_id", Service),
        ["fields create: huge code"] = new(c => c.Fields.CreateWeeklyBalanceFieldAsync(new() { Field = new WeeklyBalanceField { ClientId = C, FieldId = 9, Name = "X", Code = LongText } }).ResponseAsync, StatusCode.InvalidArgument, "field.code", Service),
        ["fields create: control characters in code"] = new(c => c.Fields.CreateWeeklyBalanceFieldAsync(new() { Field = new WeeklyBalanceField { ClientId = C, FieldId = 9, Name = "X", Code = "\u0000\u001b[31m" } }).ResponseAsync, StatusCode.InvalidArgument, "field.code", Service),
        ["fields create: existing id"] = new(c => c.Fields.CreateWeeklyBalanceFieldAsync(new() { Field = new WeeklyBalanceField { ClientId = C, FieldId = F, Name = "X" } }).ResponseAsync, StatusCode.AlreadyExists, $"fields/{F}", Service),
        ["fields map: unspecified type"] = new(c => c.Fields.UpdateFieldMappingAsync(new() { FieldId = F }).ResponseAsync, StatusCode.InvalidArgument, "pos_field_type"),
        ["fields map: unknown type"] = new(c => c.Fields.UpdateFieldMappingAsync(new() { FieldId = F, PosFieldType = (PosFieldType)(-3) }).ResponseAsync, StatusCode.InvalidArgument, "pos_field_type"),
        ["fields map: zero field"] = new(c => c.Fields.UpdateFieldMappingAsync(new() { PosFieldType = PosFieldType.NetSales }).ResponseAsync, StatusCode.InvalidArgument, "field_id"),
        ["fields map: missing field"] = new(c => c.Fields.UpdateFieldMappingAsync(new() { FieldId = 999_999, PosFieldType = PosFieldType.NetSales }).ResponseAsync, StatusCode.NotFound, "fields/999999"),
        ["fields map: type taken"] = new(c => c.Fields.UpdateFieldMappingAsync(new() { FieldId = BadInputFixture.OtherField, PosFieldType = PosFieldType.GrossSales }).ResponseAsync, StatusCode.AlreadyExists, $"fields/{F}"),
        ["fields map: stale etag"] = new(c => c.Fields.UpdateFieldMappingAsync(new() { FieldId = F, PosFieldType = PosFieldType.GrossSales, Etag = "1" }).ResponseAsync, StatusCode.Aborted, "STALE_ETAG"),
        ["fields clear: zero field"] = new(c => c.Fields.ClearFieldMappingAsync(new()).ResponseAsync, StatusCode.InvalidArgument, "field_id"),
        ["fields report: negative client"] = new(c => c.Fields.GetMappingReportAsync(new() { ClientId = -1 }).ResponseAsync, StatusCode.InvalidArgument, "client_id"),

        // Weekly balance
        ["week get: week zero"] = new(c => c.WeeklyBalance.GetWeeklyBalanceAsync(new() { DepartmentId = D, IsoYear = 2026, IsoWeek = 0 }).ResponseAsync, StatusCode.InvalidArgument, "iso_week"),
        ["week get: week 54"] = new(c => c.WeeklyBalance.GetWeeklyBalanceAsync(new() { DepartmentId = D, IsoYear = 2026, IsoWeek = 54 }).ResponseAsync, StatusCode.InvalidArgument, "iso_week"),
        ["week get: week 53 of a 52-week year"] = new(c => c.WeeklyBalance.GetWeeklyBalanceAsync(new() { DepartmentId = D, IsoYear = 2025, IsoWeek = 53 }).ResponseAsync, StatusCode.InvalidArgument, "iso_week"),
        ["week get: year 1999"] = new(c => c.WeeklyBalance.GetWeeklyBalanceAsync(new() { DepartmentId = D, IsoYear = 1999, IsoWeek = 1 }).ResponseAsync, StatusCode.InvalidArgument, "iso_year"),
        ["week get: year max"] = new(c => c.WeeklyBalance.GetWeeklyBalanceAsync(new() { DepartmentId = D, IsoYear = int.MaxValue, IsoWeek = 1 }).ResponseAsync, StatusCode.InvalidArgument, "iso_year"),
        ["week get: zero department"] = new(c => c.WeeklyBalance.GetWeeklyBalanceAsync(new() { IsoYear = 2026, IsoWeek = 1 }).ResponseAsync, StatusCode.InvalidArgument, "department_id"),
        ["week get: another client's department"] = new(c => c.WeeklyBalance.GetWeeklyBalanceAsync(new() { DepartmentId = BadInputFixture.OtherClientDepartment, IsoYear = 2026, IsoWeek = 1 }).ResponseAsync, StatusCode.NotFound, $"departments/{BadInputFixture.OtherClientDepartment}"),
        ["day confirm: month 13"] = new(c => c.WeeklyBalance.ConfirmDayAsync(new() { DepartmentId = D, RegisterNumber = 1, Date = "2025-13-01" }).ResponseAsync, StatusCode.InvalidArgument, "date"),
        ["day confirm: no date"] = new(c => c.WeeklyBalance.ConfirmDayAsync(new() { DepartmentId = D, RegisterNumber = 1 }).ResponseAsync, StatusCode.InvalidArgument, "date"),
        ["day confirm: year 1900"] = new(c => c.WeeklyBalance.ConfirmDayAsync(new() { DepartmentId = D, RegisterNumber = 1, Date = "1900-01-01" }).ResponseAsync, StatusCode.InvalidArgument, "date"),
        ["day confirm: US date"] = new(c => c.WeeklyBalance.ConfirmDayAsync(new() { DepartmentId = D, RegisterNumber = 1, Date = "01/15/2025" }).ResponseAsync, StatusCode.InvalidArgument, "date"),
        ["day confirm: register zero"] = new(c => c.WeeklyBalance.ConfirmDayAsync(new() { DepartmentId = D, RegisterNumber = 0, Date = "2025-01-15" }).ResponseAsync, StatusCode.InvalidArgument, "register_number"),
        ["day confirm: register beyond the department's"] = new(c => c.WeeklyBalance.ConfirmDayAsync(new() { DepartmentId = D, RegisterNumber = 99, Date = "2025-01-15" }).ResponseAsync, StatusCode.InvalidArgument, "register_number"),
        ["day confirm: far future"] = new(c => c.WeeklyBalance.ConfirmDayAsync(new() { DepartmentId = D, RegisterNumber = 1, Date = "2099-01-01" }).ResponseAsync, StatusCode.FailedPrecondition, $"departments/{D}/registers/1/days/2099-01-01"),
        ["day confirm: mandatory field missing"] = new(c => c.WeeklyBalance.ConfirmDayAsync(new() { DepartmentId = D, RegisterNumber = 1, Date = "2025-01-15" }).ResponseAsync, StatusCode.FailedPrecondition, $"departments/{D}/registers/1/days/2025-01-15/fields/{F}"),
        ["week approve: days not confirmed"] = new(c => c.WeeklyBalance.ApproveWeekAsync(new() { DepartmentId = D, RegisterNumber = 1, IsoYear = 2025, IsoWeek = 3 }).ResponseAsync, StatusCode.FailedPrecondition, $"departments/{D}/registers/1/days/2025-01-13"),
        ["day confirm: by support"] = new(c => c.WeeklyBalance.ConfirmDayAsync(new() { DepartmentId = D, RegisterNumber = 1, Date = "2025-01-15" }).ResponseAsync, StatusCode.PermissionDenied, "PERMISSION_DENIED", PosHostFixture.Token(PosRoles.Support)),

        // Imports
        ["import start: no client"] = new(c => c.Imports.StartImportAsync(Import(r => r.ClientId = 0)).ResponseAsync, StatusCode.InvalidArgument, "client_id"),
        ["import start: negative client"] = new(c => c.Imports.StartImportAsync(Import(r => r.ClientId = -7)).ResponseAsync, StatusCode.InvalidArgument, "client_id"),
        ["import start: no departments"] = new(c => c.Imports.StartImportAsync(Import(r => r.DepartmentIds.Clear())).ResponseAsync, StatusCode.InvalidArgument, "department_ids"),
        ["import start: repeated department"] = new(c => c.Imports.StartImportAsync(Import(r => r.DepartmentIds.Add(D))).ResponseAsync, StatusCode.InvalidArgument, "department_ids[1]"),
        ["import start: negative department"] = new(c => c.Imports.StartImportAsync(Import(r => r.DepartmentIds.Add(-701))).ResponseAsync, StatusCode.InvalidArgument, "department_ids[1]"),
        ["import start: 101 departments"] = new(c => c.Imports.StartImportAsync(Import(r => r.DepartmentIds.Add(Enumerable.Range(1, 100).Select(i => (long)i)))).ResponseAsync, StatusCode.InvalidArgument, "department_ids"),
        ["import start: no from date"] = new(c => c.Imports.StartImportAsync(Import(r => r.FromDate = "")).ResponseAsync, StatusCode.InvalidArgument, "from_date"),
        ["import start: day 32"] = new(c => c.Imports.StartImportAsync(Import(r => r.FromDate = "2025-01-32")).ResponseAsync, StatusCode.InvalidArgument, "from_date"),
        ["import start: date with a time"] = new(c => c.Imports.StartImportAsync(Import(r => r.UntilDate = "2025-01-19T00:00:00Z")).ResponseAsync, StatusCode.InvalidArgument, "until_date"),
        ["import start: until before from"] = new(c => c.Imports.StartImportAsync(Import(r => r.UntilDate = "2025-01-12")).ResponseAsync, StatusCode.InvalidArgument, "until_date"),
        ["import start: 401 days"] = new(c => c.Imports.StartImportAsync(Import(r => { r.FromDate = "2024-01-01"; r.UntilDate = "2025-02-04"; })).ResponseAsync, StatusCode.InvalidArgument, "until_date"),
        ["import start: until in the future"] = new(c => c.Imports.StartImportAsync(Import(r => { r.FromDate = "2099-01-01"; r.UntilDate = "2099-01-02"; })).ResponseAsync, StatusCode.InvalidArgument, "until_date"),
        ["import start: no request id"] = new(c => c.Imports.StartImportAsync(Import(r => r.RequestId = "")).ResponseAsync, StatusCode.InvalidArgument, "request_id"),
        ["import start: request id not a uuid"] = new(c => c.Imports.StartImportAsync(Import(r => r.RequestId = "retry-1'; --")).ResponseAsync, StatusCode.InvalidArgument, "request_id"),
        ["import start: request id reused for another import"] = new(c => c.Imports.StartImportAsync(Import(r => r.RequestId = BadInputFixture.FinishedJobRequestId)).ResponseAsync, StatusCode.AlreadyExists, $"importJobs/{BadInputFixture.FinishedJob}"),
        ["import start: another client's department"] = new(c => c.Imports.StartImportAsync(Import(r => r.DepartmentIds.Add(BadInputFixture.OtherClientDepartment))).ResponseAsync, StatusCode.NotFound, $"departments/{BadInputFixture.OtherClientDepartment}"),
        ["import start: another client"] = new(c => c.Imports.StartImportAsync(Import(r => { r.ClientId = 8; r.DepartmentIds[0] = BadInputFixture.OtherClientDepartment; })).ResponseAsync, StatusCode.NotFound, "clients/8"),
        ["import start: POS import disabled"] = new(c => c.Imports.StartImportAsync(Import(_ => { })).ResponseAsync, StatusCode.FailedPrecondition, $"clients/{C}/settings/pos_import_enabled"),
        ["import start: department without POS client number"] = new(c => c.Imports.StartImportAsync(Import(r => { r.ClientId = BadInputFixture.ImportClient; r.DepartmentIds[0] = BadInputFixture.DepartmentWithoutAccount; })).ResponseAsync,
            StatusCode.FailedPrecondition, $"departments/{BadInputFixture.DepartmentWithoutAccount}/pos_client_number", ImportClientSupervisor),
        ["import start: no ACTIVE connection"] = new(c => c.Imports.StartImportAsync(Import(r => { r.ClientId = BadInputFixture.ImportClient; r.DepartmentIds[0] = BadInputFixture.ImportDepartment; })).ResponseAsync,
            StatusCode.FailedPrecondition, $"clients/{BadInputFixture.ImportClient}/lightspeed_accounts/9001", ImportClientSupervisor),
        ["import start: by support"] = new(c => c.Imports.StartImportAsync(Import(_ => { })).ResponseAsync, StatusCode.PermissionDenied, "PERMISSION_DENIED", PosHostFixture.Token(PosRoles.Support)),
        ["import get: empty job id"] = new(c => c.Imports.GetImportJobAsync(new()).ResponseAsync, StatusCode.InvalidArgument, "job_id"),
        ["import get: malformed job id"] = new(c => c.Imports.GetImportJobAsync(new() { JobId = "../importJobs/*" }).ResponseAsync, StatusCode.InvalidArgument, "job_id"),
        ["import get: unknown job"] = new(c => c.Imports.GetImportJobAsync(new() { JobId = UnknownJob }).ResponseAsync, StatusCode.NotFound, $"importJobs/{UnknownJob}"),
        ["import get: another client's job"] = new(c => c.Imports.GetImportJobAsync(new() { JobId = BadInputFixture.OtherClientJob.ToString() }).ResponseAsync, StatusCode.NotFound, $"importJobs/{BadInputFixture.OtherClientJob}"),
        ["import cancel: malformed job id"] = new(c => c.Imports.CancelImportJobAsync(new() { JobId = "{0f000000-0000-4000-8000-000000000007}" }).ResponseAsync, StatusCode.InvalidArgument, "job_id"),
        ["import cancel: unknown job"] = new(c => c.Imports.CancelImportJobAsync(new() { JobId = UnknownJob }).ResponseAsync, StatusCode.NotFound, $"importJobs/{UnknownJob}"),
        ["import cancel: another client's job"] = new(c => c.Imports.CancelImportJobAsync(new() { JobId = BadInputFixture.OtherClientJob.ToString() }).ResponseAsync, StatusCode.NotFound, $"importJobs/{BadInputFixture.OtherClientJob}"),
        ["import cancel: finished job"] = new(c => c.Imports.CancelImportJobAsync(new() { JobId = BadInputFixture.FinishedJob.ToString() }).ResponseAsync, StatusCode.FailedPrecondition, $"importJobs/{BadInputFixture.FinishedJob}"),
        ["import watch: malformed job id"] = new(c => WatchAsync(c, "not-a-job"), StatusCode.InvalidArgument, "job_id"),
        ["import watch: unknown job"] = new(c => WatchAsync(c, UnknownJob), StatusCode.NotFound, $"importJobs/{UnknownJob}"),
        ["import list: zero client"] = new(c => c.Imports.ListImportJobsAsync(new()).ResponseAsync, StatusCode.InvalidArgument, "client_id"),
        ["import list: negative page size"] = new(c => c.Imports.ListImportJobsAsync(new() { ClientId = C, PageSize = -1 }).ResponseAsync, StatusCode.InvalidArgument, "page_size"),
        ["import list: garbage page token"] = new(c => c.Imports.ListImportJobsAsync(new() { ClientId = C, PageToken = "not-a-token" }).ResponseAsync, StatusCode.InvalidArgument, "page_token"),
        ["import list: huge page token"] = new(c => c.Imports.ListImportJobsAsync(new() { ClientId = C, PageToken = LongText }).ResponseAsync, StatusCode.InvalidArgument, "page_token"),
        ["import list: unknown state"] = new(c => c.Imports.ListImportJobsAsync(new() { ClientId = C, State = (ImportJobState)42 }).ResponseAsync, StatusCode.InvalidArgument, "state"),
        ["import list: another client"] = new(c => c.Imports.ListImportJobsAsync(new() { ClientId = 8 }).ResponseAsync, StatusCode.NotFound, "clients/8"),

        // Tokens
        ["token: expired"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = C }).ResponseAsync, StatusCode.Unauthenticated, null,
            SignedToken(d => { d.NotBefore = DateTime.UtcNow.AddHours(-3); d.IssuedAt = DateTime.UtcNow.AddHours(-3); d.Expires = DateTime.UtcNow.AddHours(-2); })),
        ["token: unsigned (alg none)"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = C }).ResponseAsync, StatusCode.Unauthenticated, null,
            new JsonWebTokenHandler().CreateToken("{\"sub\":\"mallory\",\"role\":\"supervisor\",\"client_id\":7,\"iss\":\"pos-grpc-tests\",\"aud\":\"pos-grpc\"}")),
        ["token: signed with another key"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = C }).ResponseAsync, StatusCode.Unauthenticated, null,
            SignedToken(_ => { }, new SymmetricSecurityKey(new byte[64]))),
        // Issue 10, item 11: a token without a subject (the audit said "unknown"), or valid for years, was accepted.
        ["token: no subject"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = C }).ResponseAsync, StatusCode.Unauthenticated, null,
            SignedToken(d => d.Claims.Remove("sub"))),
        ["token: expires in 9999"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = C }).ResponseAsync, StatusCode.Unauthenticated, null,
            SignedToken(d => d.Expires = new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc))),
        ["token: valid for two days"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = C }).ResponseAsync, StatusCode.Unauthenticated, null,
            SignedToken(d => d.Expires = DateTime.UtcNow.AddDays(2))),
        ["token: wrong issuer"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = C }).ResponseAsync, StatusCode.Unauthenticated, null, SignedToken(d => d.Issuer = "evil")),
        ["token: wrong audience"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = C }).ResponseAsync, StatusCode.Unauthenticated, null, SignedToken(d => d.Audience = "other-api")),
        ["token: garbage"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = C }).ResponseAsync, StatusCode.Unauthenticated, null, "not.a.jwt"),
        ["token: no roles"] = new(c => c.Settings.GetGeneralSettingsAsync(new() { ClientId = C }).ResponseAsync, StatusCode.NotFound, "clients/7",
            DevelopmentTokenIssuer.Issue(PosHostFixture.Auth, "nobody", [], [C])),
        ["token: made-up role"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("multi_cash_registers", s => s.MultiCashRegisters = true)).ResponseAsync, StatusCode.NotFound, "clients/7",
            DevelopmentTokenIssuer.Issue(PosHostFixture.Auth, "mallory", ["admin"], [C])),
        ["token: support changing settings"] = new(c => c.Settings.UpdateGeneralSettingsAsync(Settings("multi_cash_registers", s => s.MultiCashRegisters = true)).ResponseAsync, StatusCode.PermissionDenied, "PERMISSION_DENIED",
            PosHostFixture.Token(PosRoles.Support)),
    };

    public static TheoryData<string> Cases() => new(Catalogue.Keys);

    [Fact]
    public void Catalogue_HasAtLeastSixtyCases() => Assert.True(Catalogue.Count >= 60, $"{Catalogue.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInput_GetsItsPreciseStatusAndChangesNothing(string name)
    {
        var input = Catalogue[name];
        var before = await DatabaseFingerprint.TakeAsync(host);
        var clients = new PosClients(host.Channel(input.Token ?? Supervisor));

        var exception = await Assert.ThrowsAsync<RpcException>(() => input.Call(clients));

        Assert.True(input.Code == exception.StatusCode, $"{name}: expected {input.Code}, got {exception.StatusCode} {exception.Status.Detail}");
        if (input.Detail is not null) Assert.Contains(input.Detail, DetailsOf(exception));
        Assert.Equal(before, await DatabaseFingerprint.TakeAsync(host));
    }

    /// <summary>Every name the error's details carry: fields, subjects, resource names, the reason.</summary>
    private static IReadOnlyList<string> DetailsOf(RpcException exception)
    {
        var status = exception.GetRpcStatus();
        Assert.NotNull(status);
        var names = new List<string>();
        if (status.GetDetail<ErrorInfo>() is { } info) names.Add(info.Reason);
        if (status.GetDetail<BadRequest>() is { } bad) names.AddRange(bad.FieldViolations.Select(v => v.Field));
        if (status.GetDetail<PreconditionFailure>() is { } failure) names.AddRange(failure.Violations.Select(v => v.Subject));
        if (status.GetDetail<ResourceInfo>() is { } resource) names.Add(resource.ResourceName);
        return names;
    }
}
