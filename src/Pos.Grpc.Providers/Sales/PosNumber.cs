namespace Pos.Grpc.Providers;

/// <summary>The numbers a POS can provide for the weekly balance (the contract's POS field types).</summary>
public enum PosNumber
{
    GrossSales,
    NetSales,
    Discounts,
    Returns,
    Transactions,
    GoodsSold,
    ReturnedGoods,
    Visitors,
}
