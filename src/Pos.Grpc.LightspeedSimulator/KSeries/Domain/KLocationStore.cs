using System.Collections.Concurrent;

namespace Pos.Grpc.LightspeedSimulator.KSeries.Domain;

/// <summary>The simulator's business locations, replaceable at run time through the admin API.</summary>
public sealed class KLocationStore
{
    /// <summary>The sandbox restaurant: a newcomer connects it without any setup.</summary>
    public const long SandboxLocationId = 45454565682155;

    private readonly ConcurrentDictionary<long, KLocation> _locations = new();

    public KLocationStore(KSeriesSimulatorOptions options, SimClock clock)
    {
        if (!options.SeedSandbox) return;
        Put(new KLocation
        {
            BusinessLocationId = SandboxLocationId,
            Name = "Nørrebro Bistro",
            BusinessId = 45454565682100,
            BusinessName = "Sandbox Restaurants ApS",
            TimeZone = "Europe/Copenhagen",
            OpenedOn = DateOnly.FromDateTime(clock.UtcNow.UtcDateTime).AddDays(-options.HistoryDays),
            Devices =
            [
                new KDevice(141948669132831, "Bar iPad"),
                new KDevice(141948669132832, "Floor iPad 1"),
                new KDevice(141948669132833, "Floor iPad 2"),
            ],
            SalesPerDay = options.SalesPerLocationPerDay,
            Seed = 1,
        });
    }

    public KLocation? Find(long businessLocationId) => _locations.TryGetValue(businessLocationId, out var l) ? l : null;

    public IEnumerable<KLocation> All => _locations.Values.OrderBy(l => l.BusinessLocationId);

    public void Put(KLocation location) => _locations[location.BusinessLocationId] = location;

    /// <summary>Removes a location: the API then answers 404 for it.</summary>
    public bool Remove(long businessLocationId) => _locations.TryRemove(businessLocationId, out _);
}
