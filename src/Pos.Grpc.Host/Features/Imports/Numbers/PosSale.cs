namespace Pos.Grpc.Host.Features.Imports.Numbers;

/// <summary>
/// A sale as the numbers need it, independent of any POS's wire format: a POS adapter (e.g. the
/// Lightspeed one) maps its own sale type to this, so the aggregation never sees HTTP types.
/// </summary>
/// <param name="CompleteTime">When the sale was completed; its local hour and date decide where it counts.</param>
/// <param name="RegisterId">The POS register the sale was rung up on (Lightspeed <c>registerID</c>).</param>
/// <param name="ShopId">The POS shop (Lightspeed <c>shopID</c>); empty when the POS did not say.</param>
public sealed record PosSale(
    long SaleId,
    DateTimeOffset CompleteTime,
    bool Completed,
    bool Voided,
    bool Archived,
    string RegisterId,
    string ShopId,
    IReadOnlyList<PosSaleLine> Lines);

/// <summary>One line of a <see cref="PosSale"/>. Amounts as the POS calculated them (Lightspeed <c>calc*</c> fields).</summary>
/// <param name="Quantity">Negative for returned goods (refunds and the returned side of exchanges).</param>
/// <param name="CalcTotal">The line total after discounts, including tax.</param>
/// <param name="ParentSaleLineId">For a refund line the original sale line; 0 otherwise. Informational: a refund counts on its own day.</param>
public sealed record PosSaleLine(
    long SaleLineId,
    decimal Quantity,
    decimal CalcTotal,
    decimal CalcTax1,
    decimal CalcTax2,
    decimal CalcLineDiscount,
    decimal CalcTransactionDiscount,
    long ParentSaleLineId);
