using Pos.Grpc.Contracts.FieldMapping.V1;

namespace Pos.Grpc.Host.Engine.Days;

/// <summary>A field's value in one hour interval, identified by the interval's UTC start.</summary>
public readonly record struct HourValue(DateTimeOffset StartUtc, decimal Value);

/// <summary>
/// One department-day's numbers as they are stored: per weekly-balance register and POS field type, the
/// value of every hour interval and of the day. Rounding (to cents, half away from zero) is applied once,
/// to each hour's exact sum; every day value is the sum of its rounded hours, so day = Σ intervals holds
/// exactly and a field's day value does not depend on whether it is split into intervals. Net sales of an
/// hour is computed from the rounded gross, discounts and returns, so net = gross − discounts − returns
/// holds exactly too, per hour and per day.
/// </summary>
public sealed class DayNumbers
{
    /// <summary>Every POS field type the aggregation computes; which of them a POS really provides is its provider's to say.</summary>
    public static readonly IReadOnlyList<PosFieldType> ProvidedTypes =
    [
        PosFieldType.GrossSales, PosFieldType.NetSales, PosFieldType.Discounts, PosFieldType.Returns,
        PosFieldType.Transactions, PosFieldType.GoodsSold, PosFieldType.ReturnedGoods, PosFieldType.Visitors,
    ];

    private static readonly int TypeCount = ProvidedTypes.Count;

    private readonly DayScope _scope;
    private readonly int _hourCount;
    private readonly decimal[] _hourValues; // [register-1][hour][type]
    private readonly decimal[] _dayValues;  // [register-1][type]
    private readonly bool[] _hasSales;      // [register-1][hour]

    internal DayNumbers(DayScope scope, decimal[] exactSums, bool[] hasSales, int salesRead, int salesCounted)
    {
        _scope = scope;
        Date = scope.Date;
        StartUtc = scope.StartUtc;
        EndUtc = scope.EndUtc;
        IntervalStartsUtc = scope.IntervalStartsUtc;
        RegisterCount = scope.RegisterCount;
        SalesRead = salesRead;
        SalesCounted = salesCounted;
        _hourCount = scope.IntervalStartsUtc.Count;
        _hasSales = (bool[])hasSales.Clone();
        _hourValues = new decimal[RegisterCount * _hourCount * TypeCount];
        _dayValues = new decimal[RegisterCount * TypeCount];

        for (var cell = 0; cell < RegisterCount * _hourCount; cell++)
        {
            var sums = cell * DayAggregator.SumCount;
            var gross = ToCents(exactSums[sums + DayAggregator.Gross]);
            var discounts = ToCents(exactSums[sums + DayAggregator.Discounts]);
            var returns = ToCents(exactSums[sums + DayAggregator.Returns]);
            var values = cell * TypeCount;
            _hourValues[values + IndexOf(PosFieldType.GrossSales)] = gross;
            _hourValues[values + IndexOf(PosFieldType.NetSales)] = gross - discounts - returns;
            _hourValues[values + IndexOf(PosFieldType.Discounts)] = discounts;
            _hourValues[values + IndexOf(PosFieldType.Returns)] = returns;
            _hourValues[values + IndexOf(PosFieldType.Transactions)] = ToCents(exactSums[sums + DayAggregator.Transactions]);
            _hourValues[values + IndexOf(PosFieldType.GoodsSold)] = ToCents(exactSums[sums + DayAggregator.GoodsSold]);
            _hourValues[values + IndexOf(PosFieldType.ReturnedGoods)] = ToCents(exactSums[sums + DayAggregator.ReturnedGoods]);
            _hourValues[values + IndexOf(PosFieldType.Visitors)] = ToCents(exactSums[sums + DayAggregator.Visitors]);

            var day = cell / _hourCount * TypeCount;
            for (var type = 0; type < TypeCount; type++) _dayValues[day + type] += _hourValues[values + type];
        }
    }

    public DateOnly Date { get; }

    /// <summary>UTC instant the local day begins.</summary>
    public DateTimeOffset StartUtc { get; }

    /// <summary>UTC instant the next local day begins.</summary>
    public DateTimeOffset EndUtc { get; }

    /// <summary>UTC starts of the day's 23, 24 or 25 hour intervals, in time order.</summary>
    public IReadOnlyList<DateTimeOffset> IntervalStartsUtc { get; }

    /// <summary>Weekly-balance registers 1..RegisterCount of the department.</summary>
    public int RegisterCount { get; }

    /// <summary>Sales handed to the aggregation, counted or not.</summary>
    public int SalesRead { get; }

    /// <summary>Sales that counted into this day.</summary>
    public int SalesCounted { get; }

    /// <summary>The day value of a register and field type: the sum of its hour values.</summary>
    public decimal Day(int register, PosFieldType type) => _dayValues[(CheckRegister(register) - 1) * TypeCount + IndexOf(type)];

    /// <summary>The value of one hour interval (by its UTC start); 0 for an hour without sales or outside the day.</summary>
    public decimal Hour(int register, PosFieldType type, DateTimeOffset intervalStartUtc)
    {
        var hour = _scope.IntervalIndexOf(intervalStartUtc);
        return hour < 0 ? 0m : _hourValues[((CheckRegister(register) - 1) * _hourCount + hour) * TypeCount + IndexOf(type)];
    }

    /// <summary>Whether the register had at least one counted sale in the hour interval starting at <paramref name="intervalStartUtc"/>.</summary>
    public bool HadSales(int register, DateTimeOffset intervalStartUtc)
    {
        var hour = _scope.IntervalIndexOf(intervalStartUtc);
        return hour >= 0 && _hasSales[(CheckRegister(register) - 1) * _hourCount + hour];
    }

    /// <summary>
    /// The hour values of a register and field type for the hours in which the register had at least one
    /// counted sale, in time order (a value may be 0, e.g. returns in an hour without returns). Hours
    /// without sales are left out: their value is 0 and the day value is the sum of these.
    /// </summary>
    public IReadOnlyList<HourValue> Hours(int register, PosFieldType type)
    {
        var first = (CheckRegister(register) - 1) * _hourCount;
        var index = IndexOf(type);
        var hours = new List<HourValue>();
        for (var hour = 0; hour < _hourCount; hour++)
            if (_hasSales[first + hour]) hours.Add(new HourValue(IntervalStartsUtc[hour], _hourValues[(first + hour) * TypeCount + index]));
        return hours;
    }

    /// <summary>Storage rounding: to cents, half away from zero (numeric(18,2) columns).</summary>
    public static decimal ToCents(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static int IndexOf(PosFieldType type) => type switch
    {
        PosFieldType.GrossSales => 0,
        PosFieldType.NetSales => 1,
        PosFieldType.Discounts => 2,
        PosFieldType.Returns => 3,
        PosFieldType.Transactions => 4,
        PosFieldType.GoodsSold => 5,
        PosFieldType.ReturnedGoods => 6,
        PosFieldType.Visitors => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a POS number."),
    };

    private int CheckRegister(int register) =>
        register >= 1 && register <= RegisterCount
            ? register
            : throw new ArgumentOutOfRangeException(nameof(register), register, $"Registers are 1-{RegisterCount}.");
}
