namespace Pos.Grpc.LightspeedSimulator.Domain;

/// <summary>A sale as the simulator holds it: typed values; the wire writer turns them into strings.</summary>
public sealed class SimSale
{
    public long SaleId { get; init; }
    public long ShopId { get; init; }
    public long RegisterId { get; init; }
    public long EmployeeId { get; init; }
    public long CustomerId { get; init; }
    public bool Completed { get; init; }
    public bool Voided { get; init; }
    public bool Archived { get; init; }
    public DateTimeOffset CreateTime { get; init; }
    /// <summary>Null for open sales (written as "").</summary>
    public DateTimeOffset? CompleteTime { get; init; }
    public DateTimeOffset TimeStamp { get; init; }
    public decimal DiscountPercent { get; init; }
    public decimal Tax1Rate { get; init; }
    public decimal Tax2Rate { get; init; }
    public List<SimSaleLine> Lines { get; init; } = [];

    // Totals, filled by SaleCalculator.
    public decimal CalcSubtotal { get; set; }
    public decimal CalcDiscount { get; set; }
    public decimal CalcTax1 { get; set; }
    public decimal CalcTax2 { get; set; }
    public decimal CalcTotal { get; set; }
    public decimal CalcTaxable { get; set; }
    public decimal CalcNonTaxable { get; set; }
    public decimal CalcAvgCost { get; set; }
    public decimal CalcPayments { get; set; }

    /// <summary>The key completeTime sorts by; open sales have none, they sort by their timeStamp.</summary>
    public DateTimeOffset CompleteSortKey => CompleteTime ?? TimeStamp;
}

public sealed class SimSaleLine
{
    public long SaleLineId { get; init; }
    public long ItemId { get; init; }
    /// <summary>Negative on refund lines.</summary>
    public int UnitQuantity { get; init; }
    /// <summary>Never negative, refunds included.</summary>
    public decimal UnitPrice { get; init; }
    public decimal DiscountAmount { get; init; }
    public decimal DiscountPercent { get; init; }
    public bool Tax { get; init; } = true;
    public long ParentSaleLineId { get; init; }
    public long DiscountId { get; init; }
    public decimal AvgCost { get; init; }

    // Filled by SaleCalculator (unrounded, as Lightspeed's line calc fields are).
    public decimal CalcSubtotal { get; set; }
    public decimal CalcLineDiscount { get; set; }
    public decimal CalcTransactionDiscount { get; set; }
    public decimal CalcTax1 { get; set; }
    public decimal CalcTax2 { get; set; }
    public decimal CalcTotal { get; set; }
    public decimal DisplayableSubtotal => CalcSubtotal - CalcLineDiscount;
}

/// <summary>Lightspeed's arithmetic (lightspeed-api.md §3), so generated and injected sales have consistent totals.</summary>
public static class SaleCalculator
{
    public static SimSale Complete(SimSale sale)
    {
        decimal subtotal = 0, discount = 0, tax1 = 0, tax2 = 0, taxable = 0, nonTaxable = 0, avgCost = 0;
        foreach (var line in sale.Lines)
        {
            line.CalcSubtotal = line.UnitQuantity * line.UnitPrice;
            line.CalcLineDiscount = line.DiscountAmount + line.CalcSubtotal * line.DiscountPercent;
            line.CalcTransactionDiscount = (line.CalcSubtotal - line.CalcLineDiscount) * sale.DiscountPercent;
            var lineTaxable = line.CalcSubtotal - line.CalcLineDiscount - line.CalcTransactionDiscount;
            line.CalcTax1 = line.Tax ? lineTaxable * sale.Tax1Rate : 0;
            line.CalcTax2 = line.Tax ? lineTaxable * sale.Tax2Rate : 0;
            line.CalcTotal = lineTaxable + line.CalcTax1 + line.CalcTax2;

            subtotal += line.CalcSubtotal;
            discount += line.CalcLineDiscount + line.CalcTransactionDiscount;
            tax1 += line.CalcTax1;
            tax2 += line.CalcTax2;
            if (line.Tax) taxable += lineTaxable; else nonTaxable += lineTaxable;
            avgCost += line.AvgCost * line.UnitQuantity;
        }
        sale.CalcSubtotal = subtotal;
        sale.CalcDiscount = Cents(discount);
        sale.CalcTax1 = Cents(tax1);
        sale.CalcTax2 = Cents(tax2);
        // The documented identity holds on the rounded parts: total = calcSubtotal − calcDiscount + calcTax1 + calcTax2.
        sale.CalcTotal = sale.CalcSubtotal - sale.CalcDiscount + sale.CalcTax1 + sale.CalcTax2;
        sale.CalcTaxable = Cents(taxable);
        sale.CalcNonTaxable = Cents(nonTaxable);
        sale.CalcAvgCost = avgCost;
        sale.CalcPayments = sale.Completed ? sale.CalcTotal : 0;
        return sale;
    }

    private static decimal Cents(decimal d) => Math.Round(d, 2, MidpointRounding.AwayFromZero);
}
