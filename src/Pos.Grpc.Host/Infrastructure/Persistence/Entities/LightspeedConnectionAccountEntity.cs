namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>
/// A POS account a connection reads, learnt when it was authorised: R-Series its one account, K-Series each business
/// location the authorising user can see (with the location's time zone, the default zone of departments naming it).
/// A department's POS client number finds its connection here.
/// </summary>
public sealed class LightspeedConnectionAccountEntity
{
    public Guid ConnectionId { get; set; }
    /// <summary>R-Series account ID, K-Series business location id: what departments name as POS client number.</summary>
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>IANA zone of a K-Series business location; null when the POS does not say (R-Series).</summary>
    public string? TimeZone { get; set; }
}
