namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>A single-use, short-lived OAuth state bound to the client and user that began the authorisation.</summary>
public sealed class OAuthStateEntity
{
    /// <summary>SHA-256 of the state (hex): the state itself travels only in the URL.</summary>
    public string StateHash { get; set; } = "";
    public long ClientId { get; set; }
    /// <summary>The PENDING_CONSENT connection the authorisation completes.</summary>
    public Guid ConnectionId { get; set; }
    public string CreatedBy { get; set; } = "";
    /// <summary>The PKCE code verifier, encrypted with Data Protection.</summary>
    public string ProtectedCodeVerifier { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
}
