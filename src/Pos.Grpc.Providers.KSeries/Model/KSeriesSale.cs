using System.Text.Json;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>
/// A K-Series account ("sale") with what the import and its checks need (docs/domain.md section 6). Money and quantities are
/// decimal exactly as sent; which sales count and how is the import's business, not this record's.
/// V1 financials use other field names (timeofCloseAndPaid, timeofOpening, timeofSale, in either casing): read too.
/// </summary>
public sealed record KSeriesSale
{
    /// <summary>The account id, "A65315.17": unique per location, the key to tell sales apart.</summary>
    public string AccountFiscId { get; init; } = "";
    public string? AccountReference { get; init; }
    public string? ReceiptId { get; init; }
    /// <summary>SALE, REFUND, VOID, SPLIT, TRANSFER, ... exactly as sent (the enum is not documented beyond names).</summary>
    public string Type { get; init; } = "";
    public bool Cancelled { get; init; }
    public DateTimeOffset? TimeOfOpening { get; init; }
    /// <summary>When the account was closed and paid: the filter and sort key of the sales endpoint.</summary>
    public DateTimeOffset? TimeClosed { get; init; }
    /// <summary>The device where the account was created.</summary>
    public long? DeviceId { get; init; }
    public string? DeviceName { get; init; }
    /// <summary>Guests at the table (a JSON number such as 2.0).</summary>
    public decimal NbCovers { get; init; }
    public bool? DineIn { get; init; }
    public string? TableNumber { get; init; }
    public string? VoidReason { get; init; }
    /// <summary>For refunds (and splits, transfers): the account this one derives from.</summary>
    public string? SourceInitialAccountId { get; init; }
    public string? SourcePreviousAccountId { get; init; }
    public IReadOnlyList<KSeriesSaleLine> Lines { get; init; } = [];
    /// <summary>Only filled when the query asked for payments (include=payments); tips live here.</summary>
    public IReadOnlyList<KSeriesPayment> Payments { get; init; } = [];

    internal static KSeriesSale Parse(JsonElement e)
    {
        var source = Wire.Object(e, "source");
        return new KSeriesSale
        {
            AccountFiscId = Wire.String(e, "accountFiscId", "accountId") ?? "",
            AccountReference = Wire.String(e, "accountReference"),
            ReceiptId = Wire.String(e, "receiptId"),
            Type = Wire.String(e, "type") ?? "",
            Cancelled = Wire.Bool(e, "cancelled"),
            TimeOfOpening = Wire.Time(e, "timeOfOpening"),
            TimeClosed = Wire.Time(e, "timeClosed", "timeOfCloseAndPaid"),
            DeviceId = Wire.Long(e, "deviceId"),
            DeviceName = Wire.String(e, "deviceName"),
            NbCovers = Wire.Decimal(e, "nbCovers"),
            DineIn = Wire.Find(e, "dineIn") is { ValueKind: JsonValueKind.True or JsonValueKind.False } d ? d.GetBoolean() : null,
            TableNumber = Wire.String(e, "tableNumber"),
            VoidReason = Wire.String(e, "voidReason"),
            SourceInitialAccountId = Wire.String(source, "initialAccountId"),
            SourcePreviousAccountId = Wire.String(source, "previousAccountId"),
            Lines = Wire.Array(e, "salesLines").Select(KSeriesSaleLine.Parse).ToList(),
            Payments = Wire.Array(e, "payments").Select(KSeriesPayment.Parse).ToList(),
        };
    }
}

/// <summary>A line of an account. Amounts are line totals; refund lines carry negative quantities and amounts.</summary>
public sealed record KSeriesSaleLine
{
    /// <summary>"S65315.33".</summary>
    public string Id { get; init; } = "";
    /// <summary>Set on modifiers and combo components: the line they belong to.</summary>
    public string? ParentLineId { get; init; }
    public string? Sku { get; init; }
    public string? Name { get; init; }
    /// <summary>Three decimals, may be fractional (sold by weight).</summary>
    public decimal Quantity { get; init; }
    public decimal MenuListPrice { get; init; }
    /// <summary>Line total including discounts and tax (for tax-inclusive businesses).</summary>
    public decimal TotalNetAmountWithTax { get; init; }
    /// <summary>Line total after discounts, before tax.</summary>
    public decimal TotalNetAmountWithoutTax { get; init; }
    public decimal DiscountAmount { get; init; }
    public decimal AccountDiscountAmount { get; init; }
    public decimal TotalDiscountAmount { get; init; }
    public decimal TaxAmount { get; init; }
    public decimal? TaxRatePercentage { get; init; }
    /// <summary>Whether the business's prices include tax (from taxLines[].taxIncluded); null without tax lines.</summary>
    public bool? TaxIncluded { get; init; }
    public decimal ServiceCharge { get; init; }
    public decimal? ServiceChargeRate { get; init; }
    public string? ServiceChargeType { get; init; }
    /// <summary>Set on lines struck after they were ordered ("Cooking", "User Mistake", ...).</summary>
    public string? VoidReason { get; init; }
    public DateTimeOffset? TimeOfSale { get; init; }
    /// <summary>The device where the line was rung (may differ from the account's).</summary>
    public long? DeviceId { get; init; }
    public string? DeviceName { get; init; }
    public long? RevenueCenterId { get; init; }
    public string? RevenueCenter { get; init; }
    public long? StaffId { get; init; }
    public long? AccountingGroupId { get; init; }

    internal static KSeriesSaleLine Parse(JsonElement e)
    {
        var taxLines = Wire.Array(e, "taxLines").ToList();
        return new KSeriesSaleLine
        {
            Id = Wire.String(e, "id") ?? "",
            ParentLineId = Wire.String(e, "parentLineId") is { Length: > 0 } parent ? parent : null,
            Sku = Wire.String(e, "sku"),
            Name = Wire.String(e, "nameOverride") is { Length: > 0 } overridden ? overridden : Wire.String(e, "name"),
            Quantity = Wire.Decimal(e, "quantity"),
            MenuListPrice = Wire.Decimal(e, "menuListPrice"),
            TotalNetAmountWithTax = Wire.Decimal(e, "totalNetAmountWithTax"),
            TotalNetAmountWithoutTax = Wire.Decimal(e, "totalNetAmountWithoutTax"),
            DiscountAmount = Wire.Decimal(e, "discountAmount"),
            AccountDiscountAmount = Wire.Decimal(e, "accountDiscountAmount"),
            TotalDiscountAmount = Wire.Decimal(e, "totalDiscountAmount"),
            TaxAmount = Wire.Decimal(e, "taxAmount"),
            TaxRatePercentage = Wire.DecimalOrNull(e, "taxRatePercentage"),
            TaxIncluded = taxLines.Count == 0 ? null : taxLines.Any(t => Wire.Bool(t, "taxIncluded")),
            ServiceCharge = Wire.Decimal(e, "serviceCharge"),
            ServiceChargeRate = Wire.DecimalOrNull(e, "serviceChargeRate"),
            ServiceChargeType = Wire.String(e, "serviceChargeType"),
            VoidReason = Wire.String(e, "voidReason") is { Length: > 0 } reason ? reason : null,
            TimeOfSale = Wire.Time(e, "timeOfSale"),
            DeviceId = Wire.Long(e, "deviceId"),
            DeviceName = Wire.String(e, "deviceName"),
            RevenueCenterId = Wire.Long(e, "revenueCenterId"),
            RevenueCenter = Wire.String(e, "revenueCenter"),
            StaffId = Wire.Long(e, "staffId"),
            AccountingGroupId = Wire.Long(Wire.Object(e, "accountingGroup"), "accountingGroupId"),
        };
    }
}

/// <summary>A payment of an account (only with include=payments). Tips and surcharges are not sales.</summary>
public sealed record KSeriesPayment
{
    public string? Code { get; init; }
    public string? Description { get; init; }
    public long? PaymentMethodId { get; init; }
    /// <summary>Two decimals, rounded half-even.</summary>
    public decimal NetAmountWithTax { get; init; }
    public decimal Tip { get; init; }
    public decimal Surcharge { get; init; }
    /// <summary>Cash rounding ("-0.02").</summary>
    public decimal RoundingAmount { get; init; }
    public string? Currency { get; init; }
    /// <summary>NORMAL or ACCOUNTS_RECEIVABLE.</summary>
    public string? Type { get; init; }
    /// <summary>A string on the wire ("72676"), unlike every other device id; read as a number.</summary>
    public long? DeviceId { get; init; }
    public string? DeviceName { get; init; }
    public string? FiscId { get; init; }
    public DateTimeOffset? FiscDate { get; init; }

    internal static KSeriesPayment Parse(JsonElement e) => new()
    {
        Code = Wire.String(e, "code"),
        Description = Wire.String(e, "description"),
        PaymentMethodId = Wire.Long(e, "paymentMethodId"),
        NetAmountWithTax = Wire.Decimal(e, "netAmountWithTax"),
        Tip = Wire.Decimal(e, "tip"),
        Surcharge = Wire.Decimal(e, "surcharge"),
        RoundingAmount = Wire.Decimal(e, "roundingAmount"),
        Currency = Wire.String(e, "currency"),
        Type = Wire.String(e, "type"),
        DeviceId = Wire.Long(e, "deviceId"),
        DeviceName = Wire.String(e, "deviceName"),
        FiscId = Wire.String(e, "fiscId"),
        FiscDate = Wire.Time(e, "fiscDate"),
    };
}
