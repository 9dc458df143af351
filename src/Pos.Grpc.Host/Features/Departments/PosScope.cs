using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.Departments;

/// <summary>
/// The slice of Lightspeed sales a department imports: an account, optionally narrowed to one shop and to
/// a list of registers. Two departments of a client must not claim the same sales, or they would be counted twice.
/// </summary>
public sealed class PosScope(string? account, string? shop, IReadOnlyList<string> registers)
{
    public string? Account { get; } = account;
    public string? Shop { get; } = shop;
    public IReadOnlyList<string> Registers { get; } = registers;

    /// <summary>A department without a POS client number imports nothing, so it claims nothing.</summary>
    public bool ClaimsAnything => Account is not null;

    public static PosScope Of(DepartmentEntity department) =>
        new(department.PosClientNumber, department.PosShopId, DepartmentMapper.TerminalNumbers(department));

    /// <summary>
    /// Same account, and shops that can meet (one of them is "every shop", or they are equal), and registers
    /// that can meet (one of them is "every register", or the lists share one).
    /// </summary>
    public bool Overlaps(PosScope other) =>
        ClaimsAnything
        && Account == other.Account
        && (Shop is null || other.Shop is null || Shop == other.Shop)
        && (Registers.Count == 0 || other.Registers.Count == 0 || Registers.Intersect(other.Registers).Any());

    public override string ToString() =>
        $"account {Account}, {(Shop is null ? "every shop" : $"shop {Shop}")}, "
        + (Registers.Count == 0 ? "every register" : $"registers {string.Join(", ", Registers)}");
}
