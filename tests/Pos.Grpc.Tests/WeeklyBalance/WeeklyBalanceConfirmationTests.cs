using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.WeeklyBalance;

/// <summary>Confirm, unconfirm, approve and unapprove, with the host's clock fixed at <see cref="WeeklyBalanceHostFixture.Now"/>.</summary>
public sealed class WeeklyBalanceConfirmationTests(WeeklyBalanceHostFixture host) : IClassFixture<WeeklyBalanceHostFixture>
{
    /// <summary>ISO week 2026-W44, Monday to Sunday: every day has ended in Copenhagen at the fixed now.</summary>
    private static readonly string[] Week44 = ["2026-10-26", "2026-10-27", "2026-10-28", "2026-10-29", "2026-10-30", "2026-10-31", "2026-11-01"];

    private readonly WeeklyBalanceSeed _seed = new(host);

    private WeeklyBalanceService.WeeklyBalanceServiceClient ClientFor(long clientId) => ClientWith(WeeklyBalanceHostFixture.Supervisor(clientId));

    private WeeklyBalanceService.WeeklyBalanceServiceClient ClientWith(string token) =>
        host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(token);

    private static ConfirmDayRequest Confirm(long departmentId, string date, int register = 1) =>
        new() { DepartmentId = departmentId, RegisterNumber = register, Date = date };

    private static ApproveWeekRequest Approve(long departmentId, int register = 1, int isoYear = 2026, int isoWeek = 44) =>
        new() { DepartmentId = departmentId, RegisterNumber = register, IsoYear = isoYear, IsoWeek = isoWeek };

    private async Task<List<string>> AuditActionsAsync(long clientId)
    {
        await using var db = host.NewDbContext();
        return await db.AuditEntries.Where(a => a.ClientId == clientId).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
    }

    private async Task<int> ConfirmedCountAsync(long departmentId)
    {
        await using var db = host.NewDbContext();
        return await db.ConfirmedDays.CountAsync(c => c.DepartmentId == departmentId);
    }

    [Fact]
    public async Task ConfirmDay_MandatoryFieldsMissing_FailsNamingEachMissingFieldAndWritesNothing()
    {
        await _seed.DepartmentAsync(321, 3211);
        await _seed.FieldAsync(321, 32101, "Gross sales", mandatory: true, split: true);
        await _seed.FieldAsync(321, 32102, "Transactions", mandatory: true);
        await _seed.FieldAsync(321, 32103, "Visitors");
        await _seed.FieldAsync(321, 32104, "Net sales", mandatory: true);
        await _seed.DayValueAsync(3211, 1, "2026-10-27", 32104, 10m);
        await _seed.OpenReasonAsync(3211, 1, "2026-10-27", "Mandatory fields are missing.");

        var failure = await RpcAssert.FailedPreconditionAsync(() => ClientFor(321).ConfirmDayAsync(Confirm(3211, "2026-10-27")),
            "departments/3211/registers/1/days/2026-10-27/fields/32101", "departments/3211/registers/1/days/2026-10-27/fields/32102");

        Assert.All(failure.Violations, v => Assert.Equal("MANDATORY_FIELD", v.Type));
        Assert.Contains(failure.Violations, v => v.Description.Contains("Gross sales"));
        Assert.Equal(0, await ConfirmedCountAsync(3211));
        await using var db = host.NewDbContext();
        Assert.True(await db.OpenDayReasons.AnyAsync(o => o.DepartmentId == 3211));
        Assert.Empty(await AuditActionsAsync(321));
    }

    [Fact]
    public async Task ConfirmDay_MandatoryFieldsPresent_ConfirmsClearsOpenReasonAndRecordsAudit()
    {
        await _seed.DepartmentAsync(322, 3221);
        await _seed.FieldAsync(322, 32201, "Transactions", mandatory: true);
        await _seed.FieldAsync(322, 32202, "Visitors");
        await _seed.DayValueAsync(3221, 1, "2026-10-27", 32201, 17m);
        await _seed.OpenReasonAsync(3221, 1, "2026-10-27", "Import has not completed.");

        var day = (await ClientFor(322).ConfirmDayAsync(Confirm(3221, "2026-10-27"))).Day;

        Assert.Equal("2026-10-27", day.Date);
        Assert.True(day.Confirmed);
        Assert.Equal("supervisor-322", day.ConfirmedBy);
        Assert.Equal(Timestamp.FromDateTimeOffset(WeeklyBalanceHostFixture.Now), day.ConfirmTime);
        Assert.Equal("", day.OpenReason);
        Assert.Equal(24, day.IntervalCount);
        Assert.Equal(["17.00", ""], day.Fields.Select(f => f.Value));
        await using var db = host.NewDbContext();
        Assert.False(await db.OpenDayReasons.AnyAsync(o => o.DepartmentId == 3221));
        var audit = Assert.Single(await db.AuditEntries.Where(a => a.ClientId == 322).ToListAsync());
        Assert.Equal("weekly_balance.confirm_day", audit.Action);
        Assert.Equal("supervisor-322", audit.Actor);
        Assert.Equal(3221, audit.DepartmentId);
        Assert.Equal("departments/3221/registers/1/days/2026-10-27", audit.ResourceId);
        Assert.Contains("Import has not completed.", audit.Details);
    }

    [Fact]
    public async Task ConfirmDay_AlreadyConfirmed_IsIdempotentAndKeepsTheFirstConfirmation()
    {
        await _seed.DepartmentAsync(323, 3231);
        await _seed.ConfirmedDaysAsync(3231, 1, "2026-10-28");

        var day = (await ClientFor(323).ConfirmDayAsync(Confirm(3231, "2026-10-28"))).Day;

        Assert.True(day.Confirmed);
        Assert.Equal("seeded", day.ConfirmedBy);
        Assert.Equal(Timestamp.FromDateTimeOffset(WeeklyBalanceSeed.SeededAt), day.ConfirmTime);
        Assert.Empty(await AuditActionsAsync(323));
    }

    [Theory]
    [InlineData("2026-11-02", 3241)] // today in Copenhagen
    [InlineData("2026-12-24", 3242)]
    public async Task ConfirmDay_DayNotEndedYet_FailsPreconditionAndWritesNothing(string date, long departmentId)
    {
        await _seed.DepartmentAsync(324, departmentId);

        var failure = await RpcAssert.FailedPreconditionAsync(() => ClientFor(324).ConfirmDayAsync(Confirm(departmentId, date)),
            $"departments/{departmentId}/registers/1/days/{date}");

        Assert.Equal("DAY_NOT_ENDED", failure.Violations[0].Type);
        Assert.Equal(0, await ConfirmedCountAsync(departmentId));
    }

    [Fact]
    public async Task ConfirmDay_NewYorkDepartment_SundayHasNotEndedThereWhileItHasInCopenhagen()
    {
        await _seed.DepartmentAsync(325, 3251, timeZone: "America/New_York");
        await _seed.DepartmentAsync(325, 3252);
        var client = ClientFor(325);

        // 2026-11-02 03:00 UTC is Sunday 22:00 in New York but Monday 04:00 in Copenhagen.
        await RpcAssert.FailedPreconditionAsync(() => client.ConfirmDayAsync(Confirm(3251, "2026-11-01")), "departments/3251/registers/1/days/2026-11-01");
        Assert.True((await client.ConfirmDayAsync(Confirm(3251, "2026-10-31"))).Day.Confirmed);
        Assert.True((await client.ConfirmDayAsync(Confirm(3252, "2026-11-01"))).Day.Confirmed);
    }

    [Fact]
    public async Task ApproveWeek_UnconfirmedDays_FailsNamingEachDayAndWritesNothing()
    {
        await _seed.DepartmentAsync(326, 3261);
        await _seed.ConfirmedDaysAsync(3261, 1, Week44[..4]);

        var failure = await RpcAssert.FailedPreconditionAsync(() => ClientFor(326).ApproveWeekAsync(Approve(3261)),
            "departments/3261/registers/1/days/2026-10-30", "departments/3261/registers/1/days/2026-10-31",
            "departments/3261/registers/1/days/2026-11-01");

        Assert.All(failure.Violations, v => Assert.Equal("DAY_NOT_CONFIRMED", v.Type));
        await using var db = host.NewDbContext();
        Assert.False(await db.ApprovedWeeks.AnyAsync(a => a.DepartmentId == 3261));
        Assert.Empty(await AuditActionsAsync(326));
    }

    [Fact]
    public async Task ApproveWeek_AllDaysConfirmed_ApprovesThatRegisterOnceAndRecordsAudit()
    {
        await _seed.DepartmentAsync(327, 3271, ["501", "502"]);
        var client = ClientFor(327);
        foreach (var date in Week44) await client.ConfirmDayAsync(Confirm(3271, date));

        var week = (await client.ApproveWeekAsync(Approve(3271))).Week;
        var again = (await client.ApproveWeekAsync(Approve(3271))).Week;

        Assert.Equal(1, week.RegisterNumber);
        Assert.Equal("501", week.PosTerminalNumber);
        Assert.True(week.Approved);
        Assert.Equal("supervisor-327", week.ApprovedBy);
        Assert.Equal(Timestamp.FromDateTimeOffset(WeeklyBalanceHostFixture.Now), week.ApproveTime);
        Assert.Equal(Week44, week.Days.Select(d => d.Date));
        Assert.All(week.Days, d => Assert.True(d.Confirmed));
        Assert.Equal(week, again);
        var balance = (await client.GetWeeklyBalanceAsync(new() { DepartmentId = 3271, IsoYear = 2026, IsoWeek = 44 })).WeeklyBalance;
        Assert.Equal([true, false], balance.Registers.Select(r => r.Approved));
        Assert.Equal([.. Enumerable.Repeat("weekly_balance.confirm_day", 7), "weekly_balance.approve_week"], await AuditActionsAsync(327));
        await using var db = host.NewDbContext();
        Assert.Equal("departments/3271/registers/1/weeks/2026-W44",
            (await db.AuditEntries.SingleAsync(a => a.ClientId == 327 && a.Action == "weekly_balance.approve_week")).ResourceId);
    }

    [Fact]
    public async Task UnconfirmDay_DayInApprovedWeek_FailsPreconditionNamingTheWeek()
    {
        await _seed.DepartmentAsync(328, 3281);
        await _seed.ConfirmedDaysAsync(3281, 1, Week44);
        await _seed.ApprovedWeekAsync(3281, 1, "2026-10-26");

        var failure = await RpcAssert.FailedPreconditionAsync(() =>
            ClientFor(328).UnconfirmDayAsync(new() { DepartmentId = 3281, RegisterNumber = 1, Date = "2026-10-29" }),
            "departments/3281/registers/1/weeks/2026-W44");

        Assert.Equal("WEEK_APPROVED", failure.Violations[0].Type);
        Assert.Equal(7, await ConfirmedCountAsync(3281));
        Assert.Empty(await AuditActionsAsync(328));
    }

    [Fact]
    public async Task UnapproveWeek_ThenUnconfirmDay_ReopensBothIdempotentlyAndRecordsAudit()
    {
        await _seed.DepartmentAsync(329, 3291);
        await _seed.ConfirmedDaysAsync(3291, 1, Week44);
        await _seed.ApprovedWeekAsync(3291, 1, "2026-10-26");
        var client = ClientFor(329);
        var unapprove = new UnapproveWeekRequest { DepartmentId = 3291, RegisterNumber = 1, IsoYear = 2026, IsoWeek = 44 };
        var unconfirm = new UnconfirmDayRequest { DepartmentId = 3291, RegisterNumber = 1, Date = "2026-10-29" };

        var week = (await client.UnapproveWeekAsync(unapprove)).Week;
        Assert.False(week.Approved);
        Assert.Equal("", week.ApprovedBy);
        Assert.Null(week.ApproveTime);
        Assert.All(week.Days, d => Assert.True(d.Confirmed));
        Assert.Equal(week, (await client.UnapproveWeekAsync(unapprove)).Week);

        var day = (await client.UnconfirmDayAsync(unconfirm)).Day;
        Assert.Equal("2026-10-29", day.Date);
        Assert.False(day.Confirmed);
        Assert.Equal("", day.ConfirmedBy);
        Assert.Null(day.ConfirmTime);
        Assert.Equal(day, (await client.UnconfirmDayAsync(unconfirm)).Day);

        Assert.Equal(6, await ConfirmedCountAsync(3291));
        Assert.Equal(["weekly_balance.unapprove_week", "weekly_balance.unconfirm_day"], await AuditActionsAsync(329));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3)] // the department has two registers
    public async Task ConfirmDay_RegisterNumberOutOfRange_IsInvalidArgument(int register)
    {
        var departmentId = 3302L + register; // one department per case
        await _seed.DepartmentAsync(330, departmentId, ["601", "602"]);

        await RpcAssert.InvalidArgumentAsync(() => ClientFor(330).ConfirmDayAsync(Confirm(departmentId, "2026-10-27", register)), "register_number");
        Assert.Equal(0, await ConfirmedCountAsync(departmentId));
    }

    [Fact]
    public async Task ApproveWeek_RegisterNumberBeyondDepartmentsRegisters_IsInvalidArgument()
    {
        await _seed.DepartmentAsync(331, 3311);

        await RpcAssert.InvalidArgumentAsync(() => ClientFor(331).ApproveWeekAsync(Approve(3311, register: 2)), "register_number");
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-02-30")]
    [InlineData("27-10-2026")]
    [InlineData("2026-10-27T00:00:00")]
    [InlineData("1999-12-31")]
    public async Task ConfirmDay_BadDate_IsInvalidArgumentNamingDate(string date)
    {
        await RpcAssert.InvalidArgumentAsync(() => ClientFor(332).ConfirmDayAsync(Confirm(3321, date)), "date");
        await RpcAssert.InvalidArgumentAsync(() =>
            ClientFor(332).UnconfirmDayAsync(new() { DepartmentId = 3321, RegisterNumber = 1, Date = date }), "date");
    }

    [Fact]
    public async Task ConfirmDay_EveryFieldBad_NamesThemAll()
    {
        await RpcAssert.InvalidArgumentAsync(() => ClientFor(332).ConfirmDayAsync(new() { DepartmentId = 0, RegisterNumber = 0, Date = "soon" }),
            "department_id", "register_number", "date");
    }

    [Theory]
    [InlineData(2025, 0, "iso_week")]
    [InlineData(2025, 53, "iso_week")]
    [InlineData(2025, 54, "iso_week")]
    [InlineData(1999, 10, "iso_year")]
    public async Task ApproveAndUnapproveWeek_BadIsoWeek_IsInvalidArgumentNamingTheField(int isoYear, int isoWeek, string field)
    {
        var client = ClientFor(333);
        await RpcAssert.InvalidArgumentAsync(() => client.ApproveWeekAsync(Approve(3331, isoYear: isoYear, isoWeek: isoWeek)), field);
        await RpcAssert.InvalidArgumentAsync(() => client.UnapproveWeekAsync(
            new() { DepartmentId = 3331, RegisterNumber = 1, IsoYear = isoYear, IsoWeek = isoWeek }), field);
    }

    [Fact]
    public async Task ConfirmDay_RegionalSupervisor_ConfirmsOwnDepartmentButAnotherIsNotFound()
    {
        await _seed.DepartmentAsync(334, 3341);
        await _seed.DepartmentAsync(334, 3342);
        var regional = ClientWith(WeeklyBalanceHostFixture.Token(PosRoles.RegionalSupervisor, 334, [3341], subject: "regional-334"));

        Assert.Equal("regional-334", (await regional.ConfirmDayAsync(Confirm(3341, "2026-10-27"))).Day.ConfirmedBy);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => regional.ConfirmDayAsync(Confirm(3342, "2026-10-27")));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => regional.ApproveWeekAsync(Approve(3342)));
        Assert.Equal(0, await ConfirmedCountAsync(3342));
    }

    [Theory]
    [InlineData(PosRoles.Support, 3351)]
    [InlineData(PosRoles.Service, 3352)]
    public async Task ConfirmDay_ReadOnlyRole_IsPermissionDeniedButCanRead(string role, long departmentId)
    {
        await _seed.DepartmentAsync(335, departmentId);
        var client = ClientWith(WeeklyBalanceHostFixture.Token(role));

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => client.ConfirmDayAsync(Confirm(departmentId, "2026-10-27")));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () =>
            client.UnconfirmDayAsync(new() { DepartmentId = departmentId, RegisterNumber = 1, Date = "2026-10-27" }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => client.ApproveWeekAsync(Approve(departmentId)));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () =>
            client.UnapproveWeekAsync(new() { DepartmentId = departmentId, RegisterNumber = 1, IsoYear = 2026, IsoWeek = 44 }));
        Assert.Equal(departmentId,
            (await client.GetWeeklyBalanceAsync(new() { DepartmentId = departmentId, IsoYear = 2026, IsoWeek = 44 })).WeeklyBalance.DepartmentId);
        Assert.Equal(0, await ConfirmedCountAsync(departmentId));
    }

    [Fact]
    public async Task ConfirmDay_AnotherClientsDepartment_IsNotFoundLikeAMissingOne()
    {
        await _seed.DepartmentAsync(336, 3361);
        var other = ClientFor(337);

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => other.ConfirmDayAsync(Confirm(3361, "2026-10-27")));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => other.UnapproveWeekAsync(
            new() { DepartmentId = 3361, RegisterNumber = 1, IsoYear = 2026, IsoWeek = 44 }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => other.ConfirmDayAsync(Confirm(3369, "2026-10-27")));
        Assert.Equal(0, await ConfirmedCountAsync(3361));
    }

    [Fact]
    public async Task GetWeeklyBalance_MoreRegistersFieldsAndValues_RunsTheSameNumberOfSqlCommands()
    {
        await _seed.DepartmentAsync(338, 3381);
        await _seed.FieldAsync(338, 33801, "Gross sales", split: true);
        await _seed.DepartmentAsync(339, 3391, ["1", "2", "3"]);
        foreach (var field in new[] { 33901L, 33902, 33903, 33904 }) await _seed.FieldAsync(339, field, $"Field {field}", split: field % 2 == 1);
        foreach (var register in new[] { 1, 2, 3 })
        foreach (var date in Week44)
        {
            await _seed.IntervalsAsync(3391, register, date, 33901, new DateTimeOffset(WeeklyBalanceSeed.Day(date), new TimeOnly(8, 0), TimeSpan.Zero), [1m, 2m, 3m]);
            await _seed.DayValueAsync(3391, register, date, 33902, 5m);
        }
        await _seed.ConfirmedDaysAsync(3391, 2, Week44);
        await _seed.OpenReasonAsync(3391, 1, "2026-10-27", "Import failed.");

        var small = await CountSqlCommandsAsync(() => ClientFor(338).GetWeeklyBalanceAsync(new() { DepartmentId = 3381, IsoYear = 2026, IsoWeek = 44 }));
        var large = await CountSqlCommandsAsync(() => ClientFor(339).GetWeeklyBalanceAsync(new() { DepartmentId = 3391, IsoYear = 2026, IsoWeek = 44 }));

        Assert.Equal(small, large);
        Assert.InRange(large, 1, 10);
    }

    private async Task<int> CountSqlCommandsAsync<T>(Func<AsyncUnaryCall<T>> call)
    {
        host.SqlCommands.Reset();
        await call();
        return host.SqlCommands.Count;
    }
}
