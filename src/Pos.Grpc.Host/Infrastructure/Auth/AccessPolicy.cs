using Grpc.Core;
using Pos.Grpc.Host.Infrastructure.Errors;

namespace Pos.Grpc.Host.Infrastructure.Auth;

/// <summary>
/// The one place for tenant checks and role rules. A resource of a client (or, for a regional
/// supervisor, a department) the caller cannot see answers NOT_FOUND, exactly like one that does not
/// exist; a visible resource the caller's roles may not change answers PERMISSION_DENIED.
/// </summary>
public static class AccessPolicy
{
    private enum Reach { AnyClient, OwnClients, OwnDepartments }

    private sealed record RoleGrant(Reach Reach, IReadOnlySet<Capability> Capabilities);

    private static readonly IReadOnlyDictionary<string, RoleGrant> Grants = new Dictionary<string, RoleGrant>
    {
        [PosRoles.Supervisor] = new(Reach.OwnClients, new HashSet<Capability>
        {
            Capability.Read, Capability.EditSettings, Capability.EditDepartmentPos, Capability.EditFieldMapping,
            Capability.AuthorizeLightspeed, Capability.RevokeConnection, Capability.RunImport, Capability.ConfirmWeeklyBalance,
        }),
        [PosRoles.RegionalSupervisor] = new(Reach.OwnDepartments, new HashSet<Capability>
        {
            Capability.Read, Capability.EditDepartmentPos, Capability.RunImport, Capability.ConfirmWeeklyBalance,
        }),
        [PosRoles.IntegrationContact] = new(Reach.AnyClient, new HashSet<Capability>
        {
            Capability.Read, Capability.ActivateConnection, Capability.RevokeConnection,
        }),
        [PosRoles.Support] = new(Reach.AnyClient, new HashSet<Capability> { Capability.Read, Capability.ReadFleet }),
        [PosRoles.Service] = new(Reach.AnyClient, new HashSet<Capability>
        {
            Capability.Read, Capability.ReadFleet, Capability.ManageDepartments, Capability.EditDepartmentPos, Capability.ManageFields,
            Capability.EditFieldMapping,
        }),
    };

    private static IEnumerable<RoleGrant> GrantsOf(Caller caller) =>
        caller.Roles.Where(Grants.ContainsKey).Select(r => Grants[r]);

    /// <summary>Client-wide resources (settings, fields, connections, jobs, the client itself).</summary>
    public static void EnsureClient(Caller caller, long clientId, Capability capability) =>
        EnsureClientResource(caller, clientId, capability, "client", $"clients/{clientId}");

    /// <summary>
    /// A client-wide resource found by its own id (a field, a connection, a job): when hidden, NOT_FOUND names
    /// that resource, exactly as for an id that does not exist, so ids of other clients cannot be probed.
    /// </summary>
    public static void EnsureClientResource(Caller caller, long clientId, Capability capability, string resourceType, string resourceName)
    {
        var visible = GrantsOf(caller).Where(g => g.Reach == Reach.AnyClient || caller.ClientIds.Contains(clientId)).ToList();
        if (visible.Count == 0) throw new NotFoundException(resourceType, resourceName);
        // Regional supervisors read client-wide things, but change only their departments.
        if (!visible.Any(g => g.Capabilities.Contains(capability) && (g.Reach != Reach.OwnDepartments || capability == Capability.Read)))
            throw Denied(capability);
    }

    /// <summary>A department (and everything of it: registers, weekly balance, its imports).</summary>
    public static void EnsureDepartment(Caller caller, long clientId, long departmentId, Capability capability)
    {
        var visible = GrantsOf(caller).Where(g => CanSee(caller, g, clientId, departmentId)).ToList();
        if (visible.Count == 0) throw new NotFoundException("department", $"departments/{departmentId}");
        if (!visible.Any(g => g.Capabilities.Contains(capability))) throw Denied(capability);
    }

    /// <summary>Requests about every client at once (no client to hide): PERMISSION_DENIED unless a role grants it.</summary>
    public static void EnsureFleet(Caller caller, Capability capability)
    {
        if (!HasCapability(caller, capability)) throw Denied(capability);
    }

    /// <summary>Whether the caller may do this anywhere at all; for requests that name no client yet.</summary>
    public static bool HasCapability(Caller caller, Capability capability) =>
        GrantsOf(caller).Any(g => g.Capabilities.Contains(capability));

    /// <summary>The departments of a client the caller may see; null means all of them.</summary>
    public static IReadOnlySet<long>? VisibleDepartments(Caller caller, long clientId) =>
        GrantsOf(caller).Any(g => g.Reach == Reach.AnyClient || (g.Reach == Reach.OwnClients && caller.ClientIds.Contains(clientId)))
            ? null
            : caller.DepartmentIds;

    private static bool CanSee(Caller caller, RoleGrant grant, long clientId, long departmentId) => grant.Reach switch
    {
        Reach.AnyClient => true,
        Reach.OwnClients => caller.ClientIds.Contains(clientId),
        _ => caller.ClientIds.Contains(clientId) && caller.DepartmentIds.Contains(departmentId),
    };

    private static PermissionDeniedException Denied(Capability capability) =>
        new($"Your roles do not allow {capability}.");
}

public static class CallerContextExtensions
{
    /// <summary>The caller of a gRPC call; the host requires authentication on every service.</summary>
    public static Caller GetCaller(this ServerCallContext context) => Caller.From(context.GetHttpContext().User);
}
