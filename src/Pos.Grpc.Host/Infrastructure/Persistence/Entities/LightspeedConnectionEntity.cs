namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>
/// A client's link to one Lightspeed account. Tokens are stored only as Data Protection ciphertext
/// (<see cref="ProtectedTokens"/>), never in clear.
/// </summary>
public sealed class LightspeedConnectionEntity
{
    public Guid Id { get; set; }
    public long ClientId { get; set; }
    /// <summary>PosSystem: Lightspeed R-Series (1) or K-Series (2).</summary>
    public int Provider { get; set; } = 1;
    /// <summary>
    /// The Lightspeed account consented to (R-Series account ID, K-Series business id); null until consent is given.
    /// The accounts departments name are <see cref="Accounts"/>.
    /// </summary>
    public string? AccountId { get; set; }
    public string AccountName { get; set; } = "";
    /// <summary>ConnectionState enum value.</summary>
    public int State { get; set; }
    public string AuthorizedBy { get; set; } = "";
    public DateTimeOffset? AuthorizedAt { get; set; }
    public string? ActivatedBy { get; set; }
    public DateTimeOffset? ActivatedAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>Encrypted JSON of the access token, refresh token and expiry; null when revoked.</summary>
    public string? ProtectedTokens { get; set; }
    /// <summary>Bumped on every token rotation: a refresh that lost a race does not overwrite a newer token.</summary>
    public int TokenVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The POS accounts it reads (R-Series: its account; K-Series: the business locations its user sees).</summary>
    public List<LightspeedConnectionAccountEntity> Accounts { get; set; } = [];
}
