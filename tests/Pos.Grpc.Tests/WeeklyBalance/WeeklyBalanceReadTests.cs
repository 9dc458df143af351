using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.WeeklyBalance;

public sealed class WeeklyBalanceReadTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    private readonly WeeklyBalanceSeed _seed = new(host);

    private WeeklyBalanceService.WeeklyBalanceServiceClient ClientFor(long clientId) =>
        host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(PosHostFixture.Supervisor(clientId));

    private static Timestamp Utc(int year, int month, int day, int hour) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task GetWeeklyBalance_WeekWithValues_ReturnsRegistersDaysFieldsIntervalsConfirmationAndApproval()
    {
        await _seed.DepartmentAsync(301, 3011, ["1001", "1002"]);
        await _seed.FieldAsync(301, 30113, "Visitors");
        await _seed.FieldAsync(301, 30111, "Gross sales", split: true);
        await _seed.FieldAsync(301, 30112, "Transactions", mandatory: true);
        // Monday 2026-03-02 is CET (+01:00): 08:00 UTC is 09:00 local.
        await _seed.IntervalsAsync(3011, 1, "2026-03-02", 30111, new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), [1000.25m, 234.25m]);
        await _seed.DayValueAsync(3011, 1, "2026-03-02", 30112, 42m);
        await _seed.DayValueAsync(3011, 2, "2026-03-03", 30111, 99.9m);
        await _seed.ConfirmedDaysAsync(3011, 1, "2026-03-02");
        await _seed.OpenReasonAsync(3011, 1, "2026-03-03", "Import has not completed.");
        await _seed.ConfirmedDaysAsync(3011, 2, "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08");
        await _seed.ApprovedWeekAsync(3011, 2, "2026-03-02", approvedBy: "supervisor-301");

        var balance = (await ClientFor(301).GetWeeklyBalanceAsync(new() { DepartmentId = 3011, IsoYear = 2026, IsoWeek = 10 })).WeeklyBalance;

        Assert.Equal(3011, balance.DepartmentId);
        Assert.Equal(2026, balance.IsoYear);
        Assert.Equal(10, balance.IsoWeek);
        Assert.Equal("Europe/Copenhagen", balance.TimeZone);
        Assert.Equal([1, 2], balance.Registers.Select(r => r.RegisterNumber));
        Assert.Equal(["1001", "1002"], balance.Registers.Select(r => r.PosTerminalNumber));
        foreach (var register in balance.Registers)
        {
            Assert.Equal(["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"], register.Days.Select(d => d.Date));
            Assert.All(register.Days, d => Assert.Equal(24, d.IntervalCount));
            Assert.All(register.Days, d => Assert.Equal([30111L, 30112L, 30113L], d.Fields.Select(f => f.FieldId)));
            Assert.All(register.Days, d => Assert.Equal(["Gross sales", "Transactions", "Visitors"], d.Fields.Select(f => f.Name)));
            Assert.All(register.Days, d => Assert.Equal([false, true, false], d.Fields.Select(f => f.Mandatory)));
        }

        var register1 = balance.Registers[0];
        Assert.False(register1.Approved);
        Assert.Equal("", register1.ApprovedBy);
        Assert.Null(register1.ApproveTime);
        var monday = register1.Days[0];
        Assert.True(monday.Confirmed);
        Assert.Equal("seeded", monday.ConfirmedBy);
        Assert.Equal(Timestamp.FromDateTimeOffset(WeeklyBalanceSeed.SeededAt), monday.ConfirmTime);
        Assert.Equal("", monday.OpenReason);
        var gross = monday.Fields[0];
        Assert.True(gross.HasValue);
        Assert.Equal("1234.50", gross.Value);
        // Every hour of the day, from local midnight (23:00 UTC the day before); hours without a stored row read 0.00.
        Assert.Equal(Enumerable.Range(0, 24).Select(h => Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero).AddHours(h))),
            gross.Intervals.Select(i => i.StartTime));
        Assert.Equal(Enumerable.Range(0, 24).Select(h => $"2026-03-02T{h:00}:00:00+01:00"), gross.Intervals.Select(i => i.LocalStart));
        Assert.Equal(Enumerable.Range(0, 24).Select(h => h switch { 9 => "1000.25", 10 => "234.25", _ => "0.00" }),
            gross.Intervals.Select(i => i.Value));
        Assert.True(monday.Fields[1].HasValue);
        Assert.Equal("42.00", monday.Fields[1].Value);
        Assert.Empty(monday.Fields[1].Intervals);
        Assert.False(monday.Fields[2].HasValue);
        Assert.Equal("", monday.Fields[2].Value);
        var tuesday = register1.Days[1];
        Assert.False(tuesday.Confirmed);
        Assert.Equal("", tuesday.ConfirmedBy);
        Assert.Null(tuesday.ConfirmTime);
        Assert.Equal("Import has not completed.", tuesday.OpenReason);
        Assert.All(tuesday.Fields, f => Assert.False(f.HasValue));

        var register2 = balance.Registers[1];
        Assert.True(register2.Approved);
        Assert.Equal("supervisor-301", register2.ApprovedBy);
        Assert.Equal(Timestamp.FromDateTimeOffset(WeeklyBalanceSeed.SeededAt), register2.ApproveTime);
        Assert.All(register2.Days, d => Assert.True(d.Confirmed));
        // A day value without hours (the field was split after the day was imported): the hours are not known.
        Assert.Equal("99.90", register2.Days[1].Fields[0].Value);
        Assert.Empty(register2.Days[1].Fields[0].Intervals);
        Assert.False(register2.Days[0].Fields[0].HasValue);
    }

    [Fact]
    public async Task GetWeeklyBalance_DepartmentWithoutTerminalNumbers_HasOneRegisterWithEmptyTerminalNumber()
    {
        await _seed.DepartmentAsync(302, 3021);

        var balance = (await ClientFor(302).GetWeeklyBalanceAsync(new() { DepartmentId = 3021, IsoYear = 2026, IsoWeek = 10 })).WeeklyBalance;

        var register = Assert.Single(balance.Registers);
        Assert.Equal(1, register.RegisterNumber);
        Assert.Equal("", register.PosTerminalNumber);
        Assert.Equal(7, register.Days.Count);
        Assert.All(register.Days, d => Assert.Empty(d.Fields));
    }

    [Fact]
    public async Task GetWeeklyBalance_SpringForwardWeek2026W13_SundayHas23IntervalsWithLocalHour02Missing()
    {
        await _seed.DepartmentAsync(303, 3031);
        await _seed.FieldAsync(303, 30311, "Gross sales", split: true);
        // Local Sunday 2026-03-29 starts at 00:00+01:00 = 23:00 UTC on Saturday; clocks jump 02:00 -> 03:00.
        await _seed.IntervalsAsync(3031, 1, "2026-03-29", 30311, new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero),
            Enumerable.Range(1, 23).Select(i => (decimal)i).ToList());

        var register = Assert.Single((await ClientFor(303).GetWeeklyBalanceAsync(new() { DepartmentId = 3031, IsoYear = 2026, IsoWeek = 13 }))
            .WeeklyBalance.Registers);

        Assert.Equal(["2026-03-23", "2026-03-24", "2026-03-25", "2026-03-26", "2026-03-27", "2026-03-28", "2026-03-29"], register.Days.Select(d => d.Date));
        Assert.Equal([24, 24, 24, 24, 24, 24, 23], register.Days.Select(d => d.IntervalCount));
        var sunday = register.Days[6].Fields[0];
        Assert.Equal("276.00", sunday.Value);
        Assert.Equal(
        [
            "2026-03-29T00:00:00+01:00", "2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00",
            "2026-03-29T05:00:00+02:00", "2026-03-29T06:00:00+02:00", "2026-03-29T07:00:00+02:00", "2026-03-29T08:00:00+02:00",
            "2026-03-29T09:00:00+02:00", "2026-03-29T10:00:00+02:00", "2026-03-29T11:00:00+02:00", "2026-03-29T12:00:00+02:00",
            "2026-03-29T13:00:00+02:00", "2026-03-29T14:00:00+02:00", "2026-03-29T15:00:00+02:00", "2026-03-29T16:00:00+02:00",
            "2026-03-29T17:00:00+02:00", "2026-03-29T18:00:00+02:00", "2026-03-29T19:00:00+02:00", "2026-03-29T20:00:00+02:00",
            "2026-03-29T21:00:00+02:00", "2026-03-29T22:00:00+02:00", "2026-03-29T23:00:00+02:00",
        ], sunday.Intervals.Select(i => i.LocalStart));
        Assert.Equal(Utc(2026, 3, 28, 23), sunday.Intervals[0].StartTime);
        Assert.Equal(Utc(2026, 3, 29, 1), sunday.Intervals[2].StartTime);
        Assert.Equal(Utc(2026, 3, 29, 21), sunday.Intervals[22].StartTime);
        Assert.Equal(Enumerable.Range(1, 23).Select(i => $"{i}.00"), sunday.Intervals.Select(i => i.Value));
    }

    [Fact]
    public async Task GetWeeklyBalance_FallBackWeek2026W43_SundayHas25IntervalsWithTwoLocal0200ByOffsetAndUtcStart()
    {
        await _seed.DepartmentAsync(304, 3041);
        await _seed.FieldAsync(304, 30411, "Gross sales", split: true);
        // Local Sunday 2026-10-25 starts at 00:00+02:00 = 22:00 UTC on Saturday; clocks fall back 03:00 -> 02:00.
        await _seed.IntervalsAsync(3041, 1, "2026-10-25", 30411, new DateTimeOffset(2026, 10, 24, 22, 0, 0, TimeSpan.Zero),
            Enumerable.Range(1, 25).Select(i => (decimal)i).ToList());

        var register = Assert.Single((await ClientFor(304).GetWeeklyBalanceAsync(new() { DepartmentId = 3041, IsoYear = 2026, IsoWeek = 43 }))
            .WeeklyBalance.Registers);

        Assert.Equal(["2026-10-19", "2026-10-20", "2026-10-21", "2026-10-22", "2026-10-23", "2026-10-24", "2026-10-25"], register.Days.Select(d => d.Date));
        Assert.Equal([24, 24, 24, 24, 24, 24, 25], register.Days.Select(d => d.IntervalCount));
        var sunday = register.Days[6].Fields[0];
        Assert.Equal("325.00", sunday.Value);
        Assert.Equal(
        [
            "2026-10-25T00:00:00+02:00", "2026-10-25T01:00:00+02:00", "2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00",
            "2026-10-25T03:00:00+01:00", "2026-10-25T04:00:00+01:00", "2026-10-25T05:00:00+01:00", "2026-10-25T06:00:00+01:00",
            "2026-10-25T07:00:00+01:00", "2026-10-25T08:00:00+01:00", "2026-10-25T09:00:00+01:00", "2026-10-25T10:00:00+01:00",
            "2026-10-25T11:00:00+01:00", "2026-10-25T12:00:00+01:00", "2026-10-25T13:00:00+01:00", "2026-10-25T14:00:00+01:00",
            "2026-10-25T15:00:00+01:00", "2026-10-25T16:00:00+01:00", "2026-10-25T17:00:00+01:00", "2026-10-25T18:00:00+01:00",
            "2026-10-25T19:00:00+01:00", "2026-10-25T20:00:00+01:00", "2026-10-25T21:00:00+01:00", "2026-10-25T22:00:00+01:00",
            "2026-10-25T23:00:00+01:00",
        ], sunday.Intervals.Select(i => i.LocalStart));
        // The two local 02:00 hours are told apart by their UTC start, the identity of an interval.
        Assert.Equal(Utc(2026, 10, 25, 0), sunday.Intervals[2].StartTime);
        Assert.Equal(Utc(2026, 10, 25, 1), sunday.Intervals[3].StartTime);
        Assert.Equal(["3.00", "4.00"], sunday.Intervals.Skip(2).Take(2).Select(i => i.Value));
        Assert.Equal(Utc(2026, 10, 25, 22), sunday.Intervals[24].StartTime);
    }

    [Fact]
    public async Task GetWeeklyBalance_ClientZoneNewYorkAndDepartmentOverride_EachDepartmentUsesItsOwnDayBoundaries()
    {
        await _seed.ClientTimeZoneAsync(305, "America/New_York");
        await _seed.DepartmentAsync(305, 3051);
        await _seed.DepartmentAsync(305, 3052, timeZone: "Europe/Copenhagen");
        await _seed.FieldAsync(305, 30511, "Gross sales", split: true);
        // New York's Sunday 2026-11-01 starts at 00:00-04:00 = 04:00 UTC; clocks fall back 02:00 -> 01:00 that night.
        await _seed.IntervalsAsync(3051, 1, "2026-11-01", 30511, new DateTimeOffset(2026, 11, 1, 4, 0, 0, TimeSpan.Zero), [1m, 2m, 3m, 4m]);
        var client = ClientFor(305);

        var newYork = (await client.GetWeeklyBalanceAsync(new() { DepartmentId = 3051, IsoYear = 2026, IsoWeek = 44 })).WeeklyBalance;
        var copenhagen = (await client.GetWeeklyBalanceAsync(new() { DepartmentId = 3052, IsoYear = 2026, IsoWeek = 44 })).WeeklyBalance;

        Assert.Equal("America/New_York", newYork.TimeZone);
        Assert.Equal([24, 24, 24, 24, 24, 24, 25], newYork.Registers[0].Days.Select(d => d.IntervalCount));
        var sunday = newYork.Registers[0].Days[6].Fields[0];
        Assert.Equal(25, sunday.Intervals.Count);
        Assert.Equal(["2026-11-01T00:00:00-04:00", "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00"],
            sunday.Intervals.Take(4).Select(i => i.LocalStart));
        Assert.All(sunday.Intervals.Skip(4), i => Assert.Equal("0.00", i.Value));
        Assert.Equal(Utc(2026, 11, 1, 4), sunday.Intervals[0].StartTime);
        Assert.Equal("10.00", sunday.Value);

        Assert.Equal("Europe/Copenhagen", copenhagen.TimeZone);
        Assert.Equal([24, 24, 24, 24, 24, 24, 24], copenhagen.Registers[0].Days.Select(d => d.IntervalCount));
        Assert.All(copenhagen.Registers[0].Days, d => Assert.False(d.Fields[0].HasValue));
    }

    [Fact]
    public async Task GetWeeklyBalance_SplitFieldOfImportedDays_ListsEveryIntervalZerosIncluded_NotImportedDaysNone()
    {
        await _seed.DepartmentAsync(319, 3191);
        await _seed.FieldAsync(319, 31911, "Gross sales", split: true);
        await _seed.FieldAsync(319, 31912, "Transactions");
        // Week 2026-W43: Saturday imported without a sale (day value 0, no interval rows), Sunday (25 hours, fall back)
        // with sales in two hours, Friday not imported at all.
        await _seed.DayValueAsync(3191, 1, "2026-10-24", 31911, 0m);
        await _seed.DayValueAsync(3191, 1, "2026-10-24", 31912, 0m);
        await _seed.IntervalsAsync(3191, 1, "2026-10-25", 31911, new DateTimeOffset(2026, 10, 25, 1, 0, 0, TimeSpan.Zero), [12.5m, 0m, 7.5m]);

        var days = Assert.Single((await ClientFor(319).GetWeeklyBalanceAsync(new() { DepartmentId = 3191, IsoYear = 2026, IsoWeek = 43 }))
            .WeeklyBalance.Registers).Days;

        var friday = days[4].Fields[0];
        Assert.False(friday.HasValue);
        Assert.Empty(friday.Intervals);
        var saturday = days[5];
        Assert.Equal(24, saturday.IntervalCount);
        Assert.Equal("0.00", saturday.Fields[0].Value);
        Assert.Equal(24, saturday.Fields[0].Intervals.Count);
        Assert.All(saturday.Fields[0].Intervals, i => Assert.Equal("0.00", i.Value));
        Assert.Equal("2026-10-24T00:00:00+02:00", saturday.Fields[0].Intervals[0].LocalStart);
        Assert.Empty(saturday.Fields[1].Intervals); // not split
        var sunday = days[6];
        Assert.Equal(25, sunday.IntervalCount);
        Assert.Equal("20.00", sunday.Fields[0].Value);
        Assert.Equal(25, sunday.Fields[0].Intervals.Count);
        // The second 02:00 (01:00 UTC) and the 04:00 hour have sales; the first 02:00 (00:00 UTC) is 0.00, told apart by its UTC start.
        Assert.Equal([("2026-10-25T02:00:00+02:00", "0.00"), ("2026-10-25T02:00:00+01:00", "12.50"), ("2026-10-25T03:00:00+01:00", "0.00"),
                ("2026-10-25T04:00:00+01:00", "7.50")],
            sunday.Fields[0].Intervals.Skip(2).Take(4).Select(i => (i.LocalStart, i.Value)));
        Assert.Equal(Utc(2026, 10, 25, 0), sunday.Fields[0].Intervals[2].StartTime);
        Assert.Equal(20m, sunday.Fields[0].Intervals.Sum(i => decimal.Parse(i.Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task GetWeeklyBalance_Week53OfA53WeekYear_IsValid()
    {
        await _seed.DepartmentAsync(306, 3061);

        var register = Assert.Single((await ClientFor(306).GetWeeklyBalanceAsync(new() { DepartmentId = 3061, IsoYear = 2026, IsoWeek = 53 }))
            .WeeklyBalance.Registers);

        Assert.Equal("2026-12-28", register.Days[0].Date);
        Assert.Equal("2027-01-03", register.Days[6].Date);
    }

    [Theory]
    [InlineData(2025, 0, "iso_week")]
    [InlineData(2025, 53, "iso_week")]
    [InlineData(2025, 54, "iso_week")]
    [InlineData(1999, 10, "iso_year")]
    [InlineData(2101, 10, "iso_year")]
    public async Task GetWeeklyBalance_BadIsoWeek_IsInvalidArgumentNamingTheField(int isoYear, int isoWeek, string field)
    {
        await RpcAssert.InvalidArgumentAsync(() => ClientFor(307).GetWeeklyBalanceAsync(new() { DepartmentId = 3071, IsoYear = isoYear, IsoWeek = isoWeek }),
            field);
    }

    [Fact]
    public async Task GetWeeklyBalance_ZeroDepartmentId_IsInvalidArgument()
    {
        await RpcAssert.InvalidArgumentAsync(() => ClientFor(307).GetWeeklyBalanceAsync(new() { DepartmentId = 0, IsoYear = 2026, IsoWeek = 10 }),
            "department_id");
    }

    [Fact]
    public async Task GetWeeklyBalance_UnknownDepartment_IsNotFound()
    {
        await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            ClientFor(307).GetWeeklyBalanceAsync(new() { DepartmentId = 3079, IsoYear = 2026, IsoWeek = 10 }));
    }

    [Fact]
    public async Task GetWeeklyBalance_AnotherClientsDepartment_IsNotFound()
    {
        await _seed.DepartmentAsync(308, 3081);

        await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            ClientFor(309).GetWeeklyBalanceAsync(new() { DepartmentId = 3081, IsoYear = 2026, IsoWeek = 10 }));
    }

    [Fact]
    public async Task GetWeeklyBalance_RegionalSupervisor_ReadsOwnDepartmentButNotAnother()
    {
        await _seed.DepartmentAsync(310, 3101);
        await _seed.DepartmentAsync(310, 3102);
        var regional = host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(PosHostFixture.Token(PosRoles.RegionalSupervisor, 310, [3101]));

        Assert.Equal(3101, (await regional.GetWeeklyBalanceAsync(new() { DepartmentId = 3101, IsoYear = 2026, IsoWeek = 10 })).WeeklyBalance.DepartmentId);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            regional.GetWeeklyBalanceAsync(new() { DepartmentId = 3102, IsoYear = 2026, IsoWeek = 10 }));
    }

    [Fact]
    public async Task GetWeeklyBalance_Support_ReadsAnyClient()
    {
        await _seed.DepartmentAsync(311, 3111);
        var support = host.Client<WeeklyBalanceService.WeeklyBalanceServiceClient>(PosHostFixture.Token(PosRoles.Support));

        var balance = (await support.GetWeeklyBalanceAsync(new() { DepartmentId = 3111, IsoYear = 2026, IsoWeek = 10 })).WeeklyBalance;

        Assert.Equal(3111, balance.DepartmentId);
    }
}
