namespace Pos.Grpc.Providers;

/// <summary>Whether a counted sale is a sale or a refund account (K-Series counts transactions and covers on sales only).</summary>
public enum PosSaleKind
{
    Sale = 0,
    Refund = 1,
}

/// <summary>
/// A sale as the numbers need it, whatever POS it came from. A provider yields only sales that count (its own rules:
/// completed and not voided for R-Series, not cancelled and of type SALE or REFUND for K-Series); what it skipped it
/// reports as <see cref="SalesPage.Skipped"/>.
/// </summary>
/// <param name="Time">When the sale counts (R-Series completeTime, K-Series timeClosed), UTC; its local hour and date decide where.</param>
/// <param name="ShopId">The POS shop (R-Series shopID); empty when the POS has no shops or did not say.</param>
/// <param name="RegisterId">The POS register (R-Series registerID, K-Series deviceId): what departments list as terminal numbers.</param>
/// <param name="Covers">Guests served (K-Series nbCovers); 0 where the POS does not say.</param>
public sealed record PosSale(
    DateTimeOffset Time,
    string ShopId,
    string RegisterId,
    PosSaleKind Kind,
    decimal Covers,
    IReadOnlyList<PosSaleLine> Lines);

/// <summary>
/// One line of a <see cref="PosSale"/>, after the provider's own exclusions (voided lines, tips, surcharges).
/// Amounts are after discounts; refunded lines carry negative quantities and amounts.
/// </summary>
/// <param name="Discount">The line's whole discount (line and transaction share), a positive amount.</param>
/// <param name="IsModifier">A modifier or component of another line (K-Series parentLineId): its money counts, its quantity does not.</param>
public readonly record struct PosSaleLine(
    decimal Quantity,
    decimal AmountExcludingTax,
    decimal AmountIncludingTax,
    decimal Discount,
    bool IsModifier = false);
