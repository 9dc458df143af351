using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Tests.Infrastructure;
using Week = Pos.Grpc.Contracts.WeeklyBalance.V1.WeeklyBalance;

namespace Pos.Grpc.Tests.Imports.EndToEnd;

/// <summary>
/// <see cref="WeekScenario"/>'s sales through the whole pipeline (StartImport → worker → LightspeedSalesSource →
/// simulator over HTTP → aggregation → PostgreSQL → GetWeeklyBalance), compared with numbers worked out by hand.
/// </summary>
[Collection(EndToEndImportCollection.Name)]
public sealed class ImportNumbersEndToEndTests(EndToEndImportFixture host)
{
    [Fact]
    public async Task TaxExcluded_AWeekOfSales_LandsInTheWeeklyBalanceAsComputedByHand()
    {
        const long clientId = 5101, accountId = 951001, departmentId = 510101;
        var f = new ScenarioFields(clientId);
        await WeekScenario.DefineAccountAsync(host, accountId);
        var client = await EndToEndClient.SetUpAsync(host, clientId, accountId,
            [new PlannedDepartment(departmentId, accountId, WeekScenario.TerminalNumbers)], WeekScenario.Fields(clientId));

        // Visitors were typed in SameSystem by hand (no RPC writes values, so straight into the table): the import must leave them.
        await using (var db = host.NewDbContext())
        {
            db.DayValues.Add(new DayValueEntity
            {
                DepartmentId = departmentId, RegisterNumber = 1, Date = DateOnly.Parse(WeekScenario.Tuesday, System.Globalization.CultureInfo.InvariantCulture), FieldId = f.Visitors, Value = 123m,
                UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        // Watched the way the web frontend does: gRPC-Web text.
        var messages = await client.ImportAndWatchAsync([departmentId], WeekScenario.Monday, WeekScenario.Sunday, transport: Transport.GrpcWebText);

        Assert.False(messages[0].Heartbeat);
        var job = messages[^1].Job;
        Assert.Equal(ImportJobState.Succeeded, job.State);
        Assert.Single(messages, m => m.Job.State is ImportJobState.Succeeded or ImportJobState.Failed or ImportJobState.Cancelled);
        Assert.Empty(job.Progress.Errors);
        Assert.Equal((7, 7), (job.Progress.DepartmentDaysTotal, job.Progress.DepartmentDaysDone));
        // 7 days × 2 registers × 7 provided fields; visitors are not written.
        Assert.Equal(98, job.Progress.ValuesWritten);
        Assert.Equal(0, job.Progress.ValuesSkippedApproved);
        // Lightspeed is asked for completed, not voided sales of registers 11 and 12 only: sales 1001-1003 and 1007 on
        // Tuesday, 1009 on Wednesday, 1008 on Thursday, 1012 and 1013 on Friday.
        Assert.Equal(8, job.Progress.SalesRead);
        // One stream for the whole week: its 8 sales fit on one page, Lightspeed's floor.
        Assert.Equal(1, job.Progress.RequestsMade);
        Assert.Equal(["POS_FIELD_TYPE_VISITORS"], job.Progress.NotProvidedFieldTypes);
        var department = Assert.Single(job.Progress.Departments);
        Assert.Equal((departmentId, DepartmentImportState.Done, 7, 7), (department.DepartmentId, department.State, department.DaysDone, department.DaysTotal));

        var week = await client.WeekAsync(departmentId, WeekScenario.IsoYear, WeekScenario.IsoWeek);
        Assert.Equal("Europe/Copenhagen", week.TimeZone);
        Assert.Equal([(1, "11"), (2, "12")], week.Registers.Select(r => (r.RegisterNumber, r.PosTerminalNumber)));

        // Register 1 (Lightspeed register 11), Tuesday: sales 1001 and 1002, both in the 10:00 hour.
        //   gross = (200 + 0) + (40 + 10) + (54 + 26) = 330; discounts = 10 + 26 = 36; net = 330 − 36 = 294.
        AssertDay(week, 1, WeekScenario.Tuesday, f, gross: "330.00", net: "294.00", discounts: "36.00", returns: "0.00",
            transactions: "2.00", goodsSold: "4.00", returnedGoods: "0.00");
        AssertIntervals(week, 1, WeekScenario.Tuesday, f.Gross, ("2026-11-03T10:00:00+01:00", "330.00"));
        AssertIntervals(week, 1, WeekScenario.Tuesday, f.Net, ("2026-11-03T10:00:00+01:00", "294.00"));
        // Register 1, Thursday: the refund of one 100 item, on its own day.
        AssertDay(week, 1, WeekScenario.Thursday, f, gross: "0.00", net: "-100.00", discounts: "0.00", returns: "100.00",
            transactions: "0.00", goodsSold: "0.00", returnedGoods: "1.00");
        AssertIntervals(week, 1, WeekScenario.Thursday, f.Gross); // a refund only: gross is 0.00 in every hour
        AssertIntervals(week, 1, WeekScenario.Thursday, f.Net, ("2026-11-05T11:00:00+01:00", "-100.00"));

        // Register 1, Friday: two sales of 10.01 at half price in the 13:00 hour. The exact sums are gross 20.02 and
        // discounts 10.01, so net 10.01; rounding each sale first would have given discounts 10.02 and net 10.00.
        AssertDay(week, 1, WeekScenario.Friday, f, gross: "20.02", net: "10.01", discounts: "10.01", returns: "0.00",
            transactions: "2.00", goodsSold: "2.00", returnedGoods: "0.00");
        AssertIntervals(week, 1, WeekScenario.Friday, f.Net, ("2026-11-06T13:00:00+01:00", "10.01"));

        // Register 2 (Lightspeed register 12), Tuesday: the exchange at 14:05 (45 out, 30 back) and 3 × 20 at 17:30.
        AssertDay(week, 2, WeekScenario.Tuesday, f, gross: "105.00", net: "75.00", discounts: "0.00", returns: "30.00",
            transactions: "2.00", goodsSold: "4.00", returnedGoods: "1.00");
        AssertIntervals(week, 2, WeekScenario.Tuesday, f.Gross, ("2026-11-03T14:00:00+01:00", "45.00"), ("2026-11-03T17:00:00+01:00", "60.00"));
        AssertIntervals(week, 2, WeekScenario.Tuesday, f.Net, ("2026-11-03T14:00:00+01:00", "15.00"), ("2026-11-03T17:00:00+01:00", "60.00"));
        // Register 2, Wednesday: the sale at 23:30 UTC on Tuesday, 00:30 in Copenhagen.
        AssertDay(week, 2, WeekScenario.Wednesday, f, gross: "10.00", net: "10.00", discounts: "0.00", returns: "0.00",
            transactions: "1.00", goodsSold: "1.00", returnedGoods: "0.00");
        AssertIntervals(week, 2, WeekScenario.Wednesday, f.Gross, ("2026-11-04T00:00:00+01:00", "10.00"));

        // Every other register-day was imported and had no sales: 0 for every provided field, no intervals.
        var withSales = new[] { (1, WeekScenario.Tuesday), (1, WeekScenario.Thursday), (1, WeekScenario.Friday), (2, WeekScenario.Tuesday), (2, WeekScenario.Wednesday) };
        foreach (var register in new[] { 1, 2 })
            foreach (var date in WeekScenario.Days.Where(d => !withSales.Contains((register, d))))
                AssertDay(week, register, date, f, gross: "0.00", net: "0.00", discounts: "0.00", returns: "0.00",
                    transactions: "0.00", goodsSold: "0.00", returnedGoods: "0.00");

        // Visitors: left exactly as they were (one hand-typed value, nothing else).
        Assert.Equal((true, "123.00"), (week.Field(1, WeekScenario.Tuesday, f.Visitors).HasValue, week.Field(1, WeekScenario.Tuesday, f.Visitors).Value));
        Assert.Equal(1, week.Registers.SelectMany(r => r.Days).Count(d => d.Fields.Single(x => x.FieldId == f.Visitors).HasValue));

        // Split fields: every hour of every imported register-day, zeros included, adding up to the day value;
        // unsplit fields have none.
        foreach (var day in week.Registers.SelectMany(r => r.Days))
        {
            foreach (var field in day.Fields.Where(x => x.FieldId == f.Gross || x.FieldId == f.Net))
            {
                Assert.True(field.HasValue);
                Assert.Equal(day.IntervalCount, field.Intervals.Count);
                Assert.Equal(Amount(field.Value), field.Intervals.Sum(i => Amount(i.Value)));
            }
            Assert.All(day.Fields.Where(x => x.FieldId != f.Gross && x.FieldId != f.Net), x => Assert.Empty(x.Intervals));
        }
    }

    [Fact]
    public async Task AmountsIncludeTax_TheSameSales_CountWithTheirTax()
    {
        const long clientId = 5102, accountId = 951002, departmentId = 510201;
        var f = new ScenarioFields(clientId);
        await WeekScenario.DefineAccountAsync(host, accountId);
        var client = await EndToEndClient.SetUpAsync(host, clientId, accountId,
            [new PlannedDepartment(departmentId, accountId, WeekScenario.TerminalNumbers)], WeekScenario.Fields(clientId), amountsIncludeTax: true);

        var job = await client.ImportAsync([departmentId], WeekScenario.Monday, WeekScenario.Sunday);
        Assert.Equal(98, job.Progress.ValuesWritten);

        var week = await client.WeekAsync(departmentId, WeekScenario.IsoYear, WeekScenario.IsoWeek);
        // Register 1, Tuesday, line totals with 25 % tax: (250 + 0) + (50 + 10) + (67.50 + 26) = 403.50; net = 403.50 − 36 = 367.50.
        AssertDay(week, 1, WeekScenario.Tuesday, f, gross: "403.50", net: "367.50", discounts: "36.00", returns: "0.00",
            transactions: "2.00", goodsSold: "4.00", returnedGoods: "0.00");
        AssertIntervals(week, 1, WeekScenario.Tuesday, f.Gross, ("2026-11-03T10:00:00+01:00", "403.50"));
        // Register 1, Thursday: the refund's line total is −125.
        AssertDay(week, 1, WeekScenario.Thursday, f, gross: "0.00", net: "-125.00", discounts: "0.00", returns: "125.00",
            transactions: "0.00", goodsSold: "0.00", returnedGoods: "1.00");
        // Register 2, Tuesday: 56.25 out and 37.50 back at 14:00; 60 without tax at 17:00.
        AssertDay(week, 2, WeekScenario.Tuesday, f, gross: "116.25", net: "78.75", discounts: "0.00", returns: "37.50",
            transactions: "2.00", goodsSold: "4.00", returnedGoods: "1.00");
        AssertIntervals(week, 2, WeekScenario.Tuesday, f.Gross, ("2026-11-03T14:00:00+01:00", "56.25"), ("2026-11-03T17:00:00+01:00", "60.00"));
        AssertIntervals(week, 2, WeekScenario.Tuesday, f.Net, ("2026-11-03T14:00:00+01:00", "18.75"), ("2026-11-03T17:00:00+01:00", "60.00"));
        // Register 2, Wednesday: 10 + 2.50 tax.
        AssertDay(week, 2, WeekScenario.Wednesday, f, gross: "12.50", net: "12.50", discounts: "0.00", returns: "0.00",
            transactions: "1.00", goodsSold: "1.00", returnedGoods: "0.00");
        // Register 1, Friday: 2 × (6.25625 + 5.005) = 22.5225 → 22.52; net = 22.52 − 10.01 = 12.51.
        AssertDay(week, 1, WeekScenario.Friday, f, gross: "22.52", net: "12.51", discounts: "10.01", returns: "0.00",
            transactions: "2.00", goodsSold: "2.00", returnedGoods: "0.00");
    }

    [Fact]
    public async Task ABusyDay_OfMorePagesThanOne_IsReadThroughLightspeedsCursorWithoutLosingASale()
    {
        const long clientId = 5107, accountId = 951007, departmentId = 510701;
        var f = new ScenarioFields(clientId);
        await EndToEndClient.DefineAccountAsync(host, accountId, WeekScenario.Shop);
        // 250 sales of 10.00 without tax on Wednesday, two at every minute from 09:00 local (08:00 UTC): Lightspeed pages
        // hold at most 100 sales, and sales sharing a completeTime test the cursor's tie-break on saleID.
        //   09:00 hour: minutes 0-59 → 120 sales; 10:00 hour: minutes 60-119 → 120 sales; 11:00 hour: minutes 120-124 → 10 sales.
        var start = new DateTimeOffset(2026, 11, 4, 8, 0, 0, TimeSpan.Zero);
        await EndToEndClient.InjectSalesAsync(host, accountId,
            Enumerable.Range(0, 250).Select(i => new FixedSale(5000 + i, 11, start.AddMinutes(i / 2), [new FixedLine(1, 10m, Tax: false)])));
        var client = await EndToEndClient.SetUpAsync(host, clientId, accountId,
            [new PlannedDepartment(departmentId, accountId, WeekScenario.TerminalNumbers)], WeekScenario.Fields(clientId));

        var job = await client.ImportAsync([departmentId], WeekScenario.Wednesday, WeekScenario.Wednesday);

        Assert.Equal(250, job.Progress.SalesRead);
        Assert.True(job.Progress.RequestsMade >= 3, $"{job.Progress.RequestsMade} requests for 250 sales");
        var week = await client.WeekAsync(departmentId, WeekScenario.IsoYear, WeekScenario.IsoWeek);
        AssertDay(week, 1, WeekScenario.Wednesday, f, gross: "2500.00", net: "2500.00", discounts: "0.00", returns: "0.00",
            transactions: "250.00", goodsSold: "250.00", returnedGoods: "0.00");
        AssertIntervals(week, 1, WeekScenario.Wednesday, f.Gross,
            ("2026-11-04T09:00:00+01:00", "1200.00"), ("2026-11-04T10:00:00+01:00", "1200.00"), ("2026-11-04T11:00:00+01:00", "100.00"));
    }

    private static decimal Amount(string value) => decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The day values of the seven provided fields of one register-day (each present).</summary>
    internal static void AssertDay(Week week, int register, string date, ScenarioFields f, string gross, string net, string discounts,
        string returns, string transactions, string goodsSold, string returnedGoods)
    {
        var expected = new[] { gross, net, discounts, returns, transactions, goodsSold, returnedGoods };
        var actual = f.Provided.Select(id => week.Field(register, date, id)).ToList();
        Assert.All(actual, v => Assert.True(v.HasValue, $"register {register} {date} field {v.FieldId} has no value"));
        Assert.True(expected.SequenceEqual(actual.Select(v => v.Value)),
            $"register {register} {date}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual.Select(v => v.Value))}]");
    }

    /// <summary>A split field's intervals, exactly (local start with offset, value), in time order.</summary>
    /// <summary>A split field of an imported day lists every hour of the day; <paramref name="expected"/> are those not 0.00.</summary>
    internal static void AssertIntervals(Week week, int register, string date, long fieldId, params (string LocalStart, string Value)[] expected)
    {
        var field = week.Field(register, date, fieldId);
        Assert.Equal(week.Day(register, date).IntervalCount, field.Intervals.Count);
        Assert.Equal(expected, field.NonZeroIntervals());
    }
}
