using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

public sealed class LightspeedAuthGrpcService(
    PosDbContext db, LightspeedAuthorizationFlow flow, LightspeedRegisterListing registers, TimeProvider clock)
    : LightspeedAuthService.LightspeedAuthServiceBase
{
    private const string ListName = "connections";

    public override async Task<BeginAuthorizationResponse> BeginAuthorization(BeginAuthorizationRequest request, ServerCallContext context)
    {
        new Violations().RequirePositiveId(request.ClientId, "client_id").ThrowIfAny();
        var caller = context.GetCaller();
        AccessPolicy.EnsureClient(caller, request.ClientId, Capability.AuthorizeLightspeed);
        var start = await flow.BeginAsync(request.ClientId, caller.Subject, context.CancellationToken);
        return new BeginAuthorizationResponse
        {
            AuthorizationUrl = start.Url.AbsoluteUri, State = start.State, ExpireTime = Timestamp.FromDateTimeOffset(start.ExpiresAt),
        };
    }

    public override async Task<CompleteAuthorizationResponse> CompleteAuthorization(CompleteAuthorizationRequest request, ServerCallContext context)
    {
        new Violations()
            .AddIf(string.IsNullOrWhiteSpace(request.Code) || request.Code.Length > 2048, "code", "is required (at most 2048 characters)")
            .AddIf(string.IsNullOrWhiteSpace(request.State) || request.State.Length > 256, "state", "is required (at most 256 characters)")
            .ThrowIfAny();
        var caller = context.GetCaller();
        var state = await flow.FindUsableStateAsync(request.State, context.CancellationToken);
        // The state is bound to the client and the user who began: anyone else sees it as unknown.
        AccessPolicy.EnsureClientResource(caller, state.ClientId, Capability.AuthorizeLightspeed, "oauth_state", "state");
        if (state.CreatedBy != caller.Subject) throw new NotFoundException("oauth_state", "state");
        var connection = await flow.CompleteAsync(request.State, request.Code, context.CancellationToken);
        return new CompleteAuthorizationResponse { Connection = connection.ToProto() };
    }

    public override async Task<ListConnectionsResponse> ListConnections(ListConnectionsRequest request, ServerCallContext context)
    {
        var violations = new Violations().RequirePositiveId(request.ClientId, "client_id");
        var pageSize = Paging.ResolvePageSize(request.PageSize, violations);
        var after = Paging.DecodeToken(request.PageToken, $"{ListName}/{request.ClientId}", violations);
        var afterId = Guid.Empty;
        violations.AddIf(after is not null && !Guid.TryParse(after, out afterId), "page_token", "is not a token this list issued");
        violations.ThrowIfAny();
        AccessPolicy.EnsureClient(context.GetCaller(), request.ClientId, Capability.Read);

        // Connection ids are random, so the page order is by id: stable, and cheap to resume.
        var page = await db.LightspeedConnections.AsNoTracking().Include(c => c.Accounts)
            .Where(c => c.ClientId == request.ClientId && (after == null || c.Id.CompareTo(afterId) > 0))
            .OrderBy(c => c.Id).Take(pageSize + 1).ToListAsync(context.CancellationToken);
        var response = new ListConnectionsResponse { Connections = { page.Take(pageSize).Select(c => c.ToProto()) } };
        if (page.Count > pageSize) response.NextPageToken = Paging.EncodeToken($"{ListName}/{request.ClientId}", page[pageSize - 1].Id.ToString());
        return response;
    }

    /// <summary>
    /// An account already ACTIVE for another client is refused unless the request says allow_shared_account: one
    /// Lightspeed account imported into two clients is a mistake far more often than a plan (a client's state with a
    /// code of another client's account gave it an AUTHORIZED connection to it). Either way the activation is audited
    /// with the clients it is shared with. (Checked without a lock: two activations in the same instant could both pass.)
    /// </summary>
    public override async Task<ActivateConnectionResponse> ActivateConnection(ActivateConnectionRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var connection = await LightspeedConnections.LoadAsync(db, caller, request.ConnectionId, Capability.ActivateConnection, context.CancellationToken);
        if (connection.State == (int)ConnectionState.Active) return new ActivateConnectionResponse { Connection = connection.ToProto() };
        if (connection.State != (int)ConnectionState.Authorized)
            throw LightspeedConnections.WrongState(connection, "only an AUTHORIZED connection can be activated");
        var elsewhere = await LightspeedConnections.ActiveForOtherClientsAsync(db, connection, context.CancellationToken);
        if (elsewhere.Count > 0 && !request.AllowSharedAccount)
            throw new PreconditionFailedException("ACCOUNT_ACTIVE_ELSEWHERE", elsewhere.Select(other => new PreconditionViolation("ACCOUNT_IN_USE",
                $"connections/{other.Id}", $"Lightspeed account {connection.AccountId} is ACTIVE for client {other.ClientId}: its sales would be " +
                "imported into both. Set allow_shared_account to activate it anyway.")).ToArray());

        var now = clock.GetStorableUtcNow();
        connection.State = (int)ConnectionState.Active;
        connection.ActivatedBy = caller.Subject;
        connection.ActivatedAt = now;
        connection.UpdatedAt = now;
        AuditTrail.Record(db, caller, connection.ClientId, null, "connection.activate", LightspeedConnections.ResourceType, connection.Id.ToString(),
            elsewhere.Count == 0 ? null : new { account_id = connection.AccountId, shared_with_clients = elsewhere.Select(o => o.ClientId).ToArray(), allow_shared_account = true },
            now);
        await db.SaveChangesAsync(context.CancellationToken);
        return new ActivateConnectionResponse { Connection = connection.ToProto() };
    }

    public override async Task<RevokeConnectionResponse> RevokeConnection(RevokeConnectionRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var connection = await LightspeedConnections.LoadAsync(db, caller, request.ConnectionId, Capability.RevokeConnection, context.CancellationToken);
        if (connection.State == (int)ConnectionState.Revoked) return new RevokeConnectionResponse { Connection = connection.ToProto() };

        await flow.RevokeAtLightspeedAsync(connection, context.CancellationToken);
        var now = clock.GetStorableUtcNow();
        connection.State = (int)ConnectionState.Revoked;
        connection.ProtectedTokens = null;
        connection.UpdatedAt = now;
        AuditTrail.Record(db, caller, connection.ClientId, null, "connection.revoke", LightspeedConnections.ResourceType, connection.Id.ToString(), null, now);
        await db.SaveChangesAsync(context.CancellationToken);
        return new RevokeConnectionResponse { Connection = connection.ToProto() };
    }

    public override async Task<ListLightspeedRegistersResponse> ListLightspeedRegisters(ListLightspeedRegistersRequest request, ServerCallContext context)
    {
        new Violations().AddIf(request.AccountId.Length > 0 && !FieldRules.IsPosId(request.AccountId), "account_id", "must be a POS account id (digits) of the connection")
            .ThrowIfAny();
        var caller = context.GetCaller();
        var connection = await LightspeedConnections.LoadAsync(db, caller, request.ConnectionId, Capability.Read, context.CancellationToken);
        return await registers.ListAsync(connection, request.AccountId, AccessPolicy.VisibleDepartments(caller, connection.ClientId),
            CallerKeys.Of(context.GetHttpContext()), context.CancellationToken);
    }
}
