namespace Pos.Grpc.LightspeedSimulator.KSeries.Domain;

/// <summary>A K-Series account ("sale") as the simulator holds it: typed values; the wire writer makes strings of them.</summary>
public sealed class KSale
{
    public required string AccountFiscId { get; init; }
    public string ReceiptId { get; init; } = "";
    public string AccountReference { get; init; } = "";
    /// <summary>SALE, REFUND, SPLIT, TRANSFER, ...</summary>
    public string Type { get; set; } = "SALE";
    public bool Cancelled { get; set; }
    public DateTimeOffset TimeOfOpening { get; set; }
    public DateTimeOffset TimeClosed { get; set; }
    public required KDevice Device { get; set; }
    public decimal NbCovers { get; set; }
    public bool DineIn { get; init; } = true;
    public string TableNumber { get; init; } = "";
    public string? InitialAccountId { get; init; }
    public string? PreviousAccountId { get; init; }
    public long StaffId { get; init; } = 1;
    public string StaffName { get; init; } = "Manager";
    public List<KLine> Lines { get; init; } = [];
    public List<KPayment> Payments { get; set; } = [];

    /// <summary>A deep copy, so an admin edit never changes a cached generated day.</summary>
    public KSale Copy() => new()
    {
        AccountFiscId = AccountFiscId, ReceiptId = ReceiptId, AccountReference = AccountReference, Type = Type, Cancelled = Cancelled,
        TimeOfOpening = TimeOfOpening, TimeClosed = TimeClosed, Device = Device, NbCovers = NbCovers, DineIn = DineIn,
        TableNumber = TableNumber, InitialAccountId = InitialAccountId, PreviousAccountId = PreviousAccountId,
        StaffId = StaffId, StaffName = StaffName, Lines = Lines.Select(l => l.Copy()).ToList(),
        Payments = Payments.Select(p => p with { }).ToList(),
    };
}

/// <summary>A line with consistent amounts (see <see cref="KSaleCalculator"/>); refund lines are negative.</summary>
public sealed class KLine
{
    public required string Id { get; init; }
    public string? ParentLineId { get; init; }
    public required KMenuItem Item { get; init; }
    public decimal Quantity { get; set; }
    public decimal TotalNetAmountWithTax { get; set; }
    public decimal TotalNetAmountWithoutTax { get; set; }
    public decimal DiscountAmount { get; set; }
    public decimal AccountDiscountAmount { get; set; }
    public decimal TotalDiscountAmount { get; set; }
    public decimal TaxAmount { get; set; }
    public decimal TaxRate { get; set; }
    public bool TaxIncluded { get; set; }
    public decimal ServiceCharge { get; set; }
    public decimal ServiceChargeRate { get; set; }
    public string? VoidReason { get; set; }
    public DateTimeOffset TimeOfSale { get; set; }
    public required KDevice Device { get; init; }

    /// <summary>Counts in what the guest pays.</summary>
    public bool Voided => VoidReason is not null;

    public KLine Copy() => (KLine)MemberwiseClone();
}

/// <summary>A payment: amounts with two decimals, the device id a string on the wire.</summary>
public sealed record KPayment(
    string Code, string Description, long PaymentMethodId, decimal NetAmountWithTax, decimal Tip, decimal Surcharge,
    decimal RoundingAmount, KDevice Device, string FiscId, DateTimeOffset FiscDate);

public sealed record KDevice(long DeviceId, string Name);

/// <summary>A menu item: its unit price is on the location's tax basis (with tax where prices include it).</summary>
public sealed record KMenuItem(string Sku, string Name, decimal UnitPrice, long AccountingGroupId, string AccountingGroup);
