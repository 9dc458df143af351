using System.Globalization;
using System.Net;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Providers;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host.Features.LightspeedAuth.Connectors;

/// <summary>Lightspeed Retail (R-Series): OAuth with PKCE, one account per consent, its shops and registers.</summary>
public sealed class RSeriesConnector(RSeriesOAuthClient oauth, RSeriesApiClient api, RSeriesTokenManager tokens, ProtectedTokenStore store)
    : ILightspeedConnector
{
    public PosSystem System => PosSystem.LightspeedRSeries;

    public (Uri Url, string Verifier) BeginAuthorization(string state)
    {
        var pkce = Pkce.Create();
        return (oauth.BuildAuthorizationUrl(state, pkce.Challenge), pkce.Verifier);
    }

    public async Task<Consent> CompleteAuthorizationAsync(string code, string verifier, CancellationToken cancellationToken)
    {
        try
        {
            RSeriesTokens granted;
            try
            {
                granted = await oauth.ExchangeCodeAsync(code, verifier, cancellationToken);
            }
            // Refused by Lightspeed (a 4xx with an OAuth error); unreachable or failing is not the code's fault.
            catch (RSeriesOAuthException ex) when (ex.StatusCode is not null and < HttpStatusCode.InternalServerError)
            {
                throw new PreconditionFailedException("AUTHORIZATION_CODE_REJECTED", "OAUTH_CODE", "code",
                    $"Lightspeed rejected the authorisation code ({ex.Error}): it is wrong, expired (codes live 60 s) or used. Begin the authorisation again.");
            }
            var account = await api.DiscoverAccountAsync(granted, cancellationToken);
            var accountId = account.AccountId.ToString(CultureInfo.InvariantCulture);
            return new Consent(accountId, account.Name, [new ConsentedAccount(accountId, account.Name, null)], store.Protect(granted));
        }
        catch (Exception e) when (RSeriesProvider.Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    public void Forget(string connectionKey) => tokens.Forget(connectionKey);

    public async Task RevokeAtLightspeedAsync(string connectionKey, CancellationToken cancellationToken)
    {
        if (await ((IRSeriesTokenStore)store).LoadAsync(connectionKey, cancellationToken) is { } stored)
            await oauth.RevokeAsync(stored.RefreshToken, cancellationToken);
    }

    public async Task<IReadOnlyList<ListedRegister>> ReadRegistersAsync(LightspeedConnectionEntity connection,
        IReadOnlyList<LightspeedConnectionAccountEntity> accounts, CancellationToken cancellationToken)
    {
        var listed = new List<ListedRegister>();
        foreach (var account in accounts)
        {
            var lightspeed = new RSeriesConnection(connection.Id.ToString(), long.Parse(account.AccountId, CultureInfo.InvariantCulture));
            try
            {
                var shops = await api.GetShopsAsync(lightspeed, cancellationToken);
                foreach (var register in await api.GetRegistersAsync(lightspeed, cancellationToken))
                {
                    var shop = shops.FirstOrDefault(s => s.ShopId == register.ShopId);
                    listed.Add(new ListedRegister(account.AccountId, account.Name, Id(register.ShopId), shop?.Name ?? "", shop?.TimeZone ?? "",
                        Id(register.RegisterId), register.Name, null));
                }
            }
            catch (Exception e) when (RSeriesProvider.Translate(e) is { } translated)
            {
                throw translated;
            }
        }
        return listed;
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
