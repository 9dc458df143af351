using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Features.Settings;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Host.Infrastructure.Validation;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Features.Departments;

/// <summary>
/// The rules of departments (docs/domain.md section 2): shapes of fields, consistency of the whole, the client's
/// settings they depend on, and rules that span departments of a client.
/// </summary>
public static class DepartmentRules
{
    public const int MaxTerminalNumbers = 100;

    private static readonly string PosIdRule = $"must be a Lightspeed id: 1-{FieldRules.MaxPosIdLength} digits, not zero";

    public static readonly IReadOnlySet<string> WritableFields = new HashSet<string>
    {
        "name", "pos_client_number", "pos_shop_id", "pos_terminal_numbers", "time_zone",
    };

    /// <summary>
    /// Copies the masked fields of <paramref name="source"/> onto <paramref name="target"/>, naming every bad one,
    /// then checks the draft as a whole. Bad values are copied too: the caller throws before anything is stored,
    /// and the whole-draft rule should judge what was asked for, not what was stored.
    /// </summary>
    internal static void Apply(Department source, IReadOnlySet<string> paths, DepartmentDraft target, Violations violations)
    {
        if (paths.Contains("name"))
        {
            target.Name = violations.RequireText(source.Name, "department.name", FieldRules.MaxNameLength);
        }
        if (paths.Contains("pos_client_number"))
            target.PosClientNumber = OptionalPosId(source.PosClientNumber, "department.pos_client_number", violations);
        if (paths.Contains("pos_shop_id"))
            target.PosShopId = OptionalPosId(source.PosShopId, "department.pos_shop_id", violations);
        if (paths.Contains("pos_terminal_numbers"))
        {
            target.TerminalNumbers = source.PosTerminalNumbers.ToList();
            CheckTerminalNumbers(target.TerminalNumbers, violations);
        }
        if (paths.Contains("time_zone"))
        {
            var zone = TimeZones.CanonicalName(source.TimeZone);
            target.TimeZone = source.TimeZone.Length == 0 ? null : zone ?? source.TimeZone;
            violations.AddIf(target.TimeZone is not null && zone is null, "department.time_zone",
                $"'{source.TimeZone}' is not an IANA time zone such as \"Europe/Copenhagen\"; leave it empty to use the client's");
        }

        // Shops and registers are ids inside a Lightspeed account: without the account they name nothing.
        violations.AddIf(target.PosClientNumber is null && (target.PosShopId is not null || target.TerminalNumbers.Count > 0),
            "department.pos_client_number", "is required when pos_shop_id or pos_terminal_numbers are set");
    }

    private static string? OptionalPosId(string value, string field, Violations violations)
    {
        if (value.Length == 0) return null;
        violations.AddIf(!FieldRules.IsPosId(value), field, PosIdRule);
        return value;
    }

    private static void CheckTerminalNumbers(IReadOnlyList<string> numbers, Violations violations)
    {
        if (numbers.Count > MaxTerminalNumbers)
        {
            // One violation, not one per entry: a huge list would otherwise make a huge error.
            violations.Add("department.pos_terminal_numbers", $"must have at most {MaxTerminalNumbers} entries, has {numbers.Count}");
            return;
        }
        var firstIndexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < numbers.Count; i++)
        {
            var field = $"department.pos_terminal_numbers[{i}]";
            if (!FieldRules.IsPosId(numbers[i]))
                violations.Add(field, PosIdRule);
            else if (!firstIndexOf.TryAdd(numbers[i], i))
                violations.Add(field, $"repeats pos_terminal_numbers[{firstIndexOf[numbers[i]]}]; a register can feed only one weekly-balance register");
        }
    }

    /// <summary>
    /// What the client's general settings say about a department's POS fields. Its POS must have shops for a shop id
    /// (<see cref="HasShops"/>): INVALID_ARGUMENT naming department.pos_shop_id. Terminal numbers split a department into
    /// several weekly-balance registers, which the client must have turned on: FAILED_PRECONDITION. Call inside
    /// <see cref="ClientConfigurationLock"/>'s transaction, so the settings cannot change meanwhile.
    /// </summary>
    internal static async Task EnsureFitsSettingsAsync(PosDbContext db, long clientId, DepartmentDraft draft, CancellationToken cancellationToken)
    {
        if (draft.PosShopId is null && draft.TerminalNumbers.Count == 0) return;
        var settings = await db.GetOrDefaultAsync(clientId, cancellationToken);
        new Violations().AddIf(draft.PosShopId is not null && !HasShops(settings.PosIntegrationService), "department.pos_shop_id",
            NoShopsRule).ThrowIfAny();
        if (draft.TerminalNumbers.Count > 0 && !settings.MultiCashRegisters)
            throw new PreconditionFailedException("MULTI_CASH_REGISTERS_OFF", "SETTINGS", $"clients/{clientId}/settings/multi_cash_registers",
                "POS terminal numbers need multi cash registers turned on in the client's general settings.");
    }

    private const string NoShopsRule = "must be empty: Lightspeed Restaurant (K-Series) has no shops; the POS client number (the business location id) "
                                       + "and the terminal numbers (device ids) name a department's sales";

    /// <summary>
    /// Whether a client's POS integration service knows shops inside an account. Lightspeed Restaurant (K-Series) does not:
    /// its POS client number is a business location, the whole place. A client without a service yet may set shops (R-Series, the first).
    /// </summary>
    public static bool HasShops(int storedService) => PosProviders.SystemOf(storedService) != PosSystem.LightspeedKSeries;

    /// <summary>A client's POS integration service can become K-Series only when none of its departments has a shop id.</summary>
    public static async Task EnsureNoShopIdsAsync(PosDbContext db, long clientId, CancellationToken cancellationToken)
    {
        var withShops = await db.Departments
            .Where(d => d.ClientId == clientId && d.PosShopId != null)
            .OrderBy(d => d.Id).Select(d => d.Id).Take(10).ToListAsync(cancellationToken);
        if (withShops.Count > 0)
            throw new PreconditionFailedException("SHOP_IDS_IN_USE", withShops.Select(id => new PreconditionViolation(
                "DEPARTMENT", $"departments/{id}/pos_shop_id",
                "Lightspeed Restaurant (K-Series) has no shops: clear the departments' POS shop ids first.")).ToArray());
    }

    /// <summary>
    /// No two departments of a client may claim the same sales. Call inside <see cref="ClientConfigurationLock"/>'s
    /// transaction. The rule spans departments the caller may not see (a regional supervisor's are a few of the
    /// client's): such a department is reported by its scope only, never by its id or name.
    /// </summary>
    /// <param name="visible">The departments the caller may see; null for all of them (<see cref="AccessPolicy.VisibleDepartments"/>).</param>
    internal static async Task EnsureNoScopeOverlapAsync(PosDbContext db, long clientId, long departmentId, PosScope scope,
        IReadOnlySet<long>? visible, CancellationToken cancellationToken)
    {
        if (!scope.ClaimsAnything) return;
        var sameAccount = await db.Departments.AsNoTracking()
            .Include(d => d.Registers)
            .Where(d => d.ClientId == clientId && d.Id != departmentId && d.PosClientNumber == scope.Account)
            .OrderBy(d => d.Id)
            .ToListAsync(cancellationToken);
        if (sameAccount.FirstOrDefault(d => scope.Overlaps(PosScope.Of(d))) is not { } other) return;
        var (name, described) = visible is null || visible.Contains(other.Id)
            ? ($"departments/{other.Id}", $"department {other.Id} '{other.Name}'")
            : ("departments/-", "another department of the client");
        throw new AlreadyExistsException("pos_scope", name,
            $"The POS scope ({scope}) overlaps {described} ({PosScope.Of(other)}): "
            + "its sales would be counted twice. Use different shops or disjoint terminal numbers.");
    }

    /// <summary>Multi cash registers can only be turned off when no department of the client has terminal numbers.</summary>
    public static async Task EnsureNoTerminalNumbersAsync(PosDbContext db, long clientId, CancellationToken cancellationToken)
    {
        var withTerminals = await db.Departments
            .Where(d => d.ClientId == clientId && d.Registers.Any())
            .OrderBy(d => d.Id).Select(d => d.Id).Take(10).ToListAsync(cancellationToken);
        if (withTerminals.Count > 0)
            throw new PreconditionFailedException("TERMINAL_NUMBERS_IN_USE", withTerminals.Select(id => new PreconditionViolation(
                "DEPARTMENT", $"departments/{id}/pos_terminal_numbers",
                "Multi cash registers cannot be turned off while departments have POS terminal numbers; clear them first.")).ToArray());
    }
}
