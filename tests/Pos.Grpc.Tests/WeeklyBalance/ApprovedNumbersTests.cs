using Pos.Grpc.Host.Domain;
using Pos.Grpc.Tests.Infrastructure;
using static Pos.Grpc.Tests.WeeklyBalance.WeeklyBalanceSeed;

namespace Pos.Grpc.Tests.WeeklyBalance;

/// <summary>The "approved numbers" query the import engine uses to spare confirmed days and approved weeks.</summary>
public sealed class ApprovedNumbersTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    private readonly WeeklyBalanceSeed _seed = new(host);

    [Fact]
    public async Task InRange_ConfirmedDaysAndDaysOfApprovedWeeks_ClippedToTheRangeAndDepartment()
    {
        await _seed.DepartmentAsync(341, 3411, ["1", "2"]);
        await _seed.DepartmentAsync(341, 3412);
        await _seed.ConfirmedDaysAsync(3411, 1, "2026-10-27", "2026-11-03");
        await _seed.ApprovedWeekAsync(3411, 2, "2026-10-26"); // 2026-W44
        await _seed.ConfirmedDaysAsync(3412, 1, "2026-10-29");

        await using var db = host.NewDbContext();
        var approved = await ApprovedNumbers.InRangeAsync(db, 3411, Day("2026-10-28"), Day("2026-11-03"), CancellationToken.None);

        Assert.Equal(
            new HashSet<RegisterDay>
            {
                new(1, Day("2026-11-03")),
                new(2, Day("2026-10-28")), new(2, Day("2026-10-29")), new(2, Day("2026-10-30")), new(2, Day("2026-10-31")), new(2, Day("2026-11-01")),
            },
            approved);
    }

    [Fact]
    public async Task IsApproved_ConfirmedDayOrApprovedWeek_IsTrueOtherwiseFalse()
    {
        await _seed.DepartmentAsync(342, 3421, ["1", "2"]);
        await _seed.ConfirmedDaysAsync(3421, 1, "2026-10-27");
        await _seed.ApprovedWeekAsync(3421, 2, "2026-10-26");

        await using var db = host.NewDbContext();
        Assert.True(await ApprovedNumbers.IsApprovedAsync(db, 3421, 1, Day("2026-10-27"), CancellationToken.None));
        Assert.False(await ApprovedNumbers.IsApprovedAsync(db, 3421, 1, Day("2026-10-28"), CancellationToken.None));
        Assert.True(await ApprovedNumbers.IsApprovedAsync(db, 3421, 2, Day("2026-11-01"), CancellationToken.None));
        Assert.False(await ApprovedNumbers.IsApprovedAsync(db, 3421, 2, Day("2026-11-02"), CancellationToken.None));
    }
}
