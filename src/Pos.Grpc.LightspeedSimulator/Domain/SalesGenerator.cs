namespace Pos.Grpc.LightspeedSimulator.Domain;

/// <summary>
/// Deterministic sales of one (account, shop, local day): the same seed always gives the same sales, and a day
/// is generated only when asked for, so a year of history costs nothing up front.
/// Sale ids encode their day, shop and sequence (day·10⁸ + shopIndex·10⁶ + seq, so up to 99 shops), which makes saleID order
/// walkable day by day and a single sale findable without an index.
/// </summary>
public static class SalesGenerator
{
    public static readonly DateOnly Epoch = new(2000, 1, 1);
    public const long DayFactor = 100_000_000;
    public const long ShopFactor = 1_000_000;

    // Opening hours 09-19 local, busy at lunch and after work, quiet mid-morning and late.
    private static readonly int[] Hours = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    private static readonly double[] HourWeights = [2, 3, 4, 7, 6, 4, 4, 6, 7, 5, 2];
    private static readonly double[] WeekdayFactors = [0.6, 0.8, 0.85, 0.9, 1.0, 1.2, 1.4]; // Sunday first
    private static readonly decimal[] LineDiscounts = [0.1m, 0.2m, 0.5m];

    public static long SaleId(DateOnly day, int shopIndex, int seq) =>
        (day.DayNumber - Epoch.DayNumber) * DayFactor + shopIndex * ShopFactor + seq;

    public static (DateOnly Day, int ShopIndex, int Seq) DecodeId(long saleId) =>
        (Epoch.AddDays((int)(saleId / DayFactor)), (int)(saleId % DayFactor / ShopFactor), (int)(saleId % ShopFactor));

    public static decimal ItemPrice(long itemId) => Math.Floor(5m + itemId * 7919 % 19000 / 100m) + 0.95m;

    public static List<SimSale> GenerateDay(SimAccount account, int shopIndex, DateOnly day, int globalSeed)
    {
        var shop = account.Shops[shopIndex];
        var registers = shop.Registers.Where(r => !r.Archived).ToArray();
        if (registers.Length == 0) return [];
        var rng = new Random(Seeds.Mix(globalSeed, account.Seed, account.AccountId, shop.ShopId, day.DayNumber));

        var volume = account.SalesPerShopPerDay * WeekdayFactors[(int)day.DayOfWeek] * (0.8 + 0.4 * rng.NextDouble());
        var count = Math.Min((int)Math.Round(volume), (int)ShopFactor - 1);
        var times = Enumerable.Range(0, count).Select(_ => LocalTimeToUtc(shop.Zone, day, rng)).Order().ToList();

        var sales = new List<SimSale>(count);
        var earlierLines = new List<SimSaleLine>();
        for (var i = 0; i < count; i++)
        {
            var saleId = SaleId(day, shopIndex, i + 1);
            var sale = NextSale(rng, saleId, shop, registers, times[i], earlierLines);
            sales.Add(SaleCalculator.Complete(sale));
            if (sale.Completed && !sale.Voided) earlierLines.AddRange(sale.Lines.Where(l => l.UnitQuantity > 0));
        }
        return sales;
    }

    private static SimSale NextSale(
        Random rng, long saleId, SimShop shop, SimRegister[] registers, DateTimeOffset time, List<SimSaleLine> earlier)
    {
        var roll = rng.NextDouble();
        var open = roll < 0.02;
        var voided = !open && roll < 0.04;
        var refund = roll is >= 0.04 and < 0.08;
        var exchange = roll is >= 0.08 and < 0.10;
        var lineNo = 0;
        long NextLineId() => saleId * 10 + ++lineNo;

        var lines = new List<SimSaleLine>();
        if (refund || exchange) lines.Add(RefundLine(rng, NextLineId(), earlier));
        if (!refund)
        {
            var lineCount = exchange ? 1 : rng.NextDouble() < 0.5 ? 1 : rng.Next(2, 5);
            for (var i = 0; i < lineCount; i++) lines.Add(SaleLine(rng, NextLineId()));
        }
        var wholeSaleDiscount = !refund && rng.NextDouble() < 0.08 ? (rng.NextDouble() < 0.5 ? 0.1m : 0.15m) : 0m;

        return new SimSale
        {
            SaleId = saleId,
            ShopId = shop.ShopId,
            RegisterId = registers[rng.Next(registers.Length)].RegisterId,
            EmployeeId = rng.Next(1, 6),
            CustomerId = rng.NextDouble() < 0.3 ? rng.Next(1, 500) : 0,
            Completed = !open,
            Voided = voided,
            Archived = !open && !voided && rng.NextDouble() < 0.01,
            CreateTime = time.AddSeconds(-rng.Next(20, 600)),
            CompleteTime = open ? null : time,
            TimeStamp = time,
            DiscountPercent = wholeSaleDiscount,
            Tax1Rate = shop.Tax1Rate,
            Tax2Rate = shop.Tax2Rate,
            Lines = lines,
        };
    }

    private static SimSaleLine SaleLine(Random rng, long lineId)
    {
        var itemId = rng.Next(1, 301);
        var price = ItemPrice(itemId);
        var quantity = rng.NextDouble() < 0.8 ? 1 : rng.Next(2, 4);
        var discountRoll = rng.NextDouble();
        return new SimSaleLine
        {
            SaleLineId = lineId,
            ItemId = itemId,
            UnitQuantity = quantity,
            UnitPrice = price,
            DiscountPercent = discountRoll < 0.12 ? LineDiscounts[rng.Next(LineDiscounts.Length)] : 0,
            DiscountAmount = discountRoll is >= 0.12 and < 0.17 ? Math.Min(5m, price) : 0,
            DiscountId = discountRoll < 0.17 ? rng.Next(1, 5) : 0,
            Tax = rng.NextDouble() < 0.97,
            AvgCost = Math.Round(price * 0.45m, 2),
        };
    }

    /// <summary>A return of (part of) an earlier line of the day when there is one, else a return without receipt.</summary>
    private static SimSaleLine RefundLine(Random rng, long lineId, List<SimSaleLine> earlier)
    {
        var parent = earlier.Count > 0 && rng.NextDouble() < 0.8 ? earlier[rng.Next(earlier.Count)] : null;
        var itemId = parent?.ItemId ?? rng.Next(1, 301);
        var price = parent?.UnitPrice ?? ItemPrice(itemId);
        return new SimSaleLine
        {
            SaleLineId = lineId,
            ItemId = itemId,
            UnitQuantity = -(parent is null ? 1 : rng.Next(1, parent.UnitQuantity + 1)),
            UnitPrice = price,
            ParentSaleLineId = parent?.SaleLineId ?? 0,
            Tax = parent?.Tax ?? true,
            AvgCost = Math.Round(price * 0.45m, 2),
        };
    }

    /// <summary>A weighted opening hour, random minute and second, converted from the shop's zone (DST gaps skipped).</summary>
    private static DateTimeOffset LocalTimeToUtc(TimeZoneInfo zone, DateOnly day, Random rng)
    {
        var pick = rng.NextDouble() * HourWeights.Sum();
        var hourIndex = 0;
        while (hourIndex < Hours.Length - 1 && (pick -= HourWeights[hourIndex]) > 0) hourIndex++;
        var local = day.ToDateTime(new TimeOnly(Hours[hourIndex], rng.Next(60), rng.Next(60)), DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
