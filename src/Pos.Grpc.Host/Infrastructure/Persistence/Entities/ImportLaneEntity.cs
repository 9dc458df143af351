namespace Pos.Grpc.Host.Infrastructure.Persistence.Entities;

/// <summary>
/// Who runs a POS account's lane: one instance at a time, for as long as it renews its lease. Every job's work on
/// the account goes through that lane, so one pacer paces the account fleet-wide.
/// </summary>
public sealed class ImportLaneEntity
{
    public string AccountKey { get; set; } = "";
    public string? LeaseOwner { get; set; }
    public DateTimeOffset LeaseExpiresAt { get; set; }
}
