namespace Pos.Grpc.Host.Infrastructure.Auth;

/// <summary>What a call wants to do. <see cref="AccessPolicy"/> says which roles may.</summary>
public enum Capability
{
    Read,
    EditSettings,
    ManageDepartments,
    EditDepartmentPos,
    ManageFields,
    EditFieldMapping,
    AuthorizeLightspeed,
    ActivateConnection,
    RevokeConnection,
    RunImport,
    ConfirmWeeklyBalance,
    /// <summary>Read every client at once (the fleet's import health); a per-client read is <see cref="Read"/>.</summary>
    ReadFleet,
}
