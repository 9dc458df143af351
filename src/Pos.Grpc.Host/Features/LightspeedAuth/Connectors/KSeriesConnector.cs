using System.Globalization;
using System.Net;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Providers;
using Pos.Grpc.Providers.KSeries;

namespace Pos.Grpc.Host.Features.LightspeedAuth.Connectors;

/// <summary>
/// Lightspeed Restaurant (K-Series): OAuth with Basic client authentication (no PKCE), codes of about 15 s exchanged at
/// once; a consent covers every business location its user can see (learnt from /f/data/businesses with their time
/// zones); K-Series has no device list, so the registers listed are the devices seen in each location's recent sales.
/// </summary>
public sealed class KSeriesConnector(KSeriesOAuthClient oauth, KSeriesApiClient api, ConnectionTokenManager<KSeriesTokens> tokens,
    ProtectedTokenStore store) : ILightspeedConnector
{
    public PosSystem System => PosSystem.LightspeedKSeries;

    public (Uri Url, string Verifier) BeginAuthorization(string state) => (oauth.BuildAuthorizationUrl(state), "");

    public async Task<Consent> CompleteAuthorizationAsync(string code, string verifier, CancellationToken cancellationToken)
    {
        KSeriesTokens granted;
        IReadOnlyList<KSeriesBusiness> businesses;
        try
        {
            try
            {
                granted = await oauth.ExchangeCodeAsync(code, cancellationToken);
            }
            catch (KSeriesOAuthException ex) when (ex.StatusCode is not null and < HttpStatusCode.InternalServerError)
            {
                throw new PreconditionFailedException("AUTHORIZATION_CODE_REJECTED", "OAUTH_CODE", "code",
                    $"Lightspeed rejected the authorisation code ({ex.Error}): it is wrong, expired (K-Series codes live about 15 s) or used. Begin the authorisation again.");
            }
            businesses = await api.DiscoverBusinessesAsync(granted, cancellationToken);
        }
        // Unreachable or failing (no business location is named yet).
        catch (Exception e) when (KSeriesProvider.Translate(e, locationId: 0) is { } translated)
        {
            throw translated;
        }
        var locations = businesses.SelectMany(b => b.Locations).OrderBy(l => l.BusinessLocationId).ToList();
        if (locations.Count == 0)
            throw new PreconditionFailedException("LIGHTSPEED_NO_LOCATIONS", "OAUTH_CONSENT", "code",
                "The Lightspeed user who gave consent sees no business location: authorise with a user who has access to the restaurants.");
        // The connection is named after the business (the first, should the user see several); it reads every location.
        var business = businesses.Where(b => b.Locations.Count > 0).OrderBy(b => b.BusinessId).First();
        return new Consent(
            business.BusinessId.ToString(CultureInfo.InvariantCulture),
            string.Join(", ", businesses.Where(b => b.Locations.Count > 0).OrderBy(b => b.BusinessId).Select(b => b.Name)),
            locations.Select(l => new ConsentedAccount(l.BusinessLocationId.ToString(CultureInfo.InvariantCulture), l.Name,
                string.IsNullOrEmpty(l.TimeZone) ? null : l.TimeZone)).ToList(),
            store.Protect(tokens.Serialize(granted)));
    }

    public void Forget(string connectionKey) => tokens.Forget(connectionKey);

    /// <summary>K-Series documents no revocation endpoint: the tokens are forgotten here; the merchant removes the app in Lightspeed.</summary>
    public Task RevokeAtLightspeedAsync(string connectionKey, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<IReadOnlyList<ListedRegister>> ReadRegistersAsync(LightspeedConnectionEntity connection,
        IReadOnlyList<LightspeedConnectionAccountEntity> accounts, CancellationToken cancellationToken)
    {
        var listed = new List<ListedRegister>();
        foreach (var account in accounts)
        {
            var locationId = long.Parse(account.AccountId, CultureInfo.InvariantCulture);
            IReadOnlyList<KSeriesDevice> devices;
            try
            {
                devices = await api.DiscoverDevicesAsync(new KSeriesLocation(connection.Id.ToString(), locationId), cancellationToken);
            }
            catch (Exception e) when (KSeriesProvider.Translate(e, locationId) is { } translated)
            {
                throw translated;
            }
            listed.AddRange(devices.Select(d => new ListedRegister(account.AccountId, account.Name, "", "", account.TimeZone ?? "",
                d.DeviceId.ToString(CultureInfo.InvariantCulture), d.Name, d.LastSeen)));
        }
        return listed;
    }
}
