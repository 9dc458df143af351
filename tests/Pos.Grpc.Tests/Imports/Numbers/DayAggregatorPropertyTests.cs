using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Days;
using Pos.Grpc.Providers;
using static Pos.Grpc.Tests.Imports.Numbers.TestSales;

namespace Pos.Grpc.Tests.Imports.Numbers;

/// <summary>
/// The aggregation against a naive re-computation on a few hundred generated sales (seeded, so a failure
/// reproduces): every line summed on its own, hours found by truncating the UTC instant (Copenhagen's
/// offsets are whole hours), days by converting to local time, without the production code's helpers.
/// </summary>
public sealed class DayAggregatorPropertyTests
{
    private static readonly TimeZoneInfo Copenhagen = TimeZones.Find("Europe/Copenhagen");
    private static readonly string[] TerminalNumbers = ["11", "12", "13"];

    [Theory]
    [InlineData(1, "2026-06-10", false)]
    [InlineData(2, "2026-06-10", true)]
    [InlineData(3, "2026-03-29", false)]
    [InlineData(4, "2026-10-25", true)]
    [InlineData(5, "2026-12-31", false)]
    public void Aggregate_GeneratedSales_MatchesANaivePerLineSum(int seed, string date, bool amountsIncludeTax)
    {
        var day = Day(date);
        var sales = Generate(new Random(seed), day, count: 400);
        var numbers = TestDays.AggregateDay(date, sales, TerminalNumbers, amountsIncludeTax);

        var expected = NaiveHourSums(sales, day, amountsIncludeTax);
        Assert.InRange(numbers.SalesCounted, 150, 400); // the generator's mix leaves plenty that count
        Assert.Equal(expected.Values.Sum(h => h.Sales), numbers.SalesCounted);
        Assert.Equal(numbers.SalesCounted, numbers.SalesRead); // a read hands a day only its own sales
        for (var register = 1; register <= TerminalNumbers.Length; register++)
        {
            var hours = expected.Where(e => e.Key.Register == register).OrderBy(e => e.Key.HourUtc).ToList();
            Assert.Equal(hours.Select(h => h.Key.HourUtc), numbers.Hours(register, PosFieldType.GrossSales).Select(h => h.StartUtc));

            foreach (var type in DayNumbers.ProvidedTypes)
            {
                // day = Σ intervals, exactly, whether summed over the hours with sales or over every interval.
                Assert.Equal(numbers.Day(register, type), numbers.Hours(register, type).Sum(h => h.Value));
                Assert.Equal(numbers.Day(register, type), numbers.IntervalStartsUtc.Sum(start => numbers.Hour(register, type, start)));
                // Each stored hour is the naive hour sum rounded to cents, so the day is their sum.
                Assert.Equal(hours.Sum(h => Stored(h.Value, type)), numbers.Day(register, type));
            }

            Assert.Equal(numbers.Day(register, PosFieldType.NetSales),
                numbers.Day(register, PosFieldType.GrossSales) - numbers.Day(register, PosFieldType.Discounts) - numbers.Day(register, PosFieldType.Returns));
            foreach (var start in numbers.IntervalStartsUtc)
                Assert.Equal(numbers.Hour(register, PosFieldType.NetSales, start),
                    numbers.Hour(register, PosFieldType.GrossSales, start) - numbers.Hour(register, PosFieldType.Discounts, start)
                    - numbers.Hour(register, PosFieldType.Returns, start));

            // Rounding per hour stays within half a cent per hour of the exact day sum.
            var exactGross = hours.Sum(h => h.Value.Gross);
            Assert.InRange(Math.Abs(numbers.Day(register, PosFieldType.GrossSales) - exactGross), 0m, 0.005m * hours.Count);
        }
    }

    private sealed class HourSums
    {
        public int Sales;
        public decimal Gross, Discounts, Returns, Transactions, GoodsSold, ReturnedGoods;
    }

    private static decimal Cents(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static decimal Stored(HourSums h, PosFieldType type) => type switch
    {
        PosFieldType.GrossSales => Cents(h.Gross),
        PosFieldType.Discounts => Cents(h.Discounts),
        PosFieldType.Returns => Cents(h.Returns),
        PosFieldType.NetSales => Cents(h.Gross) - Cents(h.Discounts) - Cents(h.Returns),
        PosFieldType.Transactions => h.Transactions,
        PosFieldType.GoodsSold => h.GoodsSold,
        PosFieldType.ReturnedGoods => h.ReturnedGoods,
        PosFieldType.Visitors => 0m,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The rules in their plainest form: each sale of the department's registers and day, then each line.</summary>
    private static Dictionary<(int Register, DateTimeOffset HourUtc), HourSums> NaiveHourSums(List<PosSale> sales, DateOnly day, bool amountsIncludeTax)
    {
        var sums = new Dictionary<(int, DateTimeOffset), HourSums>();
        foreach (var sale in sales)
        {
            if (DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(sale.Time, Copenhagen).DateTime) != day) continue;
            var register = Array.IndexOf(TerminalNumbers, sale.RegisterId) + 1;
            if (register == 0) continue;
            var utc = sale.Time.ToUniversalTime();
            var hourUtc = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
            if (!sums.TryGetValue((register, hourUtc), out var hour)) sums[(register, hourUtc)] = hour = new HourSums();

            hour.Sales++;
            var anySold = false;
            foreach (var line in sale.Lines)
            {
                var amount = amountsIncludeTax ? line.AmountIncludingTax : line.AmountExcludingTax;
                var discount = line.Discount;
                if (line.Quantity > 0)
                {
                    hour.Gross += amount + discount;
                    hour.Discounts += discount;
                    hour.GoodsSold += line.Quantity;
                    anySold = true;
                }
                if (line.Quantity < 0)
                {
                    hour.Returns += Math.Abs(amount);
                    hour.ReturnedGoods += Math.Abs(line.Quantity);
                }
            }
            if (anySold) hour.Transactions++;
        }
        return sums;
    }

    /// <summary>Sales around the day (from 3 hours before to 3 hours after), with every kind of line and sale the rules distinguish.</summary>
    private static List<PosSale> Generate(Random random, DateOnly day, int count)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(-5);
        var registers = new[] { "11", "12", "13", "99" };
        var quantities = new[] { -3m, -2m, -1m, 0m, 1m, 1m, 1m, 2m, 3m, 5m };
        var sales = new List<PosSale>(count);
        for (var i = 0; i < count; i++)
        {
            var lines = new List<PosSaleLine>();
            for (var l = random.Next(1, 5); l > 0; l--)
            {
                var quantity = quantities[random.Next(quantities.Length)];
                var subtotal = quantity * random.Next(1, 20_000) / 100m;
                var lineDiscount = random.Next(4) == 0 ? Math.Round(subtotal * random.Next(1, 30) / 100m, 5) : 0m;
                var transactionDiscount = random.Next(6) == 0 ? Math.Round(subtotal * random.Next(1, 10) / 100m, 5) : 0m;
                var taxable = subtotal - lineDiscount - transactionDiscount;
                var tax1 = Math.Round(taxable * 0.25m, 5);
                var tax2 = random.Next(3) == 0 ? Math.Round(taxable * 0.09975m, 5) : 0m;
                lines.Add(Line(quantity, taxable + tax1 + tax2, tax1, tax2, lineDiscount, transactionDiscount));
            }
            sales.Add(new PosSale(from.AddSeconds(random.Next(0, 34 * 3600)), "1", registers[random.Next(registers.Length)],
                PosSaleKind.Sale, Covers: 0, lines));
        }
        return sales;
    }
}
