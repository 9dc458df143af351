using Google.Protobuf.WellKnownTypes;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

internal static class ConnectionMapper
{
    /// <summary>Never carries a token: only the state and who did what.</summary>
    public static Connection ToProto(this LightspeedConnectionEntity entity) => new()
    {
        ConnectionId = entity.Id.ToString(),
        ClientId = entity.ClientId,
        AccountId = entity.AccountId ?? "",
        AccountName = entity.AccountName,
        State = (ConnectionState)entity.State,
        AuthorizedBy = entity.AuthorizedBy,
        AuthorizeTime = entity.AuthorizedAt is { } authorized ? Timestamp.FromDateTimeOffset(authorized) : null,
        ActivatedBy = entity.ActivatedBy ?? "",
        ActivateTime = entity.ActivatedAt is { } activated ? Timestamp.FromDateTimeOffset(activated) : null,
        LastError = entity.LastError ?? "",
        Provider = (LightspeedProvider)entity.Provider,
        Accounts =
        {
            entity.Accounts.OrderBy(a => a.AccountId, StringComparer.Ordinal)
                .Select(a => new ConnectionAccount { AccountId = a.AccountId, Name = a.Name, TimeZone = a.TimeZone ?? "" }),
        },
    };
}
