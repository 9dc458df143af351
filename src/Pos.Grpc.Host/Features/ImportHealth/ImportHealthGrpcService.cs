using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.ImportHealth;

/// <summary>Import health as data: one client (like any read of it), or the fleet's clients with POS import on (support, service).</summary>
public sealed class ImportHealthGrpcService(PosDbContext db, ImportHealthReader reader) : ImportHealthService.ImportHealthServiceBase
{
    /// <summary>Clients read at once while a filtered page is filled.</summary>
    private const int Batch = 200;

    public override async Task<GetImportHealthResponse> GetImportHealth(GetImportHealthRequest request, ServerCallContext context)
    {
        var violations = new Violations().RequirePositiveId(request.ClientId, "client_id");
        var window = ImportHealthReader.ResolveWindow(request.WindowDays, violations);
        violations.ThrowIfAny();
        var caller = context.GetCaller();
        AccessPolicy.EnsureClient(caller, request.ClientId, Capability.Read);
        var visible = AccessPolicy.VisibleDepartments(caller, request.ClientId);
        var health = await reader.ReadAsync([request.ClientId], window, visible, context.CancellationToken);
        return new GetImportHealthResponse { Health = health[0] };
    }

    /// <summary>
    /// By client id, after the page token's. With a filter, clients are read a batch at a time until the page is full,
    /// so a page costs a few batches of queries whatever the fleet; a full page always has a token (the next may be empty).
    /// </summary>
    public override async Task<ListImportHealthResponse> ListImportHealth(ListImportHealthRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        violations.AddIf(!Enum.IsDefined(request.Problem), "problem", $"unknown value {(int)request.Problem}");
        var window = ImportHealthReader.ResolveWindow(request.WindowDays, violations);
        var pageSize = Paging.ResolvePageSize(request.PageSize, violations);
        // The token names the list and its filter, so a token of another list is rejected, not misread.
        var listName = $"importHealth?only_problems={request.OnlyProblems}&problem={(int)request.Problem}&window_days={window}";
        var after = Paging.DecodeLongToken(request.PageToken, listName, violations) ?? 0;
        violations.ThrowIfAny();
        AccessPolicy.EnsureFleet(context.GetCaller(), Capability.ReadFleet);

        var response = new ListImportHealthResponse();
        var cancellationToken = context.CancellationToken;
        // Unfiltered, every client read is on the page: read no more than the page still needs.
        var filtered = request.OnlyProblems || request.Problem != ImportHealthProblem.Unspecified;
        while (response.Clients.Count < pageSize)
        {
            var cursor = after;
            var take = filtered ? Batch : Math.Min(Batch, pageSize - response.Clients.Count);
            var ids = await db.GeneralSettings.AsNoTracking()
                .Where(s => s.PosImportEnabled && s.ClientId > cursor)
                .OrderBy(s => s.ClientId).Select(s => s.ClientId).Take(take)
                .ToListAsync(cancellationToken);
            if (ids.Count == 0) return response;
            foreach (var health in await reader.ReadAsync(ids, window, null, cancellationToken))
            {
                after = health.ClientId;
                if (!Matches(health, request)) continue;
                response.Clients.Add(health);
                if (response.Clients.Count == pageSize) break;
            }
            // Fewer than asked for: the fleet ends here, and a page that is not full has no next page.
            if (ids.Count < take && response.Clients.Count < pageSize) return response;
        }
        response.NextPageToken = Paging.EncodeToken(listName, after.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return response;
    }

    private static bool Matches(ClientImportHealth health, ListImportHealthRequest request) =>
        (!request.OnlyProblems || health.Problems.Count > 0)
        && (request.Problem == ImportHealthProblem.Unspecified || health.Problems.Contains(request.Problem));
}
