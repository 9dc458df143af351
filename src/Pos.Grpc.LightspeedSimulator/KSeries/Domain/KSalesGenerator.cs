namespace Pos.Grpc.LightspeedSimulator.KSeries.Domain;

/// <summary>
/// Deterministic restaurant sales of one (location, local opening day): the same seed always gives the same
/// accounts, and a day is generated only when asked for. Lunch (11:30-14:30) and dinner (17:30-22:30) peaks, dinner
/// checks closed after midnight, covers, tips, service charges on big tables, modifiers, ribeye sold by weight,
/// line and account discounts, voided lines, refunds (also of earlier days), SPLIT and TRANSFER echoes, cancelled
/// accounts, several devices.
/// <para>Three independent random streams keep earlier days cheap to look at: the base checks of a day, their fate
/// (plain, cancelled, split, transferred) and the day's refunds. A refund of an earlier day needs only that day's
/// base checks and fates, never its refunds, so nothing recurses.</para>
/// </summary>
public static class KSalesGenerator
{
    private static readonly DateOnly Epoch = new(2000, 1, 1);
    private static readonly double[] WeekdayFactors = [0.9, 0.6, 0.75, 0.85, 1.0, 1.35, 1.45]; // Sunday first
    private enum Fate { Plain, Cancelled, Split, Transfer }

    public static List<KSale> GenerateDay(KLocation location, DateOnly day, KSeriesSimulatorOptions options)
    {
        var checks = BaseChecks(location, day, options);
        var fates = Fates(location, day, options, checks.Count);
        var next = checks.Count + 1;
        var sales = new List<KSale>();
        for (var i = 0; i < checks.Count; i++)
        {
            var rng = new Random(Seeds.Mix(options.Seed, location.Seed, location.BusinessLocationId, day.DayNumber, 4, i));
            switch (fates[i])
            {
                case Fate.Cancelled:
                    checks[i].Cancelled = true;
                    checks[i].Payments = [];
                    sales.Add(checks[i]);
                    break;
                case Fate.Split:
                    sales.AddRange(Split(checks[i], location, day, ref next, rng));
                    break;
                case Fate.Transfer:
                    sales.AddRange(Transfer(checks[i], location, day, ref next, rng));
                    break;
                default:
                    sales.Add(checks[i]);
                    break;
            }
        }
        sales.AddRange(Refunds(location, day, options, checks, fates, ref next));
        return sales;
    }

    private static List<KSale> BaseChecks(KLocation location, DateOnly day, KSeriesSimulatorOptions options)
    {
        if (day < location.OpenedOn || location.Devices.Count == 0) return [];
        var rng = new Random(Seeds.Mix(options.Seed, location.Seed, location.BusinessLocationId, day.DayNumber, 1));
        var volume = location.SalesPerDay * WeekdayFactors[(int)day.DayOfWeek] * (0.85 + 0.3 * rng.NextDouble());
        var count = Math.Max(0, (int)Math.Round(volume));
        var checks = Enumerable.Range(0, count).Select(i => Check(location, day, i + 1, rng)).ToList();
        return checks;
    }

    private static List<Fate> Fates(KLocation location, DateOnly day, KSeriesSimulatorOptions options, int count)
    {
        var rng = new Random(Seeds.Mix(options.Seed, location.Seed, location.BusinessLocationId, day.DayNumber, 2));
        return Enumerable.Range(0, count).Select(_ => rng.NextDouble() switch
        {
            < 0.02 => Fate.Cancelled,
            < 0.06 => Fate.Split,
            < 0.09 => Fate.Transfer,
            _ => Fate.Plain,
        }).ToList();
    }

    /// <summary>One check of the day: a table (covers, courses, drinks) or a bar tab (drinks, no covers).</summary>
    private static KSale Check(KLocation location, DateOnly day, int seq, Random rng)
    {
        var lunch = rng.NextDouble() < 0.35;
        var barTab = rng.NextDouble() < 0.15;
        // Two uniforms make a peak in the middle of each service.
        var openedMinute = lunch ? 11 * 60 + 30 + (int)((rng.NextDouble() + rng.NextDouble()) * 90)
                                 : 17 * 60 + 30 + (int)((rng.NextDouble() + rng.NextDouble()) * 150);
        var duration = barTab ? rng.Next(10, 90) : lunch ? rng.Next(25, 75) : rng.Next(45, 150);
        var opened = LocalToUtc(location.Zone, day, openedMinute, rng);
        var closed = opened.AddMinutes(duration).AddMilliseconds(rng.Next(1000));
        var covers = barTab ? rng.Next(0, 2) : rng.NextDouble() < 0.1 ? rng.Next(6, 11) : rng.Next(1, 5);
        var bar = location.Devices[0];
        var floor = location.Devices.Count > 1 ? location.Devices[1 + rng.Next(location.Devices.Count - 1)] : bar;
        var device = barTab ? bar : floor;
        var dayNo = day.DayNumber - Epoch.DayNumber;
        var id = $"A{dayNo}.{seq}";
        var sale = new KSale
        {
            AccountFiscId = id, ReceiptId = $"R{dayNo}.{seq}", AccountReference = Reference(location, id),
            TimeOfOpening = opened, TimeClosed = closed, Device = device, NbCovers = covers,
            TableNumber = barTab ? "" : rng.Next(1, 31).ToString(System.Globalization.CultureInfo.InvariantCulture),
            StaffId = 180480 + rng.Next(5), StaffName = $"Waiter {1 + rng.Next(5)}",
        };
        var accountDiscount = rng.NextDouble() < 0.05 ? 0.20m : 0m; // staff discount
        var serviceCharge = covers >= 6 ? 0.10m : 0m;
        var n = 0;
        KLine Add(KMenuItem item, decimal quantity, KDevice lineDevice, string? parent = null, decimal lineDiscount = 0)
        {
            var line = new KLine
            {
                Id = $"S{dayNo}.{seq * 100 + ++n}", ParentLineId = parent, Item = item, Quantity = quantity, Device = lineDevice,
                TimeOfSale = opened.AddSeconds(rng.Next(30, Math.Max(60, duration * 60 - 60))),
            };
            KSaleCalculator.Compute(line, location, lineDiscount, 0, accountDiscount, serviceCharge);
            if (rng.NextDouble() < 0.04) line.VoidReason = KMenu.VoidReasons[rng.Next(KMenu.VoidReasons.Length)];
            sale.Lines.Add(line);
            return line;
        }
        var guests = Math.Max(1, covers);
        for (var g = 0; g < guests; g++)
        {
            if (!barTab)
            {
                if (rng.NextDouble() < 0.3) Add(Pick(KMenu.Starters, rng), 1, floor);
                if (rng.NextDouble() < 0.85)
                {
                    var main = rng.NextDouble() < 0.1
                        ? Add(KMenu.RibeyeByKg, Math.Round(0.25m + rng.Next(0, 201) / 1000m, 3), floor)
                        : Add(Pick(KMenu.Mains, rng), 1, floor);
                    if (rng.NextDouble() < 0.35) Add(Pick(KMenu.Modifiers, rng), 1, floor, main.Id);
                }
                if (rng.NextDouble() < 0.3) Add(Pick(KMenu.Desserts, rng), 1, floor);
            }
            var drinks = rng.Next(1, 3);
            for (var d = 0; d < drinks; d++)
            {
                // Drinks of a table are sometimes rung at the bar: the line's device differs from the account's.
                var drinkDevice = !barTab && rng.NextDouble() < 0.2 ? bar : device;
                Add(Pick(KMenu.Drinks, rng), rng.NextDouble() < 0.15 ? 2 : 1, drinkDevice, lineDiscount: rng.NextDouble() < 0.08 ? 0.10m : 0m);
            }
        }
        if (sale.Lines.All(l => l.Voided)) sale.Lines[0].VoidReason = null;
        sale.Payments = Payments(sale, location, rng);
        return sale;
    }

    /// <summary>Card (tips, sometimes a surcharge) or cash (rounded to 0.50); now and then split over two cards.</summary>
    internal static List<KPayment> Payments(KSale sale, KLocation location, Random rng)
    {
        var due = KSaleCalculator.AmountDue(sale.Lines);
        var shares = rng.NextDouble() < 0.12 && Math.Abs(due) >= 100
            ? new[] { KSaleCalculator.Money(due / 2), due - KSaleCalculator.Money(due / 2) }
            : new[] { due };
        var payments = new List<KPayment>();
        foreach (var share in shares)
        {
            var n = payments.Count + 1;
            var fisc = $"T{sale.AccountFiscId[1..]}{n}";
            if (rng.NextDouble() < 0.25 && shares.Length == 1 && share > 0)
            {
                var rounded = Math.Round(share * 2, MidpointRounding.ToEven) / 2;
                payments.Add(new KPayment("CASH", "Cash", 141948669132824, share, 0, 0, rounded - share, sale.Device, fisc, sale.TimeClosed));
                continue;
            }
            var tip = share > 0 && rng.NextDouble() < 0.4 ? Math.Round(share * (rng.Next(5, 11) / 100m), 0) : 0m;
            var surcharge = share > 0 && rng.NextDouble() < 0.1 ? KSaleCalculator.Money(share * 0.015m) : 0m;
            payments.Add(new KPayment(surcharge > 0 ? "AMEX" : "CARD", surcharge > 0 ? "American Express" : "Card",
                141948669132825, share, tip, surcharge, 0, sale.Device, fisc, sale.TimeClosed));
        }
        return payments;
    }

    /// <summary>
    /// A check split in two: the original becomes a SPLIT echo (closed when it was split, no payments: never count
    /// it) and two SALE accounts carry its lines, each pointing back at the echo.
    /// </summary>
    private static IEnumerable<KSale> Split(KSale check, KLocation location, DateOnly day, ref int next, Random rng)
    {
        var parents = check.Lines.Where(l => l.ParentLineId is null).ToList();
        if (parents.Count < 2) return [check];
        var splitAt = check.TimeOfOpening + (check.TimeClosed - check.TimeOfOpening) * 0.8;
        check.Type = "SPLIT";
        check.TimeClosed = splitAt;
        check.Payments = [];
        var firstHalf = parents.Where((_, i) => i % 2 == 0).Select(l => l.Id).ToHashSet();
        bool InFirst(KLine l) => firstHalf.Contains(l.ParentLineId ?? l.Id);
        var first = Derived(check, "SALE", ref next, day, check.Lines.Where(InFirst), splitAt.AddMinutes(rng.Next(1, 5)), check.Device,
            Math.Ceiling(check.NbCovers / 2), location, rng);
        var second = Derived(check, "SALE", ref next, day, check.Lines.Where(l => !InFirst(l)), first.TimeClosed.AddMinutes(rng.Next(1, 4)),
            check.Device, check.NbCovers - Math.Ceiling(check.NbCovers / 2), location, rng);
        return [check, first, second];
    }

    /// <summary>
    /// A check moved to another device (a bar tab taken to a table): a TRANSFER echo of it as it was, and the SALE
    /// on the new device that is paid. The lines keep the device they were rung on.
    /// </summary>
    private static IEnumerable<KSale> Transfer(KSale check, KLocation location, DateOnly day, ref int next, Random rng)
    {
        if (location.Devices.Count < 2) return [check];
        var movedAt = check.TimeOfOpening + (check.TimeClosed - check.TimeOfOpening) * 0.4;
        var target = location.Devices.First(d => d != check.Device);
        var sale = Derived(check, "SALE", ref next, day, check.Lines, check.TimeClosed, target, check.NbCovers, location, rng);
        check.Type = "TRANSFER";
        check.TimeClosed = movedAt;
        check.Payments = [];
        return [check, sale];
    }

    /// <summary>Refunds closed this day: ~2 % of today's plain checks, and now and then one of a check of up to 6 days ago.</summary>
    private static IEnumerable<KSale> Refunds(
        KLocation location, DateOnly day, KSeriesSimulatorOptions options, List<KSale> checks, List<Fate> fates, ref int next)
    {
        var rng = new Random(Seeds.Mix(options.Seed, location.Seed, location.BusinessLocationId, day.DayNumber, 3));
        var refunds = new List<KSale>();
        for (var i = 0; i < checks.Count; i++)
        {
            if (fates[i] != Fate.Plain || rng.NextDouble() >= 0.02) continue;
            refunds.Add(Refund(checks[i], checks[i].TimeClosed.AddMinutes(rng.Next(5, 60)), location, day, options, ref next, rng));
        }
        if (rng.NextDouble() < 0.5)
        {
            var earlier = day.AddDays(-rng.Next(1, 7));
            var earlierChecks = BaseChecks(location, earlier, options);
            var earlierFates = Fates(location, earlier, options, earlierChecks.Count);
            var plain = earlierChecks.Where((_, i) => earlierFates[i] == Fate.Plain).ToList();
            if (plain.Count > 0)
            {
                var at = LocalToUtc(location.Zone, day, 12 * 60 + rng.Next(0, 600), rng);
                refunds.Add(Refund(plain[rng.Next(plain.Count)], at, location, day, options, ref next, rng));
            }
        }
        return refunds;
    }

    /// <summary>A REFUND account of one line of <paramref name="original"/> (with its modifiers), or of the whole check.</summary>
    private static KSale Refund(KSale original, DateTimeOffset at, KLocation location, DateOnly day, KSeriesSimulatorOptions options,
        ref int next, Random rng)
    {
        var counted = original.Lines.Where(l => !l.Voided).ToList();
        var parents = counted.Where(l => l.ParentLineId is null).ToList();
        var whole = rng.NextDouble() < 0.3 || parents.Count == 0;
        var chosen = whole ? null : parents[rng.Next(parents.Count)].Id;
        var lines = counted.Where(l => whole || l.Id == chosen || l.ParentLineId == chosen);
        var sign = options.RefundsNegative ? -1 : 1;
        var refund = Derived(original, "REFUND", ref next, day, lines, at, original.Device, 0, location, rng, sign, original.AccountFiscId);
        return refund;
    }

    /// <summary>An account derived from another (split part, transferred sale, refund): copied lines with new ids, payments anew.</summary>
    private static KSale Derived(KSale source, string type, ref int next, DateOnly day, IEnumerable<KLine> lines, DateTimeOffset closed,
        KDevice device, decimal covers, KLocation location, Random rng, int sign = 1, string? initial = null)
    {
        var dayNo = day.DayNumber - Epoch.DayNumber;
        var seq = next++;
        var id = $"A{dayNo}.{seq}";
        var sale = new KSale
        {
            AccountFiscId = id, ReceiptId = $"R{dayNo}.{seq}", AccountReference = Reference(location, id), Type = type,
            TimeOfOpening = type == "REFUND" ? closed.AddMinutes(-2) : source.TimeOfOpening, TimeClosed = closed, Device = device,
            NbCovers = covers, TableNumber = source.TableNumber, InitialAccountId = initial ?? source.AccountFiscId,
            PreviousAccountId = source.AccountFiscId, StaffId = source.StaffId, StaffName = source.StaffName,
        };
        var idMap = new Dictionary<string, string>();
        var n = 0;
        foreach (var line in lines.Where(l => type != "REFUND" || !l.Voided))
        {
            var copy = line.Copy();
            var newId = $"S{dayNo}.{seq * 100 + ++n}";
            idMap[line.Id] = newId;
            sale.Lines.Add(new KLine
            {
                Id = newId, ParentLineId = line.ParentLineId is { } parent ? idMap.GetValueOrDefault(parent, parent) : null,
                Item = copy.Item, Quantity = sign * copy.Quantity, TotalNetAmountWithTax = sign * copy.TotalNetAmountWithTax,
                TotalNetAmountWithoutTax = sign * copy.TotalNetAmountWithoutTax, DiscountAmount = sign * copy.DiscountAmount,
                AccountDiscountAmount = sign * copy.AccountDiscountAmount, TotalDiscountAmount = sign * copy.TotalDiscountAmount,
                TaxAmount = sign * copy.TaxAmount, TaxRate = copy.TaxRate, TaxIncluded = copy.TaxIncluded,
                ServiceCharge = sign * copy.ServiceCharge, ServiceChargeRate = copy.ServiceChargeRate,
                VoidReason = copy.VoidReason, TimeOfSale = type == "REFUND" ? closed : copy.TimeOfSale, Device = type == "REFUND" ? device : copy.Device,
            });
        }
        sale.Payments = type == "REFUND" ? RefundPayment(sale) : Payments(sale, location, rng);
        return sale;
    }

    private static List<KPayment> RefundPayment(KSale refund) =>
        [new KPayment("CARD", "Card", 141948669132825, KSaleCalculator.AmountDue(refund.Lines), 0, 0, 0, refund.Device,
            $"T{refund.AccountFiscId[1..]}1", refund.TimeClosed)];

    private static KMenuItem Pick(KMenuItem[] items, Random rng) => items[rng.Next(items.Length)];

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "A stable made-up reference for a simulated sale, not a secret or a signature.")]
    private static string Reference(KLocation location, string accountFiscId) =>
        Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{location.BusinessLocationId}/{accountFiscId}")));

    /// <summary>Minutes after local midnight of <paramref name="day"/> (past 1440: the next day) to UTC, with milliseconds; DST gaps skipped.</summary>
    public static DateTimeOffset LocalToUtc(TimeZoneInfo zone, DateOnly day, int minutes, Random rng)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified).AddMinutes(minutes).AddSeconds(rng.Next(60));
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero).AddMilliseconds(rng.Next(1000));
    }
}
