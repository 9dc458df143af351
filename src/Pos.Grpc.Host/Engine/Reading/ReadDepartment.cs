using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Engine.Reading;

/// <summary>
/// A department as a read of its account needs it: which of the account's sales are its own (docs/domain.md section 2:
/// its shop, if it has one; its terminal numbers, position N feeding register N; none = every register into
/// register 1), and the zone its local days are in.
/// </summary>
public sealed class ReadDepartment
{
    private readonly Dictionary<string, int> _registerByTerminal = new(StringComparer.Ordinal);

    /// <param name="zone">Its zone, resolved by <see cref="TimeZones.ForDepartment"/> (override, POS account, client).</param>
    public ReadDepartment(DepartmentEntity department, TimeZoneInfo zone)
    {
        Id = department.Id;
        ShopId = string.IsNullOrEmpty(department.PosShopId) ? null : department.PosShopId;
        TerminalNumbers = department.Registers.OrderBy(r => r.RegisterNumber).Select(r => r.PosRegisterId).ToList();
        for (var i = 0; i < TerminalNumbers.Count; i++) _registerByTerminal.TryAdd(TerminalNumbers[i], i + 1);
        Zone = zone;
    }

    public long Id { get; }
    public string? ShopId { get; }
    public IReadOnlyList<string> TerminalNumbers { get; }
    public TimeZoneInfo Zone { get; }
    public int RegisterCount => Math.Max(1, TerminalNumbers.Count);

    /// <summary>The weekly-balance register a sale of (shop, register) feeds in this department; 0 when it is not its sale.</summary>
    public int RegisterOf(string shopId, string registerId)
    {
        // A sale that names another shop belongs to another department (a shop's registers are its own).
        if (ShopId is not null && shopId.Length > 0 && !string.Equals(shopId, ShopId, StringComparison.Ordinal)) return 0;
        if (TerminalNumbers.Count == 0) return 1;
        return _registerByTerminal.GetValueOrDefault(registerId);
    }

    /// <summary>The UTC window of one of its local days.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) WindowOf(DateOnly date) =>
        (TimeZones.StartOfDayUtc(date, Zone), TimeZones.StartOfDayUtc(date.AddDays(1), Zone));
}

/// <summary>
/// Which department of a read a sale belongs to. The client's departments never claim the same sales (the overlap rule),
/// so at most one matches; a sale of no department of the read is dropped.
/// </summary>
public sealed class SaleRouter(IReadOnlyList<ReadDepartment> departments)
{
    private readonly ILookup<string, ReadDepartment> _byTerminal = departments
        .SelectMany(d => d.TerminalNumbers.Select(t => (Terminal: t, Department: d)))
        .ToLookup(x => x.Terminal, x => x.Department, StringComparer.Ordinal);

    private readonly IReadOnlyList<ReadDepartment> _everyRegister = departments.Where(d => d.TerminalNumbers.Count == 0).ToList();

    public IReadOnlyList<ReadDepartment> Departments => departments;

    /// <summary>The department and weekly-balance register of a sale; (null, 0) when it is none of theirs.</summary>
    public (ReadDepartment? Department, int Register) Route(string shopId, string registerId)
    {
        foreach (var department in _byTerminal[registerId].Concat(_everyRegister))
        {
            var register = department.RegisterOf(shopId, registerId);
            if (register > 0) return (department, register);
        }
        return (null, 0);
    }

    /// <summary>The narrowest filter covering every department of the run (see <see cref="ScopeOf"/>).</summary>
    public SalesScope Scope() => ScopeOf(departments);

    /// <summary>
    /// The narrowest filter covering <paramref name="departments"/>: their registers when all of them list terminal
    /// numbers (and their shops when all have one), else their shops when all have one, else the whole account.
    /// </summary>
    public static SalesScope ScopeOf(IReadOnlyCollection<ReadDepartment> departments)
    {
        var shops = departments.All(d => d.ShopId is not null) ? departments.Select(d => d.ShopId!).Distinct().Order().ToArray() : [];
        var registers = departments.All(d => d.TerminalNumbers.Count > 0)
            ? departments.SelectMany(d => d.TerminalNumbers).Distinct().Order().ToArray()
            : [];
        return new SalesScope(shops, registers);
    }
}
