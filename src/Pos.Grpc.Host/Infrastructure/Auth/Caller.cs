using System.Security.Claims;

namespace Pos.Grpc.Host.Infrastructure.Auth;

/// <summary>The authenticated caller as our tokens describe it.</summary>
public sealed record Caller(string Subject, IReadOnlySet<string> Roles, IReadOnlySet<long> ClientIds, IReadOnlySet<long> DepartmentIds)
{
    public static Caller From(ClaimsPrincipal principal)
    {
        static HashSet<long> Ids(ClaimsPrincipal p, string type) =>
            p.FindAll(type).Select(c => long.TryParse(c.Value, out var id) ? id : 0).Where(id => id > 0).ToHashSet();

        return new Caller(
            principal.FindFirst(PosClaims.Subject)?.Value ?? "unknown",
            principal.FindAll(PosClaims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            Ids(principal, PosClaims.Client),
            Ids(principal, PosClaims.Department));
    }
}
