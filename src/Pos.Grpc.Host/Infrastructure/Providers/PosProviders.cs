using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Infrastructure.Providers;

/// <summary>
/// The POS providers this host speaks, by the client's "POS integration service" setting, and what each provides.
/// The mapping report, the job's "not provided" list and the engine's field classification ask here. Of several
/// registrations for one POS the first wins (a test host registers its own POS before the host registers Lightspeed's).
/// </summary>
public sealed class PosProviders(IEnumerable<IPosProvider> providers)
{
    private readonly IReadOnlyDictionary<PosSystem, IPosProvider> _bySystem =
        providers.GroupBy(p => p.System).ToDictionary(g => g.Key, g => g.First());

    public static PosSystem? SystemOf(PosIntegrationService service) => service switch
    {
        PosIntegrationService.LightspeedRSeries => PosSystem.LightspeedRSeries,
        PosIntegrationService.LightspeedKSeries => PosSystem.LightspeedKSeries,
        _ => null,
    };

    public static PosSystem? SystemOf(int storedService) => SystemOf((PosIntegrationService)storedService);

    /// <summary>The provider of a POS; null when this host does not speak it.</summary>
    public IPosProvider? Find(PosSystem system) => _bySystem.GetValueOrDefault(system);

    /// <summary>
    /// Whether the client's POS provides a field type. A client that has not chosen its service yet is answered for
    /// Lightspeed R-Series, the first integration (its mapping report reads as it always did).
    /// </summary>
    public bool Provides(int storedService, PosFieldType type) =>
        Find(SystemOf(storedService) ?? PosSystem.LightspeedRSeries) is { } provider && NumberOf(type) is { } number && provider.ProvidedNumbers.Contains(number);

    public static PosNumber? NumberOf(PosFieldType type) => type switch
    {
        PosFieldType.GrossSales => PosNumber.GrossSales,
        PosFieldType.NetSales => PosNumber.NetSales,
        PosFieldType.Discounts => PosNumber.Discounts,
        PosFieldType.Returns => PosNumber.Returns,
        PosFieldType.Transactions => PosNumber.Transactions,
        PosFieldType.GoodsSold => PosNumber.GoodsSold,
        PosFieldType.ReturnedGoods => PosNumber.ReturnedGoods,
        PosFieldType.Visitors => PosNumber.Visitors,
        _ => null,
    };
}
