using System.Text.Json;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>An R-Series account, as Account.json (or the token's acct claim) tells it.</summary>
public sealed record RSeriesAccount(long AccountId, string Name);

/// <summary>A shop; <see cref="TimeZone"/> is the IANA-ish zone Lightspeed stores ("US/Pacific", "Europe/Copenhagen").</summary>
public sealed record RSeriesShop(long ShopId, string Name, string TimeZone, bool Archived)
{
    internal static RSeriesShop Parse(JsonElement e) => new(
        Wire.Long(e, "shopID"), Wire.String(e, "name") ?? "", Wire.String(e, "timeZone") ?? "", Wire.Bool(e, "archived"));
}

/// <summary>A cash register; its id is what departments list as "POS terminal number".</summary>
public sealed record RSeriesRegister(long RegisterId, string Name, long ShopId, bool Archived)
{
    internal static RSeriesRegister Parse(JsonElement e) => new(
        Wire.Long(e, "registerID"), Wire.String(e, "name") ?? "", Wire.Long(e, "shopID"), Wire.Bool(e, "archived"));
}

/// <summary>
/// A sale with the fields the import and its checks need. Money is decimal exactly as Lightspeed sent it
/// (sale totals rounded to cents, line calc fields unrounded).
/// </summary>
public sealed record RSeriesSale
{
    public long SaleId { get; init; }
    public long ShopId { get; init; }
    public long RegisterId { get; init; }
    public long EmployeeId { get; init; }
    public long CustomerId { get; init; }
    public string TicketNumber { get; init; } = "";
    public bool Completed { get; init; }
    public bool Voided { get; init; }
    public bool Archived { get; init; }
    public bool IsTaxInclusive { get; init; }
    /// <summary>Completion time (UTC on the wire); null for open sales.</summary>
    public DateTimeOffset? CompleteTime { get; init; }
    public DateTimeOffset? CreateTime { get; init; }
    /// <summary>Last modification; Lightspeed spells it updatetime or updateTime, both are read.</summary>
    public DateTimeOffset? UpdateTime { get; init; }
    public DateTimeOffset? TimeStamp { get; init; }
    /// <summary>Whole-sale discount as a fraction ("0.1" = 10 %).</summary>
    public decimal DiscountPercent { get; init; }
    public decimal CalcSubtotal { get; init; }
    public decimal CalcDiscount { get; init; }
    public decimal CalcTax1 { get; init; }
    public decimal CalcTax2 { get; init; }
    public decimal CalcTotal { get; init; }
    public decimal Total { get; init; }
    public decimal CalcPayments { get; init; }
    public decimal Balance { get; init; }
    /// <summary>Empty when the sale has no lines or SaleLines was not loaded (Lightspeed omits the key then).</summary>
    public IReadOnlyList<RSeriesSaleLine> Lines { get; init; } = [];

    internal static RSeriesSale Parse(JsonElement e) => new()
    {
        SaleId = Wire.Long(e, "saleID"),
        ShopId = Wire.Long(e, "shopID"),
        RegisterId = Wire.Long(e, "registerID"),
        EmployeeId = Wire.Long(e, "employeeID"),
        CustomerId = Wire.Long(e, "customerID"),
        TicketNumber = Wire.String(e, "ticketNumber") ?? "",
        Completed = Wire.Bool(e, "completed"),
        Voided = Wire.Bool(e, "voided"),
        Archived = Wire.Bool(e, "archived"),
        IsTaxInclusive = Wire.Bool(e, "isTaxInclusive"),
        CompleteTime = Wire.Time(e, "completeTime"),
        CreateTime = Wire.Time(e, "createTime"),
        UpdateTime = Wire.Time(e, "updatetime", "updateTime"),
        TimeStamp = Wire.Time(e, "timeStamp"),
        DiscountPercent = Wire.Decimal(e, "discountPercent"),
        CalcSubtotal = Wire.Decimal(e, "calcSubtotal"),
        CalcDiscount = Wire.Decimal(e, "calcDiscount"),
        CalcTax1 = Wire.Decimal(e, "calcTax1"),
        CalcTax2 = Wire.Decimal(e, "calcTax2"),
        CalcTotal = Wire.Decimal(e, "calcTotal"),
        Total = Wire.Decimal(e, "total"),
        CalcPayments = Wire.Decimal(e, "calcPayments"),
        Balance = Wire.Decimal(e, "balance"),
        Lines = Wire.Nested(e, "SaleLines", "SaleLine").Select(RSeriesSaleLine.Parse).ToList(),
    };
}

/// <summary>
/// A sale line. <see cref="UnitQuantity"/> is negative on refund lines (unit price stays positive) and
/// <see cref="ParentSaleLineId"/> points at the refunded line (0 otherwise).
/// </summary>
public sealed record RSeriesSaleLine
{
    public long SaleLineId { get; init; }
    public long SaleId { get; init; }
    public long ItemId { get; init; }
    public long ParentSaleLineId { get; init; }
    public long ShopId { get; init; }
    public long TaxClassId { get; init; }
    public DateTimeOffset? CreateTime { get; init; }
    public DateTimeOffset? TimeStamp { get; init; }
    public decimal UnitQuantity { get; init; }
    public decimal UnitPrice { get; init; }
    public decimal DiscountAmount { get; init; }
    /// <summary>Line discount as a fraction ("0.5" = 50 %).</summary>
    public decimal DiscountPercent { get; init; }
    public bool Tax { get; init; }
    public decimal Tax1Rate { get; init; }
    public decimal Tax2Rate { get; init; }
    public decimal DisplayableSubtotal { get; init; }
    public decimal CalcSubtotal { get; init; }
    public decimal CalcLineDiscount { get; init; }
    public decimal CalcTransactionDiscount { get; init; }
    public decimal CalcTax1 { get; init; }
    public decimal CalcTax2 { get; init; }
    public decimal CalcTotal { get; init; }

    internal static RSeriesSaleLine Parse(JsonElement e) => new()
    {
        SaleLineId = Wire.Long(e, "saleLineID"),
        SaleId = Wire.Long(e, "saleID"),
        ItemId = Wire.Long(e, "itemID"),
        ParentSaleLineId = Wire.Long(e, "parentSaleLineID"),
        ShopId = Wire.Long(e, "shopID"),
        TaxClassId = Wire.Long(e, "taxClassID"),
        CreateTime = Wire.Time(e, "createTime"),
        TimeStamp = Wire.Time(e, "timeStamp"),
        UnitQuantity = Wire.Decimal(e, "unitQuantity"),
        UnitPrice = Wire.Decimal(e, "unitPrice"),
        DiscountAmount = Wire.Decimal(e, "discountAmount"),
        DiscountPercent = Wire.Decimal(e, "discountPercent"),
        Tax = Wire.Bool(e, "tax"),
        Tax1Rate = Wire.Decimal(e, "tax1Rate"),
        Tax2Rate = Wire.Decimal(e, "tax2Rate"),
        DisplayableSubtotal = Wire.Decimal(e, "displayableSubtotal"),
        CalcSubtotal = Wire.Decimal(e, "calcSubtotal"),
        CalcLineDiscount = Wire.Decimal(e, "calcLineDiscount"),
        CalcTransactionDiscount = Wire.Decimal(e, "calcTransactionDiscount"),
        CalcTax1 = Wire.Decimal(e, "calcTax1"),
        CalcTax2 = Wire.Decimal(e, "calcTax2"),
        CalcTotal = Wire.Decimal(e, "calcTotal"),
    };
}

/// <summary>
/// A window of completed, non-voided sales. <see cref="From"/> is inclusive and <see cref="Until"/> exclusive;
/// the offsets are kept on the wire (Lightspeed accepts local-time filters).
/// </summary>
public sealed record RSeriesSalesQuery(DateTimeOffset From, DateTimeOffset Until)
{
    /// <summary>Only these shops (shopID, or shopID=IN,[…] for several), when non-empty.</summary>
    public IReadOnlyList<long> ShopIds { get; init; } = [];

    /// <summary>Only these registers (registerID=IN,[…]), when non-empty. At most 100 (Lightspeed's IN limit).</summary>
    public IReadOnlyList<long> RegisterIds { get; init; } = [];

    /// <summary>Load SaleLines (needed by the import; off for a cheap header-only scan).</summary>
    public bool IncludeLines { get; init; } = true;

    /// <summary>
    /// A change probe: the sales of the window whatever their state (voided, open, completed) whose last-modified
    /// time (timeStamp) is after this instant, sorted by it.
    /// </summary>
    public DateTimeOffset? ChangedAfter { get; init; }
}
