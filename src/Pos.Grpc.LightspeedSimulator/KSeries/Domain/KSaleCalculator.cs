namespace Pos.Grpc.LightspeedSimulator.KSeries.Domain;

/// <summary>
/// The simulator's arithmetic, one place for generated and injected sales, so every number is consistent (the
/// documentation's examples are not). Per line, on the location's tax basis (prices with tax where they include it):
/// list = quantity × unit price; discount = line discount + the line's share of an account discount;
/// with tax = list − discount (tax-inclusive) or without tax + tax (tax-exclusive); tax = the difference;
/// service charge = rate × the line's amount on the price basis, outside totalNetAmount* (a separate item).
/// Refund lines are the same computed for a negative quantity: every amount negative.
/// </summary>
public static class KSaleCalculator
{
    public static void Compute(KLine line, KLocation location, decimal lineDiscountRate, decimal lineDiscountAmount,
        decimal accountDiscountRate, decimal serviceChargeRate)
    {
        var list = Money(line.Quantity * line.Item.UnitPrice);
        var lineDiscount = lineDiscountAmount != 0 ? lineDiscountAmount : Money(list * lineDiscountRate);
        var accountDiscount = Money((list - lineDiscount) * accountDiscountRate);
        var afterDiscount = list - lineDiscount - accountDiscount;
        var rate = location.TaxRate;
        line.DiscountAmount = lineDiscount;
        line.AccountDiscountAmount = accountDiscount;
        line.TotalDiscountAmount = lineDiscount + accountDiscount;
        line.TaxRate = rate;
        line.TaxIncluded = location.TaxIncluded;
        if (location.TaxIncluded)
        {
            line.TotalNetAmountWithTax = afterDiscount;
            line.TotalNetAmountWithoutTax = Precise(afterDiscount / (1 + rate));
            line.TaxAmount = line.TotalNetAmountWithTax - line.TotalNetAmountWithoutTax;
        }
        else
        {
            line.TotalNetAmountWithoutTax = afterDiscount;
            line.TaxAmount = Precise(afterDiscount * rate);
            line.TotalNetAmountWithTax = afterDiscount + line.TaxAmount;
        }
        line.ServiceChargeRate = serviceChargeRate;
        line.ServiceCharge = Money(afterDiscount * serviceChargeRate);
    }

    /// <summary>What the guest owes for an account: its lines that were not voided, with their service charge.</summary>
    public static decimal AmountDue(IEnumerable<KLine> lines) =>
        Math.Round(lines.Where(l => !l.Voided).Sum(l => l.TotalNetAmountWithTax + l.ServiceCharge), 2, MidpointRounding.ToEven);

    /// <summary>Two decimals, half-even (as Lightspeed rounds payments).</summary>
    public static decimal Money(decimal d) => Math.Round(d, 2, MidpointRounding.ToEven);

    /// <summary>Line amounts are "precise up to six decimal places".</summary>
    public static decimal Precise(decimal d) => Math.Round(d, 6, MidpointRounding.ToEven);
}
