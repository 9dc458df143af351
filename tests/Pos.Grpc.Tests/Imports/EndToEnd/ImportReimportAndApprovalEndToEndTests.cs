using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Engine.Days;

namespace Pos.Grpc.Tests.Imports.EndToEnd;

/// <summary>
/// Importing days that already have numbers: the same range again changes nothing, and approved numbers are
/// spared or replaced as overwrite_approved says, counted in the job and recorded in the audit trail.
/// </summary>
[Collection(EndToEndImportCollection.Name)]
public sealed class ImportReimportAndApprovalEndToEndTests(EndToEndImportFixture host)
{
    /// <summary>Every value row of a department, with its updated_at: equal snapshots mean no row was touched.</summary>
    private async Task<List<string>> ValueRowsAsync(long departmentId)
    {
        await using var db = host.NewDbContext();
        var days = await db.DayValues.AsNoTracking().Where(v => v.DepartmentId == departmentId)
            .OrderBy(v => v.RegisterNumber).ThenBy(v => v.Date).ThenBy(v => v.FieldId)
            .Select(v => $"day {v.RegisterNumber} {v.Date} {v.FieldId} {v.Value} {v.UpdatedAt.UtcTicks}")
            .ToListAsync();
        var intervals = await db.IntervalValues.AsNoTracking().Where(v => v.DepartmentId == departmentId)
            .OrderBy(v => v.RegisterNumber).ThenBy(v => v.FieldId).ThenBy(v => v.StartUtc)
            .Select(v => $"interval {v.RegisterNumber} {v.FieldId} {v.StartUtc.UtcTicks} {v.Date} {v.Value} {v.UpdatedAt.UtcTicks}")
            .ToListAsync();
        return [.. days, .. intervals];
    }

    [Fact]
    public async Task ReImport_OfTheSameRange_ChangesNothing()
    {
        const long clientId = 5103, accountId = 951003, departmentId = 510301;
        await WeekScenario.DefineAccountAsync(host, accountId);
        var client = await EndToEndClient.SetUpAsync(host, clientId, accountId,
            [new PlannedDepartment(departmentId, accountId, WeekScenario.TerminalNumbers)], WeekScenario.Fields(clientId));

        var first = await client.ImportAsync([departmentId], WeekScenario.Monday, WeekScenario.Sunday);
        var before = await client.WeekAsync(departmentId, WeekScenario.IsoYear, WeekScenario.IsoWeek);
        var rowsBefore = await ValueRowsAsync(departmentId);
        Assert.NotEmpty(rowsBefore);

        var second = await client.ImportAsync([departmentId], WeekScenario.Monday, WeekScenario.Sunday);

        Assert.NotEqual(first.JobId, second.JobId);
        Assert.Equal((first.Progress.SalesRead, first.Progress.ValuesWritten), (second.Progress.SalesRead, second.Progress.ValuesWritten));
        Assert.Equal(before, await client.WeekAsync(departmentId, WeekScenario.IsoYear, WeekScenario.IsoWeek));
        // Not even updated_at moved: a value row is only written when its value changes.
        Assert.Equal(rowsBefore, await ValueRowsAsync(departmentId));
    }

    [Fact]
    public async Task ApprovedNumbers_AreSparedWithoutOverwrite_AndReplacedWithIt_CountedAndAudited()
    {
        const long clientId = 5104, accountId = 951004, departmentId = 510401;
        var f = new ScenarioFields(clientId);
        await WeekScenario.DefineAccountAsync(host, accountId);
        var client = await EndToEndClient.SetUpAsync(host, clientId, accountId,
            [new PlannedDepartment(departmentId, accountId, WeekScenario.TerminalNumbers)], WeekScenario.Fields(clientId));
        await client.ImportAsync([departmentId], WeekScenario.Monday, WeekScenario.Sunday);

        // Register 1's Tuesday is confirmed (its numbers are now approved); register 2's stays open.
        var confirmed = (await client.Balances().ConfirmDayAsync(new() { DepartmentId = departmentId, RegisterNumber = 1, Date = WeekScenario.Tuesday })).Day;
        Assert.True(confirmed.Confirmed);
        // Late sales arrive for both registers on Tuesday, 16:00-17:00 local, without tax: 40 on register 11, 5 on register 12.
        await EndToEndClient.InjectSalesAsync(host, accountId,
        [
            new FixedSale(1010, 11, DateTimeOffset.Parse("2026-11-03T15:00:00Z", System.Globalization.CultureInfo.InvariantCulture), [new FixedLine(1, 40m, Tax: false)]),
            new FixedSale(1011, 12, DateTimeOffset.Parse("2026-11-03T15:10:00Z", System.Globalization.CultureInfo.InvariantCulture), [new FixedLine(1, 5m, Tax: false)]),
        ]);

        // Without overwrite: register 1's approved Tuesday stays as confirmed, register 2's takes the new sale.
        var spared = await client.ImportAsync([departmentId], WeekScenario.Tuesday, WeekScenario.Tuesday, overwriteApproved: false);
        Assert.Equal((7, 7, 0), (spared.Progress.ValuesWritten, spared.Progress.ValuesSkippedApproved, spared.Progress.ValuesOverwrittenApproved));
        var week = await client.WeekAsync(departmentId, WeekScenario.IsoYear, WeekScenario.IsoWeek);
        Assert.True(week.Day(1, WeekScenario.Tuesday).Confirmed);
        ImportNumbersEndToEndTests.AssertDay(week, 1, WeekScenario.Tuesday, f, gross: "330.00", net: "294.00", discounts: "36.00", returns: "0.00",
            transactions: "2.00", goodsSold: "4.00", returnedGoods: "0.00");
        ImportNumbersEndToEndTests.AssertIntervals(week, 1, WeekScenario.Tuesday, f.Gross, ("2026-11-03T10:00:00+01:00", "330.00"));
        ImportNumbersEndToEndTests.AssertDay(week, 2, WeekScenario.Tuesday, f, gross: "110.00", net: "80.00", discounts: "0.00", returns: "30.00",
            transactions: "3.00", goodsSold: "5.00", returnedGoods: "1.00");
        ImportNumbersEndToEndTests.AssertIntervals(week, 2, WeekScenario.Tuesday, f.Gross,
            ("2026-11-03T14:00:00+01:00", "45.00"), ("2026-11-03T16:00:00+01:00", "5.00"), ("2026-11-03T17:00:00+01:00", "60.00"));
        await AssertAuditedOnceAsync(clientId, DayValuesWriter.SkipApprovedAction, $"departments/{departmentId}/registers/1/days/{WeekScenario.Tuesday}", spared.JobId);

        // With overwrite: register 1's Tuesday takes the late 40 too, and stays confirmed.
        var replaced = await client.ImportAsync([departmentId], WeekScenario.Tuesday, WeekScenario.Tuesday, overwriteApproved: true);
        Assert.Equal((14, 0, 7), (replaced.Progress.ValuesWritten, replaced.Progress.ValuesSkippedApproved, replaced.Progress.ValuesOverwrittenApproved));
        week = await client.WeekAsync(departmentId, WeekScenario.IsoYear, WeekScenario.IsoWeek);
        Assert.True(week.Day(1, WeekScenario.Tuesday).Confirmed);
        ImportNumbersEndToEndTests.AssertDay(week, 1, WeekScenario.Tuesday, f, gross: "370.00", net: "334.00", discounts: "36.00", returns: "0.00",
            transactions: "3.00", goodsSold: "5.00", returnedGoods: "0.00");
        ImportNumbersEndToEndTests.AssertIntervals(week, 1, WeekScenario.Tuesday, f.Gross,
            ("2026-11-03T10:00:00+01:00", "330.00"), ("2026-11-03T16:00:00+01:00", "40.00"));
        await AssertAuditedOnceAsync(clientId, DayValuesWriter.OverwriteApprovedAction, $"departments/{departmentId}/registers/1/days/{WeekScenario.Tuesday}", replaced.JobId);
    }

    private async Task AssertAuditedOnceAsync(long clientId, string action, string registerDay, string jobId)
    {
        await using var db = host.NewDbContext();
        var entry = Assert.Single(await db.AuditEntries.AsNoTracking().Where(a => a.ClientId == clientId && a.Action == action).ToListAsync());
        Assert.Equal(("register_day", registerDay, $"supervisor-{clientId}"), (entry.ResourceType, entry.ResourceId, entry.Actor));
        Assert.Contains(jobId, entry.Details);
    }
}
