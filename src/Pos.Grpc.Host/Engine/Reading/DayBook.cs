using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Days;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Engine.Reading;

/// <summary>
/// The department-days one job is reading from one account, and when each of them is complete. Sales arrive from one
/// or more reads (<see cref="Cover"/>s: time ranges of the account, each sorted by time); every sale goes to its
/// department's local day, and a day closes as soon as every read overlapping it has passed its end (its own zone:
/// 23- and 25-hour days included). Only days with sales hold an aggregator, a small array: memory does not grow with
/// the range. Thread-safe: parallel reads of one account share it.
/// </summary>
public sealed class DayBook
{
    private readonly Lock _lock = new();
    private readonly SaleRouter _router;
    private readonly bool _amountsIncludeTax;
    private readonly Dictionary<(long DepartmentId, DateOnly Date), OpenDay> _days = [];
    private int _open;

    public DayBook(SaleRouter router, IEnumerable<PendingDay> pending, bool amountsIncludeTax)
    {
        _router = router;
        _amountsIncludeTax = amountsIncludeTax;
        var departments = router.Departments.ToDictionary(d => d.Id);
        foreach (var day in pending)
        {
            if (!departments.TryGetValue(day.DepartmentId, out var department)) continue;
            var (start, end) = department.WindowOf(day.Date);
            _days[(day.DepartmentId, day.Date)] = new OpenDay(day, department, start, end);
        }
        _open = _days.Count;
    }

    /// <summary>The days still open (not closed, not given up).</summary>
    public int OpenDays => Volatile.Read(ref _open);

    /// <summary>
    /// Shorter than a day: the edge where departments in other zones start or end their day earlier. Read with its
    /// neighbour (a few hours of another department's sales) rather than as a range of its own.
    /// </summary>
    private static readonly TimeSpan ShortestSeparateRange = TimeSpan.FromHours(20);

    /// <summary>
    /// The UTC ranges the open days span: what must be read, each range once (ranges never overlap, so no sale is
    /// counted twice). Where the same departments have open days, touching and overlapping windows are one range;
    /// where a whole day is another set of departments', a new range starts, so a night that reads yesterday for
    /// every department and a changed trailing day for one of them asks the POS for that day of that department alone.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset From, DateTimeOffset Until)> Ranges()
    {
        lock (_lock)
        {
            var open = _days.Values.Where(d => !d.Closed).ToList();
            var boundaries = open.SelectMany(d => new[] { d.Start, d.End }).Distinct().Order().ToList();
            var ranges = new List<(DateTimeOffset From, DateTimeOffset Until, HashSet<long> Departments)>();
            for (var i = 0; i + 1 < boundaries.Count; i++)
            {
                var (from, until) = (boundaries[i], boundaries[i + 1]);
                var departments = open.Where(d => d.Start <= from && d.End >= until).Select(d => d.Department.Id).ToHashSet();
                if (departments.Count == 0) continue;
                var joins = ranges.Count > 0 && ranges[^1].Until == from && (ranges[^1].Departments.SetEquals(departments)
                    || ranges[^1].Until - ranges[^1].From < ShortestSeparateRange || until - from < ShortestSeparateRange);
                if (joins)
                {
                    ranges[^1].Departments.UnionWith(departments);
                    ranges[^1] = (ranges[^1].From, until, ranges[^1].Departments);
                }
                else ranges.Add((from, until, departments));
            }
            return ranges.Select(r => (r.From, r.Until)).ToList();
        }
    }

    /// <summary>The departments whose days wait for <paramref name="cover"/>: what its read must ask the POS for.</summary>
    public IReadOnlyList<ReadDepartment> DepartmentsOf(Cover cover)
    {
        lock (_lock) return cover.Days.Select(d => d.Department).Distinct().ToList();
    }

    /// <summary>Registers a read of [from, until): every open day it overlaps waits for it too.</summary>
    public Cover Open(DateTimeOffset from, DateTimeOffset until)
    {
        lock (_lock)
        {
            var cover = new Cover(from, until);
            foreach (var day in _days.Values)
                if (!day.Closed && day.Start < until && day.End > from) Attach(cover, day);
            return cover;
        }
    }

    /// <summary>
    /// Splits a read at <paramref name="at"/>: it keeps [From, at), the returned new one takes [at, Until). Days on the
    /// far side stop waiting for the old read, days across the split wait for both.
    /// </summary>
    public Cover Split(Cover cover, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (at <= cover.ReadThrough || at >= cover.Until) throw new ArgumentOutOfRangeException(nameof(at), "The split point must lie ahead of the read.");
            var tail = new Cover(at, cover.Until);
            cover.Until = at;
            foreach (var day in cover.Days.ToList())
            {
                if (day.End > at) Attach(tail, day);
                if (day.Start >= at) Detach(cover, day);
            }
            return tail;
        }
    }

    /// <summary>
    /// Counts a page of <paramref name="cover"/> into its days and moves the read to the page's ReadThrough; returns the
    /// days that are complete now. Sales at or past the read's end belong to the read that took over after a split.
    /// </summary>
    public IReadOnlyList<ClosedDay> Add(Cover cover, SalesPage page)
    {
        lock (_lock)
        {
            foreach (var sale in page.Sales)
            {
                if (sale.Time >= cover.Until || sale.Time < cover.From) continue;
                var (department, register) = _router.Route(sale.ShopId, sale.RegisterId);
                // Sales of other registers, and of days not in this job (done already, or outside the range), are not counted.
                if (department is null
                    || !_days.TryGetValue((department.Id, TimeZones.LocalDateOf(sale.Time, department.Zone)), out var day)
                    || day.Closed || !day.Covers.Contains(cover))
                    continue;
                (day.Aggregator ??= new DayAggregator(ScopeOf(day))).Add(sale, register);
            }
            return Advance(cover, page.ReadThrough < cover.Until ? page.ReadThrough : cover.Until);
        }
    }

    /// <summary>The read reached its end: everything it covers is read.</summary>
    public IReadOnlyList<ClosedDay> Finish(Cover cover)
    {
        lock (_lock) return Advance(cover, cover.Until);
    }

    /// <summary>
    /// The read failed: the days it still owed are given up in this book (other reads stop filling them) and returned,
    /// to be retried as a whole later.
    /// </summary>
    public IReadOnlyList<PendingDay> Abandon(Cover cover)
    {
        lock (_lock)
        {
            var owed = cover.Days.Where(d => !d.Closed).ToList();
            foreach (var day in owed)
            {
                Close(day);
                foreach (var other in day.Covers.ToList()) Detach(other, day);
            }
            return owed.Select(d => d.Pending).ToList();
        }
    }

    /// <summary>The run stops for good (the account cannot be read): every day still open is given up and returned.</summary>
    public IReadOnlyList<PendingDay> AbandonAll()
    {
        lock (_lock)
        {
            var owed = _days.Values.Where(d => !d.Closed).ToList();
            foreach (var day in owed)
            {
                Close(day);
                foreach (var cover in day.Covers.ToList()) Detach(cover, day);
            }
            return owed.Select(d => d.Pending).ToList();
        }
    }

    private IReadOnlyList<ClosedDay> Advance(Cover cover, DateTimeOffset to)
    {
        if (to > cover.ReadThrough) cover.ReadThrough = to;
        var closed = new List<ClosedDay>();
        foreach (var day in cover.Days.ToList())
        {
            // The read has all of its part of the day once it passed the day's end (or its own end, inside the day).
            var owedUntil = day.End < cover.Until ? day.End : cover.Until;
            if (owedUntil > cover.ReadThrough) continue;
            Detach(cover, day);
            if (day.Covers.Count > 0 || day.Closed) continue;
            Close(day);
            var numbers = (day.Aggregator ?? new DayAggregator(ScopeOf(day))).ToNumbers();
            closed.Add(new ClosedDay(day.Pending, numbers));
            day.Aggregator = null;
        }
        return closed;
    }

    private void Close(OpenDay day)
    {
        day.Closed = true;
        _open--;
    }

    private DayScope ScopeOf(OpenDay day) => new(day.Pending.Date, day.Department.Zone, day.Department.RegisterCount, _amountsIncludeTax);

    private static void Attach(Cover cover, OpenDay day)
    {
        cover.Days.Add(day);
        day.Covers.Add(cover);
    }

    private static void Detach(Cover cover, OpenDay day)
    {
        cover.Days.Remove(day);
        day.Covers.Remove(cover);
    }

    /// <summary>One read of the account: a time range, how far it has come, and the open days waiting for it.</summary>
    public sealed class Cover(DateTimeOffset from, DateTimeOffset until)
    {
        public DateTimeOffset From { get; } = from;
        public DateTimeOffset Until { get; internal set; } = until;
        public DateTimeOffset ReadThrough { get; internal set; } = from;
        internal HashSet<OpenDay> Days { get; } = [];
    }

    internal sealed class OpenDay(PendingDay pending, ReadDepartment department, DateTimeOffset start, DateTimeOffset end)
    {
        public PendingDay Pending { get; } = pending;
        public ReadDepartment Department { get; } = department;
        public DateTimeOffset Start { get; } = start;
        public DateTimeOffset End { get; } = end;
        public HashSet<Cover> Covers { get; } = [];
        public DayAggregator? Aggregator { get; set; }
        public bool Closed { get; set; }
    }
}

/// <summary>A department-day read in full: its numbers, ready to be written.</summary>
public sealed record ClosedDay(PendingDay Day, DayNumbers Numbers);
