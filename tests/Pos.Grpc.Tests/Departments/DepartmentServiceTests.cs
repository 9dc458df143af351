using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Departments;

/// <summary>
/// Every test uses its own client id (2xx) and department ids derived from it (client 201 => 20101, 20102, ...),
/// so tests never see each other's data in the shared database.
/// </summary>
public sealed class DepartmentServiceTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    private DepartmentService.DepartmentServiceClient AsService() =>
        host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Service());

    private DepartmentService.DepartmentServiceClient AsSupervisor(long clientId) =>
        host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Supervisor(clientId));

    private DepartmentService.DepartmentServiceClient AsRegional(long clientId, params long[] departmentIds) =>
        host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Token(PosRoles.RegionalSupervisor, clientId, departmentIds));

    private static Department NewDepartment(long clientId, long id, string account = "", string shop = "", string terminals = "",
        string? name = null, string timeZone = "") => new()
    {
        ClientId = clientId,
        DepartmentId = id,
        Name = name ?? $"Department {id}",
        PosClientNumber = account,
        PosShopId = shop,
        PosTerminalNumbers = { Terminals(terminals) },
        TimeZone = timeZone,
    };

    private static string[] Terminals(string commaSeparated) => commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private async Task<Department> CreateAsync(Department department) =>
        (await AsService().CreateDepartmentAsync(new CreateDepartmentRequest { Department = department })).Department;

    private static UpdateDepartmentRequest Update(long id, string paths, Action<Department> set, string etag = "")
    {
        var department = new Department { DepartmentId = id };
        set(department);
        return new UpdateDepartmentRequest { Department = department, UpdateMask = FieldMask.FromString(paths), Etag = etag };
    }

    private async Task EnableMultiCashRegistersAsync(long clientId)
    {
        var settings = host.Client<SettingsService.SettingsServiceClient>(PosHostFixture.Supervisor(clientId));
        await settings.UpdateGeneralSettingsAsync(new UpdateGeneralSettingsRequest
        {
            Settings = new GeneralSettings { ClientId = clientId, MultiCashRegisters = true },
            UpdateMask = FieldMask.FromString("multi_cash_registers"),
        });
    }

    private async Task<List<DepartmentRegisterEntity>> StoredRegistersAsync(long departmentId)
    {
        await using var db = host.NewDbContext();
        return await db.DepartmentRegisters.Where(r => r.DepartmentId == departmentId).OrderBy(r => r.RegisterNumber).ToListAsync();
    }

    private async Task AssertClientUntouchedAsync(long clientId)
    {
        await using var db = host.NewDbContext();
        Assert.False(await db.Departments.AnyAsync(d => d.ClientId == clientId));
        Assert.False(await db.AuditEntries.AnyAsync(a => a.ClientId == clientId && a.Action.StartsWith("department.")));
    }

    // ---- Create and Get ----

    [Fact]
    public async Task CreateDepartment_ThenGet_ReturnsStoredDepartmentWithEtag()
    {
        await EnableMultiCashRegistersAsync(201);
        var created = await CreateAsync(NewDepartment(201, 20101, account: "123456", shop: "7", terminals: "3,1,2",
            name: "  Copenhagen Central  ", timeZone: "America/New_York"));

        Assert.Equal("Copenhagen Central", created.Name);
        Assert.Equal("123456", created.PosClientNumber);
        Assert.Equal("7", created.PosShopId);
        Assert.Equal(["3", "1", "2"], created.PosTerminalNumbers);
        Assert.Equal("America/New_York", created.TimeZone);
        Assert.Equal("1", created.Etag);
        Assert.NotNull(created.UpdateTime);

        var fetched = (await AsSupervisor(201).GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 20101 })).Department;
        Assert.Equal(created, fetched);
        var registers = await StoredRegistersAsync(20101);
        Assert.Equal([(1, "3"), (2, "1"), (3, "2")], registers.Select(r => (r.RegisterNumber, r.PosRegisterId)));
    }

    [Fact]
    public async Task CreateDepartment_WithoutPosFields_StoresUnsetFields()
    {
        var created = await CreateAsync(NewDepartment(201, 20102));

        Assert.Equal("", created.PosClientNumber);
        Assert.Equal("", created.PosShopId);
        Assert.Empty(created.PosTerminalNumbers);
        Assert.Equal("", created.TimeZone);
        await using var db = host.NewDbContext();
        var stored = await db.Departments.SingleAsync(d => d.Id == 20102);
        Assert.Null(stored.PosClientNumber);
        Assert.Null(stored.PosShopId);
        Assert.Null(stored.TimeZone);
    }

    [Fact]
    public async Task GetDepartment_Missing_IsNotFound()
    {
        var failure = await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            AsService().GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 20699 }));
        Assert.Equal("departments/20699", RpcAssert.Detail<ResourceInfo>(failure).ResourceName);
    }

    [Fact]
    public async Task GetAndDeleteDepartment_ZeroId_IsInvalidArgument()
    {
        await RpcAssert.InvalidArgumentAsync(() => AsService().GetDepartmentAsync(new GetDepartmentRequest()), "department_id");
        await RpcAssert.InvalidArgumentAsync(() => AsService().DeleteDepartmentAsync(new DeleteDepartmentRequest()), "department_id");
    }

    [Fact]
    public async Task CreateDepartment_DuplicateIdEvenOfAnotherClient_IsAlreadyExists()
    {
        await CreateAsync(NewDepartment(209, 20901, name: "First"));

        var sameClient = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () =>
            AsService().CreateDepartmentAsync(new CreateDepartmentRequest { Department = NewDepartment(209, 20901, name: "Again") }));
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () =>
            AsService().CreateDepartmentAsync(new CreateDepartmentRequest { Department = NewDepartment(210, 20901) }));

        Assert.Equal("department", RpcAssert.Detail<ResourceInfo>(sameClient).ResourceType);
        await using var db = host.NewDbContext();
        Assert.Equal("First", (await db.Departments.SingleAsync(d => d.Id == 20901)).Name);
        await AssertClientUntouchedAsync(210);
    }

    [Fact]
    public async Task CreateDepartment_SupervisorOrRegionalSupervisor_IsPermissionDenied()
    {
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () =>
            AsSupervisor(211).CreateDepartmentAsync(new CreateDepartmentRequest { Department = NewDepartment(211, 21101) }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () =>
            AsRegional(211, 21101).CreateDepartmentAsync(new CreateDepartmentRequest { Department = NewDepartment(211, 21101) }));

        await AssertClientUntouchedAsync(211);
    }

    [Fact]
    public async Task CreateDepartment_MissingDepartment_IsInvalidArgument()
    {
        await RpcAssert.InvalidArgumentAsync(() => AsService().CreateDepartmentAsync(new CreateDepartmentRequest()), "department");
    }

    [Fact]
    public async Task CreateDepartment_ZeroIdsAndBlankName_NamesEveryField()
    {
        await RpcAssert.InvalidArgumentAsync(() => AsService().CreateDepartmentAsync(new CreateDepartmentRequest
        {
            Department = new Department { Name = "   " },
        }), "department.department_id", "department.client_id", "department.name");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("201 characters")]
    public async Task CreateDepartment_BadName_IsInvalidArgument(string name)
    {
        if (name == "201 characters") name = new string('n', FieldRules.MaxNameLength + 1);
        await RpcAssert.InvalidArgumentAsync(() => AsService().CreateDepartmentAsync(new CreateDepartmentRequest
        {
            Department = NewDepartment(212, 21201, name: name),
        }), "department.name");
        await AssertClientUntouchedAsync(212);
    }

    // ---- Field rules ----

    [Theory]
    [InlineData("account with a letter", "12a", "", "", "", "department.pos_client_number")]
    [InlineData("account zero", "0", "", "", "", "department.pos_client_number")]
    [InlineData("account of 21 digits", "123456789012345678901", "", "", "", "department.pos_client_number")]
    [InlineData("account with a space", " 123", "", "", "", "department.pos_client_number")]
    [InlineData("shop with a letter", "100", "s1", "", "", "department.pos_shop_id")]
    [InlineData("terminal with a letter", "100", "", "1,a,3", "", "department.pos_terminal_numbers[1]")]
    [InlineData("terminal zero", "100", "", "0", "", "department.pos_terminal_numbers[0]")]
    [InlineData("repeated terminal", "100", "", "5,6,5", "", "department.pos_terminal_numbers[2]")]
    [InlineData("unknown time zone", "100", "", "", "Mars/Olympus_Mons", "department.time_zone")]
    [InlineData("windows time zone id", "100", "", "", "Romance Standard Time", "department.time_zone")]
    [InlineData("terminals without account", "", "", "1,2", "", "department.pos_client_number")]
    [InlineData("shop without account", "", "7", "", "", "department.pos_client_number")]
    public async Task CreateDepartment_BadPosField_NamesTheField(string @case, string account, string shop, string terminals, string timeZone, string field)
    {
        Assert.NotEmpty(@case);
        await EnableMultiCashRegistersAsync(213);
        await RpcAssert.InvalidArgumentAsync(() => AsService().CreateDepartmentAsync(new CreateDepartmentRequest
        {
            Department = NewDepartment(213, 21301, account, shop, terminals, timeZone: timeZone),
        }), field);
        await AssertClientUntouchedAsync(213);
    }

    [Fact]
    public async Task CreateDepartment_MoreThan100TerminalNumbers_IsInvalidArgument()
    {
        await EnableMultiCashRegistersAsync(213);
        var terminals = string.Join(',', Enumerable.Range(1, 101));
        await RpcAssert.InvalidArgumentAsync(() => AsService().CreateDepartmentAsync(new CreateDepartmentRequest
        {
            Department = NewDepartment(213, 21302, "100", terminals: terminals),
        }), "department.pos_terminal_numbers");
        await AssertClientUntouchedAsync(213);
    }

    [Fact]
    public async Task CreateDepartment_Exactly100TerminalNumbers_Succeeds()
    {
        await EnableMultiCashRegistersAsync(214);
        var created = await CreateAsync(NewDepartment(214, 21401, "100", terminals: string.Join(',', Enumerable.Range(1, 100))));
        Assert.Equal(100, created.PosTerminalNumbers.Count);
    }

    [Fact]
    public async Task CreateDepartment_SeveralBadFields_NamesEveryOne()
    {
        await EnableMultiCashRegistersAsync(215);
        await RpcAssert.InvalidArgumentAsync(() => AsService().CreateDepartmentAsync(new CreateDepartmentRequest
        {
            Department = NewDepartment(215, 21501, account: "x1", shop: "y", terminals: "1,1,z", name: "", timeZone: "Nowhere"),
        }),
            "department.name", "department.pos_client_number", "department.pos_shop_id",
            "department.pos_terminal_numbers[1]", "department.pos_terminal_numbers[2]", "department.time_zone");
        await AssertClientUntouchedAsync(215);
    }

    [Fact]
    public async Task UpdateDepartment_BadFields_NamesEveryFieldAndChangesNothing()
    {
        await EnableMultiCashRegistersAsync(216);
        var created = await CreateAsync(NewDepartment(216, 21601, "100", "1", "11,12"));

        await RpcAssert.InvalidArgumentAsync(() => AsService().UpdateDepartmentAsync(Update(21601,
            "pos_shop_id,pos_terminal_numbers,time_zone", d =>
            {
                d.PosShopId = "abc";
                d.PosTerminalNumbers.Add(["11", "-12"]);
                d.TimeZone = "Europe/Nowhere";
            })),
            "department.pos_shop_id", "department.pos_terminal_numbers[1]", "department.time_zone");

        var stored = (await AsService().GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 21601 })).Department;
        Assert.Equal(created, stored);
        await using var db = host.NewDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.DepartmentId == 21601 && a.Action.StartsWith("department.")));
    }

    [Fact]
    public async Task UpdateDepartment_ClearAccountWhileShopStays_IsInvalidArgument()
    {
        await CreateAsync(NewDepartment(216, 21602, "200", shop: "4"));

        await RpcAssert.InvalidArgumentAsync(() => AsService().UpdateDepartmentAsync(Update(21602, "pos_client_number", d => d.PosClientNumber = "")),
            "department.pos_client_number");

        var stored = (await AsService().GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 21602 })).Department;
        Assert.Equal("200", stored.PosClientNumber);
    }

    [Theory]
    [InlineData("etag")]
    [InlineData("client_id")]
    [InlineData("department_id")]
    [InlineData("no_such_field")]
    public async Task UpdateDepartment_UnknownOrReadOnlyMaskPath_IsInvalidArgument(string path)
    {
        await RpcAssert.InvalidArgumentAsync(() => AsService().UpdateDepartmentAsync(Update(21603, path, _ => { })), "update_mask");
    }

    [Fact]
    public async Task UpdateDepartment_MissingDepartmentOrZeroId_IsInvalidArgument()
    {
        await RpcAssert.InvalidArgumentAsync(() => AsService().UpdateDepartmentAsync(new UpdateDepartmentRequest()), "department");
        await RpcAssert.InvalidArgumentAsync(() => AsService().UpdateDepartmentAsync(Update(0, "name", d => d.Name = "x")),
            "department.department_id");
    }

    [Fact]
    public async Task UpdateDepartment_Missing_IsNotFound()
    {
        await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            AsService().UpdateDepartmentAsync(Update(21699, "name", d => d.Name = "Ghost")));
    }

    // ---- Preconditions ----

    [Fact]
    public async Task UpdateDepartment_TerminalNumbersWithoutMultiRegisters_FailsPrecondition()
    {
        var created = await CreateAsync(NewDepartment(217, 21701, "100"));

        await RpcAssert.FailedPreconditionAsync(() => AsSupervisor(217).UpdateDepartmentAsync(Update(21701, "pos_terminal_numbers",
            d => d.PosTerminalNumbers.Add(["1", "2"]))), "clients/217/settings/multi_cash_registers");

        Assert.Equal(created, (await AsService().GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 21701 })).Department);
        Assert.Empty(await StoredRegistersAsync(21701));
    }

    [Fact]
    public async Task CreateDepartment_TerminalNumbersWithoutMultiRegisters_FailsPrecondition()
    {
        await RpcAssert.FailedPreconditionAsync(() => AsService().CreateDepartmentAsync(new CreateDepartmentRequest
        {
            Department = NewDepartment(218, 21801, "100", terminals: "1"),
        }), "clients/218/settings/multi_cash_registers");
        await AssertClientUntouchedAsync(218);
    }

    // ---- K-Series: no shops ----

    private async Task ChooseKSeriesAsync(long clientId)
    {
        await EnableMultiCashRegistersAsync(clientId);
        await host.Client<SettingsService.SettingsServiceClient>(PosHostFixture.Supervisor(clientId)).UpdateGeneralSettingsAsync(new UpdateGeneralSettingsRequest
        {
            Settings = new GeneralSettings { ClientId = clientId, PosIntegrationService = PosIntegrationService.LightspeedKSeries },
            UpdateMask = FieldMask.FromString("pos_integration_service"),
        });
    }

    [Fact]
    public async Task CreateDepartment_KSeriesClientWithShopId_IsInvalidArgumentNamingPosShopId()
    {
        await ChooseKSeriesAsync(254);

        var badRequest = await RpcAssert.InvalidArgumentAsync(() => AsService().CreateDepartmentAsync(new CreateDepartmentRequest
        {
            Department = NewDepartment(254, 25401, "45454565682155", shop: "1", terminals: "141948669132831"),
        }), "department.pos_shop_id");

        Assert.Contains("K-Series", Assert.Single(badRequest.FieldViolations).Description);
        await AssertClientUntouchedAsync(254);
        // Without the shop it is a K-Series department: the business location and its devices.
        var created = await CreateAsync(NewDepartment(254, 25401, "45454565682155", terminals: "141948669132831,141948669132832"));
        Assert.Equal(["141948669132831", "141948669132832"], created.PosTerminalNumbers);
    }

    [Fact]
    public async Task UpdateDepartment_KSeriesClientSetsShopId_IsInvalidArgumentNamingPosShopId_AndChangesNothing()
    {
        await ChooseKSeriesAsync(255);
        var created = await CreateAsync(NewDepartment(255, 25501, "45454565682155"));

        await RpcAssert.InvalidArgumentAsync(() => AsSupervisor(255).UpdateDepartmentAsync(Update(25501, "pos_shop_id", d => d.PosShopId = "2")),
            "department.pos_shop_id");

        Assert.Equal(created, (await AsService().GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 25501 })).Department);
        await using var db = host.NewDbContext();
        Assert.Equal(["department.create"], await db.AuditEntries.Where(a => a.ClientId == 255 && a.Action.StartsWith("department.")).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task UpdateGeneralSettings_KSeriesWhileADepartmentHasAShop_FailsPrecondition_UntilTheShopIsCleared()
    {
        await EnableMultiCashRegistersAsync(256);
        await CreateAsync(NewDepartment(256, 25601, "100", shop: "1"));
        var settings = host.Client<SettingsService.SettingsServiceClient>(PosHostFixture.Supervisor(256));
        var toKSeries = new UpdateGeneralSettingsRequest
        {
            Settings = new GeneralSettings { ClientId = 256, PosIntegrationService = PosIntegrationService.LightspeedKSeries },
            UpdateMask = FieldMask.FromString("pos_integration_service"),
        };

        await RpcAssert.FailedPreconditionAsync(() => settings.UpdateGeneralSettingsAsync(toKSeries), "departments/25601/pos_shop_id");
        Assert.Equal(PosIntegrationService.Unspecified, (await settings.GetGeneralSettingsAsync(new() { ClientId = 256 })).Settings.PosIntegrationService);

        await AsSupervisor(256).UpdateDepartmentAsync(Update(25601, "pos_shop_id", _ => { }));
        await settings.UpdateGeneralSettingsAsync(toKSeries);
        Assert.Equal(PosIntegrationService.LightspeedKSeries, (await settings.GetGeneralSettingsAsync(new() { ClientId = 256 })).Settings.PosIntegrationService);
    }

    // ---- POS scope overlap ----

    [Theory]
    [InlineData("same account, no shops", 220, "100", "", "", "100", "", "")]
    [InlineData("shop vs no shop", 221, "100", "1", "", "100", "", "")]
    [InlineData("no shop vs shop", 222, "100", "", "", "100", "2", "")]
    [InlineData("same shop", 223, "100", "3", "", "100", "3", "")]
    [InlineData("intersecting terminals", 224, "100", "", "1,2", "100", "", "2,3")]
    [InlineData("intersecting terminals, same shop", 225, "100", "1", "1,2", "100", "1", "2")]
    [InlineData("terminals vs every register", 226, "100", "", "1,2", "100", "", "")]
    public async Task CreateDepartment_OverlappingPosScope_IsAlreadyExists(string @case, long clientId,
        string account1, string shop1, string terminals1, string account2, string shop2, string terminals2)
    {
        Assert.NotEmpty(@case);
        await EnableMultiCashRegistersAsync(clientId);
        await CreateAsync(NewDepartment(clientId, clientId * 100 + 1, account1, shop1, terminals1));

        var failure = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => AsService().CreateDepartmentAsync(new CreateDepartmentRequest
        {
            Department = NewDepartment(clientId, clientId * 100 + 2, account2, shop2, terminals2),
        }));

        var resource = RpcAssert.Detail<ResourceInfo>(failure);
        Assert.Equal("pos_scope", resource.ResourceType);
        Assert.Equal($"departments/{clientId * 100 + 1}", resource.ResourceName);
        Assert.Contains($"department {clientId * 100 + 1}", failure.Status.Detail);
        await using var db = host.NewDbContext();
        Assert.Equal(1, await db.Departments.CountAsync(d => d.ClientId == clientId));
    }

    [Theory]
    [InlineData("different shops", 230, "100", "1", "", "100", "2", "")]
    [InlineData("disjoint terminals", 231, "100", "", "1,2", "100", "", "3,4")]
    [InlineData("disjoint terminals, same shop", 232, "100", "5", "1", "100", "5", "2")]
    [InlineData("different accounts", 233, "100", "", "", "200", "", "")]
    [InlineData("neither has an account", 234, "", "", "", "", "", "")]
    public async Task CreateDepartment_DisjointPosScope_Succeeds(string @case, long clientId,
        string account1, string shop1, string terminals1, string account2, string shop2, string terminals2)
    {
        Assert.NotEmpty(@case);
        await EnableMultiCashRegistersAsync(clientId);
        await CreateAsync(NewDepartment(clientId, clientId * 100 + 1, account1, shop1, terminals1));
        await CreateAsync(NewDepartment(clientId, clientId * 100 + 2, account2, shop2, terminals2));

        await using var db = host.NewDbContext();
        Assert.Equal(2, await db.Departments.CountAsync(d => d.ClientId == clientId));
    }

    [Fact]
    public async Task CreateDepartment_SameAccountAsAnotherClientsDepartment_Succeeds()
    {
        // The rule is per client: another client's departments are not visible to this one's scopes.
        await CreateAsync(NewDepartment(235, 23501, "100"));
        await CreateAsync(NewDepartment(236, 23601, "100"));
    }

    [Fact]
    public async Task UpdateDepartment_IntoOverlappingPosScope_IsAlreadyExistsAndChangesNothing()
    {
        await EnableMultiCashRegistersAsync(237);
        await CreateAsync(NewDepartment(237, 23701, "100", terminals: "1,2"));
        var second = await CreateAsync(NewDepartment(237, 23702, "100", terminals: "3"));

        var failure = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => AsSupervisor(237).UpdateDepartmentAsync(
            Update(23702, "pos_terminal_numbers", d => d.PosTerminalNumbers.Add(["3", "2"]))));

        Assert.Equal("departments/23701", RpcAssert.Detail<ResourceInfo>(failure).ResourceName);
        Assert.Equal(second, (await AsService().GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 23702 })).Department);
        Assert.Equal(["3"], (await StoredRegistersAsync(23702)).Select(r => r.PosRegisterId));
    }

    [Fact]
    public async Task UpdateDepartment_ResavingOwnScope_DoesNotOverlapItself()
    {
        await EnableMultiCashRegistersAsync(238);
        var created = await CreateAsync(NewDepartment(238, 23801, "100", "1", "1,2"));

        var updated = (await AsService().UpdateDepartmentAsync(new UpdateDepartmentRequest { Department = created, Etag = created.Etag })).Department;

        Assert.Equal("2", updated.Etag);
        Assert.Equal(created.PosTerminalNumbers, updated.PosTerminalNumbers);
    }

    [Fact]
    public async Task CreateDepartment_ConcurrentOverlappingCreates_OnlyOneSucceeds()
    {
        const int attempts = 8;
        var calls = Enumerable.Range(1, attempts).Select(async n =>
        {
            try
            {
                await AsService().CreateDepartmentAsync(new CreateDepartmentRequest { Department = NewDepartment(239, 23900 + n, "500") });
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }).ToList();
        var results = await Task.WhenAll(calls);

        Assert.Equal(1, results.Count(r => r == StatusCode.OK));
        Assert.Equal(attempts - 1, results.Count(r => r == StatusCode.AlreadyExists));
        await using var db = host.NewDbContext();
        Assert.Equal(1, await db.Departments.CountAsync(d => d.ClientId == 239));
    }

    // ---- Update: masks, etags, registers, roles ----

    [Fact]
    public async Task UpdateDepartment_FieldMask_LeavesOtherFieldsAlone()
    {
        await EnableMultiCashRegistersAsync(240);
        var created = await CreateAsync(NewDepartment(240, 24001, "100", "1", "1,2", name: "Kept", timeZone: "Europe/London"));

        var updated = (await AsSupervisor(240).UpdateDepartmentAsync(Update(24001, "pos_shop_id", d =>
        {
            d.PosShopId = "9";
            d.Name = "Ignored";               // not in the mask
            d.PosClientNumber = "999";        // not in the mask
            d.PosTerminalNumbers.Add("77");   // not in the mask
            d.TimeZone = "";                  // not in the mask
        }))).Department;

        Assert.Equal("9", updated.PosShopId);
        Assert.Equal("Kept", updated.Name);
        Assert.Equal("100", updated.PosClientNumber);
        Assert.Equal(["1", "2"], updated.PosTerminalNumbers);
        Assert.Equal("Europe/London", updated.TimeZone);
        Assert.Equal("2", updated.Etag);
        Assert.Equal(updated, (await AsService().GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 24001 })).Department);
        Assert.NotEqual(created.Etag, updated.Etag);
    }

    [Fact]
    public async Task UpdateDepartment_StaleEtag_IsAbortedAndChangesNothing()
    {
        var created = await CreateAsync(NewDepartment(241, 24101, "100"));
        var first = (await AsService().UpdateDepartmentAsync(Update(24101, "pos_shop_id", d => d.PosShopId = "1", etag: created.Etag))).Department;

        var stale = await RpcAssert.FailsAsync(StatusCode.Aborted, () =>
            AsService().UpdateDepartmentAsync(Update(24101, "pos_shop_id", d => d.PosShopId = "2", etag: created.Etag)));

        Assert.Equal("STALE_ETAG", RpcAssert.Reason(stale));
        Assert.Equal(first, (await AsService().GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 24101 })).Department);
    }

    [Fact]
    public async Task DeleteDepartment_StaleEtag_IsAbortedAndKeepsIt()
    {
        var created = await CreateAsync(NewDepartment(241, 24102));
        await AsService().UpdateDepartmentAsync(Update(24102, "time_zone", d => d.TimeZone = "Europe/Oslo"));

        await RpcAssert.FailsAsync(StatusCode.Aborted, () =>
            AsService().DeleteDepartmentAsync(new DeleteDepartmentRequest { DepartmentId = 24102, Etag = created.Etag }));

        await using var db = host.NewDbContext();
        Assert.True(await db.Departments.AnyAsync(d => d.Id == 24102));
    }

    [Fact]
    public async Task UpdateDepartment_ReorderTerminalNumbers_RenumbersRegisters()
    {
        await EnableMultiCashRegistersAsync(242);
        await CreateAsync(NewDepartment(242, 24201, "100", terminals: "11,12,13"));

        var updated = (await AsSupervisor(242).UpdateDepartmentAsync(Update(24201, "pos_terminal_numbers",
            d => d.PosTerminalNumbers.Add(["13", "11"])))).Department;

        Assert.Equal(["13", "11"], updated.PosTerminalNumbers);
        Assert.Equal([(1, "13"), (2, "11")], (await StoredRegistersAsync(24201)).Select(r => (r.RegisterNumber, r.PosRegisterId)));
    }

    [Fact]
    public async Task UpdateDepartment_ClearTerminalNumbers_RemovesRegisters()
    {
        await EnableMultiCashRegistersAsync(242);
        await CreateAsync(NewDepartment(242, 24202, "200", terminals: "1,2"));

        var updated = (await AsSupervisor(242).UpdateDepartmentAsync(Update(24202, "pos_terminal_numbers", _ => { }))).Department;

        Assert.Empty(updated.PosTerminalNumbers);
        Assert.Empty(await StoredRegistersAsync(24202));
    }

    [Fact]
    public async Task UpdateDepartment_SupervisorRename_IsPermissionDeniedButPosFieldsAreAllowed()
    {
        var created = await CreateAsync(NewDepartment(243, 24301, name: "Main Street"));
        var supervisor = AsSupervisor(243);

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () =>
            supervisor.UpdateDepartmentAsync(Update(24301, "name", d => d.Name = "Renamed")));
        Assert.Equal(created, (await AsService().GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 24301 })).Department);

        // A full update that re-sends the stored name renames nothing, so a supervisor may send it.
        var full = created.Clone();
        full.PosClientNumber = "100";
        var updated = (await supervisor.UpdateDepartmentAsync(new UpdateDepartmentRequest { Department = full })).Department;
        Assert.Equal("100", updated.PosClientNumber);
        Assert.Equal("Main Street", updated.Name);
    }

    [Fact]
    public async Task UpdateDepartment_ServiceRename_Succeeds()
    {
        await CreateAsync(NewDepartment(243, 24302, name: "Old"));

        var updated = (await AsService().UpdateDepartmentAsync(Update(24302, "name", d => d.Name = " New "))).Department;

        Assert.Equal("New", updated.Name);
    }

    // ---- Tenancy and visibility ----

    [Fact]
    public async Task ListDepartments_RegionalSupervisor_SeesOnlyItsDepartments()
    {
        foreach (var id in new long[] { 24401, 24402, 24403, 24404 }) await CreateAsync(NewDepartment(244, id));
        var regional = AsRegional(244, 24401, 24403);

        var listed = await regional.ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 244 });

        Assert.Equal([24401L, 24403L], listed.Departments.Select(d => d.DepartmentId));
        Assert.Equal("", listed.NextPageToken);
        Assert.Equal(24401, (await regional.GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 24401 })).Department.DepartmentId);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => regional.GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 24402 }));
    }

    [Fact]
    public async Task UpdateDepartment_RegionalSupervisor_EditsOwnDepartmentButOthersAreNotFound()
    {
        await CreateAsync(NewDepartment(245, 24501));
        await CreateAsync(NewDepartment(245, 24502));
        var regional = AsRegional(245, 24501);

        var updated = (await regional.UpdateDepartmentAsync(Update(24501, "pos_client_number", d => d.PosClientNumber = "100"))).Department;
        Assert.Equal("100", updated.PosClientNumber);

        await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            regional.UpdateDepartmentAsync(Update(24502, "pos_client_number", d => d.PosClientNumber = "200")));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () =>
            regional.DeleteDepartmentAsync(new DeleteDepartmentRequest { DepartmentId = 24501 }));
    }

    [Fact]
    public async Task AnotherClientsDepartment_GetUpdateDeleteAndList_AreNotFound()
    {
        await CreateAsync(NewDepartment(246, 24601, "100"));
        var outsider = AsSupervisor(247);

        var get = await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            outsider.GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 24601 }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            outsider.UpdateDepartmentAsync(Update(24601, "pos_client_number", d => d.PosClientNumber = "200")));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            outsider.DeleteDepartmentAsync(new DeleteDepartmentRequest { DepartmentId = 24601 }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            outsider.ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 246 }));

        // The answer is the same as for a department that does not exist.
        Assert.Equal("departments/24601", RpcAssert.Detail<ResourceInfo>(get).ResourceName);
        await using var db = host.NewDbContext();
        var stored = await db.Departments.SingleAsync(d => d.Id == 24601);
        Assert.Equal("100", stored.PosClientNumber);
        Assert.Equal(1, stored.Version);
    }

    // ---- List paging ----

    [Fact]
    public async Task ListDepartments_PageSizeTwo_ReturnsThreePagesInIdOrder()
    {
        await EnableMultiCashRegistersAsync(248);
        foreach (var id in new long[] { 24805, 24801, 24804, 24802, 24803 })
            await CreateAsync(NewDepartment(248, id, account: $"{id}", terminals: "2,1"));
        var client = AsSupervisor(248);

        var pages = new List<ListDepartmentsResponse>();
        var token = "";
        do
        {
            var page = await client.ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 248, PageSize = 2, PageToken = token });
            pages.Add(page);
            token = page.NextPageToken;
        } while (token != "" && pages.Count < 10);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Departments.Count));
        Assert.Equal([24801L, 24802L, 24803L, 24804L, 24805L], pages.SelectMany(p => p.Departments).Select(d => d.DepartmentId));
        Assert.All(pages.SelectMany(p => p.Departments), d => Assert.Equal(["2", "1"], d.PosTerminalNumbers));
    }

    [Fact]
    public async Task ListDepartments_PageSizeZeroOrAboveMaximum_ReturnsEverything()
    {
        foreach (var id in new long[] { 24901, 24902, 24903 }) await CreateAsync(NewDepartment(249, id));

        var byDefault = await AsService().ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 249, PageSize = 0 });
        var lowered = await AsService().ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 249, PageSize = 5000 });

        Assert.Equal(3, byDefault.Departments.Count);
        Assert.Equal("", byDefault.NextPageToken);
        Assert.Equal(3, lowered.Departments.Count);
    }

    [Fact]
    public async Task ListDepartments_NegativePageSizeOrZeroClient_IsInvalidArgument()
    {
        await RpcAssert.InvalidArgumentAsync(() => AsService().ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 250, PageSize = -1 }),
            "page_size");
        await RpcAssert.InvalidArgumentAsync(() => AsService().ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 0 }),
            "client_id");
    }

    [Theory]
    [InlineData("not a token!")]
    [InlineData("another client's token")]
    [InlineData("another list's token")]
    public async Task ListDepartments_BadPageToken_IsInvalidArgument(string token)
    {
        token = token switch
        {
            "another client's token" => Paging.EncodeToken("clients/999/departments", "5"),
            "another list's token" => Paging.EncodeToken("clients/250/fields", "5"),
            _ => token,
        };
        await RpcAssert.InvalidArgumentAsync(() => AsService().ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 250, PageToken = token }),
            "page_token");
    }

    // ---- Delete and audit ----

    [Fact]
    public async Task DeleteDepartment_RemovesRegistersAndValues()
    {
        await EnableMultiCashRegistersAsync(251);
        var created = await CreateAsync(NewDepartment(251, 25101, "100", terminals: "1,2"));
        await using (var seed = host.NewDbContext())
        {
            var now = DateTimeOffset.UtcNow;
            seed.WeeklyBalanceFields.Add(new WeeklyBalanceFieldEntity { Id = 25199, ClientId = 251, Name = "Gross sales", Code = "GS", CreatedAt = now, UpdatedAt = now });
            seed.DayValues.Add(new DayValueEntity { DepartmentId = 25101, RegisterNumber = 1, Date = new DateOnly(2026, 3, 2), FieldId = 25199, Value = 12.5m, UpdatedAt = now });
            await seed.SaveChangesAsync();
        }

        await AsService().DeleteDepartmentAsync(new DeleteDepartmentRequest { DepartmentId = 25101, Etag = created.Etag });

        await using var db = host.NewDbContext();
        Assert.False(await db.Departments.AnyAsync(d => d.Id == 25101));
        Assert.False(await db.DepartmentRegisters.AnyAsync(r => r.DepartmentId == 25101));
        Assert.False(await db.DayValues.AnyAsync(v => v.DepartmentId == 25101));
        Assert.True(await db.WeeklyBalanceFields.AnyAsync(f => f.Id == 25199));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => AsService().GetDepartmentAsync(new GetDepartmentRequest { DepartmentId = 25101 }));
    }

    [Fact]
    public async Task DeleteDepartment_Supervisor_IsPermissionDenied()
    {
        await CreateAsync(NewDepartment(252, 25201));

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () =>
            AsSupervisor(252).DeleteDepartmentAsync(new DeleteDepartmentRequest { DepartmentId = 25201 }));

        await using var db = host.NewDbContext();
        Assert.True(await db.Departments.AnyAsync(d => d.Id == 25201));
    }

    [Fact]
    public async Task CreateUpdateDelete_EachRecordOneAuditEntry()
    {
        var created = await CreateAsync(NewDepartment(253, 25301));
        await AsSupervisor(253).UpdateDepartmentAsync(Update(25301, "pos_client_number", d => d.PosClientNumber = "100"));
        await AsService().DeleteDepartmentAsync(new DeleteDepartmentRequest { DepartmentId = 25301 });

        await using var db = host.NewDbContext();
        var audit = await db.AuditEntries.Where(a => a.ClientId == 253).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["department.create", "department.update", "department.delete"], audit.Select(a => a.Action));
        Assert.Equal(["main-system", "supervisor-253", "main-system"], audit.Select(a => a.Actor));
        Assert.All(audit, a => Assert.Equal(25301, a.DepartmentId));
        Assert.All(audit, a => Assert.Equal("department", a.ResourceType));
        Assert.Contains("pos_client_number", audit[1].Details);
        Assert.Equal("1", created.Etag);
    }
}
