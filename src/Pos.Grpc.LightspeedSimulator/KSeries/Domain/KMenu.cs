namespace Pos.Grpc.LightspeedSimulator.KSeries.Domain;

/// <summary>The sandbox restaurant's menu (prices in the location's currency, on its tax basis).</summary>
public static class KMenu
{
    private static KMenuItem Item(string sku, string name, decimal price, long groupId, string group) => new(sku, name, price, groupId, group);

    public static readonly KMenuItem[] Starters =
    [
        Item("101", "Beef tartare", 95m, 11, "Starters"), Item("102", "Soup of the day", 75m, 11, "Starters"),
        Item("103", "Burrata", 110m, 11, "Starters"),
    ];

    public static readonly KMenuItem[] Mains =
    [
        Item("201", "Burger", 165m, 12, "Mains"), Item("202", "Steak frites", 245m, 12, "Mains"),
        Item("203", "Fish of the day", 225m, 12, "Mains"), Item("204", "Mushroom risotto", 185m, 12, "Mains"),
    ];

    /// <summary>Sold by weight: the quantity is in kg with three decimals.</summary>
    public static readonly KMenuItem RibeyeByKg = Item("205", "Ribeye (per kg)", 650m, 12, "Mains");

    public static readonly KMenuItem[] Desserts =
    [
        Item("301", "Crème brûlée", 85m, 13, "Desserts"), Item("302", "Cheese plate", 120m, 13, "Desserts"),
    ];

    public static readonly KMenuItem[] Drinks =
    [
        Item("401", "Draught beer", 65m, 14, "Drinks"), Item("402", "House wine, glass", 85m, 14, "Drinks"),
        Item("403", "Sparkling water", 45m, 14, "Drinks"), Item("404", "Coffee", 40m, 14, "Drinks"),
        Item("405", "Lemonade", 45m, 14, "Drinks"), Item("406", "Wine, bottle", 425m, 14, "Drinks"),
    ];

    /// <summary>Child lines (parentLineId): their money counts, their quantity does not.</summary>
    public static readonly KMenuItem[] Modifiers =
    [
        Item("901", "Extra bacon", 20m, 12, "Mains"), Item("902", "Extra cheese", 15m, 12, "Mains"),
        Item("903", "Medium rare", 0m, 12, "Mains"), Item("904", "Side of fries", 35m, 12, "Mains"),
    ];

    public static readonly string[] VoidReasons = ["Broken", "Cooking", "Other", "Taste", "Unhappy Client", "User Mistake", "Waited too long"];

    /// <summary>Any item by sku, for injected sales; unknown skus get a generic item at the given price.</summary>
    public static KMenuItem Find(string? sku, string? name, decimal unitPrice) =>
        new(sku ?? "999", name ?? "Item", unitPrice, 10, "Food");
}
