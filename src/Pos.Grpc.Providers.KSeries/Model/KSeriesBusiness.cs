using System.Text.Json;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>A business (currency, taxes) and the locations of it that the authorising user can see.</summary>
public sealed record KSeriesBusiness(long BusinessId, string Name, string CurrencyCode, IReadOnlyList<KSeriesBusinessLocation> Locations)
{
    /// <summary>`_embedded.businessList[]` of /f/data/businesses (HAL).</summary>
    internal static IReadOnlyList<KSeriesBusiness> ParseList(JsonElement root) =>
        Wire.Array(Wire.Object(root, "_embedded"), "businessList").Select(Parse).ToList();

    private static KSeriesBusiness Parse(JsonElement e)
    {
        var id = Wire.Long(e, "businessId") ?? 0;
        return new KSeriesBusiness(id, Wire.String(e, "businessName") ?? "", Wire.String(e, "currencyCode") ?? "",
            Wire.Array(e, "businessLocations").Select(l => KSeriesBusinessLocation.Parse(l, id)).ToList());
    }
}

/// <summary>
/// A business location (a restaurant): its id is what departments name as POS client number; <see cref="TimeZone"/>
/// is the IANA zone its hours are counted in.
/// </summary>
public sealed record KSeriesBusinessLocation(long BusinessLocationId, string Name, string Country, string TimeZone, long BusinessId)
{
    /// <summary>The doc spells the id `blID`; clients in the wild read `blId`: both (any case) are read.</summary>
    internal static KSeriesBusinessLocation Parse(JsonElement e, long businessId) => new(
        Wire.Long(e, "blID") ?? 0, Wire.String(e, "blName") ?? "", Wire.String(e, "country") ?? "",
        Wire.String(e, "timezone", "blTimezone") ?? "", businessId);
}

/// <summary>Who authorised the connection, from /oauth/userinfo (the token has the rights of this user).</summary>
public sealed record KSeriesUserInfo(string Name, long? UserId, string? Email, string? FirstName, string? LastName, IReadOnlyList<string> Roles)
{
    internal static KSeriesUserInfo Parse(JsonElement root)
    {
        var staff = Wire.Object(Wire.Object(root, "attributes"), "staff");
        var roles = Wire.Find(staff, "roles") is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!).ToList()
            : [];
        return new KSeriesUserInfo(Wire.String(root, "name") ?? "", Wire.Long(staff, "userId"), Wire.String(staff, "emailAddress"),
            Wire.String(staff, "firstName"), Wire.String(staff, "lastName"), roles);
    }
}

/// <summary>A device (iPad) seen in a location's sales: K-Series has no device list, so this is how registers are found.</summary>
public sealed record KSeriesDevice(long DeviceId, string Name, DateTimeOffset LastSeen, int SalesSeen);
