using Pos.Grpc.Host.Domain;

namespace Pos.Grpc.Host.Features.Imports.Numbers;

/// <summary>
/// Turns one department-day's sales into its numbers, exactly as docs/domain.md section 5 defines them.
/// Sales are added one at a time (<see cref="Add"/>) so a streamed fetch is aggregated on the fly:
/// memory is one small array per day, however many sales it has. Pure: no I/O, no clock.
/// </summary>
public sealed class DayAggregator
{
    // Exact (unrounded) sums per register and hour interval; rounding happens once, in DayNumbers.
    internal const int Gross = 0, Discounts = 1, Returns = 2, Transactions = 3, GoodsSold = 4, ReturnedGoods = 5, SumCount = 6;

    private readonly DayScope _scope;
    private readonly Dictionary<string, int> _registerByTerminal;
    private readonly decimal[] _sums;
    private readonly bool[] _hasSales;
    private int _salesRead;
    private int _salesCounted;

    public DayAggregator(DayScope scope)
    {
        _scope = scope;
        _registerByTerminal = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < scope.TerminalNumbers.Count; i++) _registerByTerminal.TryAdd(scope.TerminalNumbers[i], i + 1);
        var cells = scope.RegisterCount * scope.IntervalStartsUtc.Count;
        _sums = new decimal[cells * SumCount];
        _hasSales = new bool[cells];
    }

    /// <summary>The numbers of a whole list of sales (tests, small callers).</summary>
    public static DayNumbers Aggregate(DayScope scope, IEnumerable<PosSale> sales)
    {
        var aggregator = new DayAggregator(scope);
        foreach (var sale in sales) aggregator.Add(sale);
        return aggregator.ToNumbers();
    }

    /// <summary>The numbers of a streamed fetch, aggregated as the sales arrive.</summary>
    public static async Task<DayNumbers> AggregateAsync(DayScope scope, IAsyncEnumerable<PosSale> sales, CancellationToken cancellationToken)
    {
        var aggregator = new DayAggregator(scope);
        await foreach (var sale in sales.WithCancellation(cancellationToken)) aggregator.Add(sale);
        return aggregator.ToNumbers();
    }

    /// <summary>Counts a sale into its register and local hour, or ignores it when it does not count for this department-day.</summary>
    public void Add(PosSale sale)
    {
        _salesRead++;
        // Open, voided and archived sales never count (the API excludes archived ones by default too).
        if (!sale.Completed || sale.Voided || sale.Archived) return;
        // Defensive: a source may return a little more than the window asked for.
        if (sale.CompleteTime < _scope.StartUtc || sale.CompleteTime >= _scope.EndUtc) return;
        // A sale that names another shop belongs to another department (a shop's registers are its own).
        if (_scope.ShopId is not null && sale.ShopId.Length > 0 && !string.Equals(sale.ShopId, _scope.ShopId, StringComparison.Ordinal)) return;
        var register = RegisterOf(sale.RegisterId);
        if (register == 0) return;

        var (date, intervalStartUtc) = TimeZones.LocalHourOf(sale.CompleteTime, _scope.Zone);
        if (date != _scope.Date) return;
        var hour = _scope.IntervalIndexOf(intervalStartUtc);
        if (hour < 0) return;

        var cell = (register - 1) * _scope.IntervalStartsUtc.Count + hour;
        var at = cell * SumCount;
        var hasSoldLine = false;
        foreach (var line in sale.Lines)
        {
            var amount = _scope.AmountsIncludeTax ? line.CalcTotal : line.CalcTotal - line.CalcTax1 - line.CalcTax2;
            var discount = line.CalcLineDiscount + line.CalcTransactionDiscount;
            // Per line, never per sale: an exchange has sold and returned lines in one sale.
            if (line.Quantity > 0)
            {
                _sums[at + Gross] += amount + discount;
                _sums[at + Discounts] += discount;
                _sums[at + GoodsSold] += line.Quantity;
                hasSoldLine = true;
            }
            else if (line.Quantity < 0)
            {
                _sums[at + Returns] += Math.Abs(amount);
                _sums[at + ReturnedGoods] += -line.Quantity;
            }
            // Quantity 0 (e.g. a note or a zeroed line) is neither sold nor returned.
        }
        if (hasSoldLine) _sums[at + Transactions] += 1;
        _hasSales[cell] = true;
        _salesCounted++;
    }

    /// <summary>The day's numbers so far, rounded for storing.</summary>
    public DayNumbers ToNumbers() => new(_scope, _sums, _hasSales, _salesRead, _salesCounted);

    /// <summary>1-based register of a POS register id; 0 when the sale belongs to a register of another department.</summary>
    private int RegisterOf(string registerId)
    {
        if (_scope.TerminalNumbers.Count == 0) return 1;
        return _registerByTerminal.TryGetValue(registerId, out var register) ? register : 0;
    }
}
