using Pos.Grpc.Host.Domain;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Engine.Days;

/// <summary>
/// Turns one department-day's counted sales into its numbers, as docs/domain.md defines them for every POS: per line,
/// never per sale (an exchange has sold and returned lines in one sale). Which sales count, and what a line's amount
/// and discount are, is the POS provider's (R-Series and K-Series differ); the rules here are the same for both.
/// Sales are added one at a time, so a streamed read is aggregated on the fly: memory is one small array per day,
/// however many sales it has. Pure: no I/O, no clock.
/// </summary>
public sealed class DayAggregator(DayScope scope)
{
    // Exact (unrounded) sums per register and hour interval; rounding happens once, in DayNumbers.
    internal const int Gross = 0, Discounts = 1, Returns = 2, Transactions = 3, GoodsSold = 4, ReturnedGoods = 5, Visitors = 6, SumCount = 7;

    private readonly decimal[] _sums = new decimal[scope.RegisterCount * scope.IntervalStartsUtc.Count * SumCount];
    private readonly bool[] _hasSales = new bool[scope.RegisterCount * scope.IntervalStartsUtc.Count];

    public DayScope Scope => scope;

    /// <summary>Sales added, counted into the day or not.</summary>
    public int SalesRead { get; private set; }

    /// <summary>Sales that fell into the day and were counted.</summary>
    public int SalesCounted { get; private set; }

    /// <summary>The numbers of a whole list of sales, all of register 1 (tests, small callers).</summary>
    public static DayNumbers Aggregate(DayScope scope, IEnumerable<PosSale> sales, Func<PosSale, int>? registerOf = null)
    {
        var aggregator = new DayAggregator(scope);
        foreach (var sale in sales) aggregator.Add(sale, registerOf?.Invoke(sale) ?? 1);
        return aggregator.ToNumbers();
    }

    /// <summary>Counts a sale into weekly-balance register <paramref name="register"/> and its local hour; a sale of another day is ignored.</summary>
    public void Add(PosSale sale, int register)
    {
        SalesRead++;
        // Defensive: a read may return a little more than the window asked for.
        if (sale.Time < scope.StartUtc || sale.Time >= scope.EndUtc || register < 1 || register > scope.RegisterCount) return;
        var (date, intervalStartUtc) = TimeZones.LocalHourOf(sale.Time, scope.Zone);
        if (date != scope.Date) return;
        var hour = scope.IntervalIndexOf(intervalStartUtc);
        if (hour < 0) return;

        var cell = (register - 1) * scope.IntervalStartsUtc.Count + hour;
        var at = cell * SumCount;
        var hasSoldLine = false;
        foreach (var line in sale.Lines)
        {
            var amount = scope.AmountsIncludeTax ? line.AmountIncludingTax : line.AmountExcludingTax;
            if (line.Quantity > 0)
            {
                _sums[at + Gross] += amount + line.Discount;
                _sums[at + Discounts] += line.Discount;
                if (!line.IsModifier) _sums[at + GoodsSold] += line.Quantity;
                hasSoldLine = true;
            }
            else if (line.Quantity < 0)
            {
                _sums[at + Returns] += Math.Abs(amount);
                if (!line.IsModifier) _sums[at + ReturnedGoods] += -line.Quantity;
            }
            // Quantity 0 (a note or a zeroed line) is neither sold nor returned.
        }
        if (sale.Kind == PosSaleKind.Sale)
        {
            if (hasSoldLine) _sums[at + Transactions] += 1;
            _sums[at + Visitors] += sale.Covers;
        }
        _hasSales[cell] = true;
        SalesCounted++;
    }

    /// <summary>The day's numbers so far, rounded for storing.</summary>
    public DayNumbers ToNumbers() => new(scope, _sums, _hasSales, SalesRead, SalesCounted);
}
