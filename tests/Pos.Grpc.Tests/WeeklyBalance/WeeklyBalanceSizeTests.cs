using Google.Protobuf;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Tests.WeeklyBalance;

/// <summary>
/// The size of GetWeeklyBalance for a large department's week: 3 registers × 7 days × 8 fields, every field split into
/// hours, sales in the 11 opening hours 09-19. Every hour of every day is listed (4 032 intervals), and the message
/// stays far below gRPC's default 4 MiB limit. The measured sizes are in docs/benchmarks.md ("GetWeeklyBalance size").
/// </summary>
public sealed class WeeklyBalanceSizeTests(PosHostFixture host, ITestOutputHelper output) : IClassFixture<PosHostFixture>
{
    private const long ClientId = 3501, DepartmentId = 35011;
    private const int Registers = 3, Fields = 8;

    [Fact]
    public async Task GetWeeklyBalance_ThreeRegistersEightSplitFields_ListsEveryHourAndStaysFarBelowTheMessageLimit()
    {
        var seed = new WeeklyBalanceSeed(host);
        await seed.DepartmentAsync(ClientId, DepartmentId, ["1", "2", "3"]);
        for (var field = 1; field <= Fields; field++) await seed.FieldAsync(ClientId, DepartmentId * 10 + field, $"Field {field}", split: true);
        // ISO week 2026-W10, Monday 2026-03-02 to Sunday 2026-03-08, CET: local 09:00 is 08:00 UTC.
        for (var register = 1; register <= Registers; register++)
        for (var day = 0; day < 7; day++)
        for (var field = 1; field <= Fields; field++)
        {
            var date = new DateOnly(2026, 3, 2).AddDays(day);
            var values = Enumerable.Range(0, 11).Select(hour => 100m + register * 10 + field + hour * 0.25m).ToList();
            await seed.IntervalsAsync(DepartmentId, register, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), DepartmentId * 10 + field,
                new DateTimeOffset(date, new TimeOnly(8, 0), TimeSpan.Zero), values);
        }

        var response = await host.Client<Contracts.WeeklyBalance.V1.WeeklyBalanceService.WeeklyBalanceServiceClient>(PosHostFixture.Supervisor(ClientId))
            .GetWeeklyBalanceAsync(new() { DepartmentId = DepartmentId, IsoYear = 2026, IsoWeek = 10 });

        var intervals = response.WeeklyBalance.Registers.SelectMany(r => r.Days).SelectMany(d => d.Fields).Sum(f => f.Intervals.Count);
        var bytes = response.CalculateSize();
        output.WriteLine($"GetWeeklyBalanceResponse: {Registers} registers x 7 days x {Fields} split fields, {intervals} intervals, {bytes} bytes");
        Assert.Equal(Registers * 7 * Fields * 24, intervals);
        Assert.InRange(bytes, 1, 1024 * 1024);
        Assert.Equal(bytes, response.ToByteArray().Length);
    }
}
