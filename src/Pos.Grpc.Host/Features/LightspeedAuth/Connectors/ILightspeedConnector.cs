using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Features.LightspeedAuth.Connectors;

/// <summary>
/// What the one authorisation flow needs of each Lightspeed POS: its authorisation URL, the code exchange with the
/// discovery of what the consent covers, forgetting and revoking tokens, and the registers of its accounts for the
/// listing. <see cref="LightspeedAuthorizationFlow"/>, <see cref="AccountLayouts"/> and the callback stay the same for every
/// POS; a third one (X-Series) is one more implementation.
/// </summary>
public interface ILightspeedConnector
{
    PosSystem System { get; }

    /// <summary>The URL the merchant opens, and the secret to keep with the state until the callback (a PKCE verifier; empty without PKCE).</summary>
    (Uri Url, string Verifier) BeginAuthorization(string state);

    /// <summary>
    /// Exchanges the code at once and finds what the consent covers, with the tokens as ciphertext for the connection row.
    /// A rejected code throws PreconditionFailedException AUTHORIZATION_CODE_REJECTED.
    /// </summary>
    Task<Consent> CompleteAuthorizationAsync(string code, string verifier, CancellationToken cancellationToken);

    /// <summary>Forgets what this instance remembers of the connection's tokens (they were replaced or revoked).</summary>
    void Forget(string connectionKey);

    /// <summary>Tells Lightspeed the tokens are no longer wanted, where it can be told; failures are the caller's to log.</summary>
    Task RevokeAtLightspeedAsync(string connectionKey, CancellationToken cancellationToken);

    /// <summary>
    /// The registers of the connection's accounts (R-Series: shops and registers; K-Series: the devices seen in each business
    /// location's recent sales), of <paramref name="accounts"/> only. A refresh that failed for good throws a
    /// <see cref="PosProviderException"/> with <see cref="PosProviderException.NeedsReauthorization"/>.
    /// </summary>
    Task<IReadOnlyList<ListedRegister>> ReadRegistersAsync(LightspeedConnectionEntity connection,
        IReadOnlyList<LightspeedConnectionAccountEntity> accounts, CancellationToken cancellationToken);
}

/// <summary>What a consent covers: the Lightspeed account consented to and the POS accounts departments can name.</summary>
public sealed record Consent(string AccountId, string AccountName, IReadOnlyList<ConsentedAccount> Accounts, string ProtectedTokens);

/// <param name="TimeZone">The IANA zone the POS gives the account (K-Series business locations); null when it gives none.</param>
public sealed record ConsentedAccount(string AccountId, string Name, string? TimeZone);

/// <summary>One register of a connection's account, provider-neutral, as ListLightspeedRegisters shows it.</summary>
public sealed record ListedRegister(
    string AccountId, string AccountName, string ShopId, string ShopName, string ShopTimeZone, string RegisterId, string RegisterName,
    DateTimeOffset? LastSaleTime);
