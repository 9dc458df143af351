namespace Pos.Grpc.Host.Infrastructure.Auth;

/// <summary>The roles a token can carry (docs/domain.md section 7).</summary>
public static class PosRoles
{
    public const string Supervisor = "supervisor";
    public const string RegionalSupervisor = "regional_supervisor";
    public const string IntegrationContact = "integration_contact";
    public const string Support = "support";
    public const string Service = "service";

    public static readonly IReadOnlyList<string> All = [Supervisor, RegionalSupervisor, IntegrationContact, Support, Service];
}

/// <summary>Claim names of our tokens.</summary>
public static class PosClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Client = "client_id";
    public const string Department = "department_id";
}
