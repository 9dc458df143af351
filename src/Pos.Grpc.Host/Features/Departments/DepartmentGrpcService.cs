using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Caching;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;
using System.Globalization;

namespace Pos.Grpc.Host.Features.Departments;

public sealed class DepartmentGrpcService(PosDbContext db, TimeProvider clock, ClientConfigurationCache cache, ClientConfigurationChanges changes) : DepartmentService.DepartmentServiceBase
{
    public override async Task<ListDepartmentsResponse> ListDepartments(ListDepartmentsRequest request, ServerCallContext context)
    {
        var violations = new Violations().RequirePositiveId(request.ClientId, "client_id");
        var pageSize = Paging.ResolvePageSize(request.PageSize, violations);
        // The token names the client's list, so a token of another client's list is rejected, not misread.
        var listName = $"clients/{request.ClientId}/departments";
        var afterId = Paging.DecodeLongToken(request.PageToken, listName, violations);
        violations.ThrowIfAny();

        var caller = context.GetCaller();
        AccessPolicy.EnsureClient(caller, request.ClientId, Capability.Read);
        var visible = AccessPolicy.VisibleDepartments(caller, request.ClientId)?.ToArray();

        // Departments of a client come from the configuration cache, already ordered by id with their registers.
        var configuration = await cache.GetAsync(request.ClientId, context.CancellationToken);
        var page = configuration.Departments
            .Where(d => (visible is null || visible.Contains(d.Id)) && (afterId is not { } after || d.Id > after))
            .Take(pageSize + 1) // one extra row tells whether there is a next page
            .ToList();

        var response = new ListDepartmentsResponse { Departments = { page.Take(pageSize).Select(d => d.ToProto()) } };
        if (page.Count > pageSize) response.NextPageToken = Paging.EncodeToken(listName, page[pageSize - 1].Id.ToString(CultureInfo.InvariantCulture));
        return response;
    }

    public override async Task<GetDepartmentResponse> GetDepartment(GetDepartmentRequest request, ServerCallContext context)
    {
        new Violations().RequirePositiveId(request.DepartmentId, "department_id").ThrowIfAny();
        var department = await LoadAsync(request.DepartmentId, tracked: false, context.CancellationToken);
        AccessPolicy.EnsureDepartment(context.GetCaller(), department.ClientId, department.Id, Capability.Read);
        return new GetDepartmentResponse { Department = department.ToProto() };
    }

    public override async Task<CreateDepartmentResponse> CreateDepartment(CreateDepartmentRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        if (request.Department is null) violations.Add("department", "is required").ThrowIfAny();
        var source = request.Department!;
        violations.RequirePositiveId(source.DepartmentId, "department.department_id")
            .RequirePositiveId(source.ClientId, "department.client_id");
        var draft = new DepartmentDraft();
        DepartmentRules.Apply(source, DepartmentRules.WritableFields, draft, violations);
        violations.ThrowIfAny();

        var caller = context.GetCaller();
        AccessPolicy.EnsureClient(caller, source.ClientId, Capability.ManageDepartments);

        var cancellationToken = context.CancellationToken;
        await using var transaction = await ClientConfigurationLock.BeginAsync(db, source.ClientId, cancellationToken);
        // Ids come from SameSystem's main system and are unique across clients.
        if (await db.Departments.AnyAsync(d => d.Id == source.DepartmentId, cancellationToken))
            throw new AlreadyExistsException("department", $"departments/{source.DepartmentId}",
                $"Department {source.DepartmentId} exists already.");
        await DepartmentRules.EnsureFitsSettingsAsync(db, source.ClientId, draft, cancellationToken);
        await DepartmentRules.EnsureNoScopeOverlapAsync(db, source.ClientId, source.DepartmentId, draft.Scope,
            AccessPolicy.VisibleDepartments(caller, source.ClientId), cancellationToken);

        var now = clock.GetStorableUtcNow();
        var department = new DepartmentEntity
        {
            Id = source.DepartmentId,
            ClientId = source.ClientId,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
            Registers = DepartmentMapper.ToRegisters(source.DepartmentId, draft.TerminalNumbers),
        };
        draft.CopyTo(department);
        db.Departments.Add(department);
        AuditTrail.Record(db, caller, department.ClientId, department.Id, "department.create", "department", department.Id.ToString(CultureInfo.InvariantCulture),
            new { after = department.ToProto().ToString() }, now);
        await changes.SaveAsync(db, department.ClientId, transaction, cancellationToken);
        return new CreateDepartmentResponse { Department = department.ToProto() };
    }

    public override async Task<UpdateDepartmentResponse> UpdateDepartment(UpdateDepartmentRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        if (request.Department is null) violations.Add("department", "is required").ThrowIfAny();
        var source = request.Department!;
        violations.RequirePositiveId(source.DepartmentId, "department.department_id");
        var paths = FieldMasks.Resolve(request.UpdateMask, DepartmentRules.WritableFields, violations);
        violations.ThrowIfAny();

        var cancellationToken = context.CancellationToken;
        var caller = context.GetCaller();
        var department = await LoadAsync(source.DepartmentId, tracked: true, cancellationToken);
        AccessPolicy.EnsureDepartment(caller, department.ClientId, department.Id, Capability.EditDepartmentPos);
        // Names belong to SameSystem's main system; supervisors edit only the POS fields. Re-sending the
        // stored name (a full update) is no change, so it needs no extra right.
        if (paths.Contains("name") && source.Name.Trim() != department.Name && !AccessPolicy.HasCapability(caller, Capability.ManageDepartments))
            throw new PermissionDeniedException("Renaming a department needs the service role: names come from SameSystem's main system.");
        Etags.EnsureCurrent(request.Etag, department.Version, $"departments/{department.Id}");

        var before = department.ToProto();
        var draft = DepartmentDraft.From(department);
        DepartmentRules.Apply(source, paths, draft, violations);
        violations.ThrowIfAny();

        await using var transaction = await ClientConfigurationLock.BeginAsync(db, department.ClientId, cancellationToken);
        await DepartmentRules.EnsureFitsSettingsAsync(db, department.ClientId, draft, cancellationToken);
        await DepartmentRules.EnsureNoScopeOverlapAsync(db, department.ClientId, department.Id, draft.Scope,
            AccessPolicy.VisibleDepartments(caller, department.ClientId), cancellationToken);

        var now = clock.GetStorableUtcNow();
        draft.CopyTo(department);
        if (!draft.TerminalNumbers.SequenceEqual(before.PosTerminalNumbers))
            await ReplaceRegistersAsync(department, draft.TerminalNumbers, cancellationToken);
        department.Version++;
        department.UpdatedAt = now;
        AuditTrail.Record(db, caller, department.ClientId, department.Id, "department.update", "department", department.Id.ToString(CultureInfo.InvariantCulture),
            new { fields = paths.Order().ToArray(), before = before.ToString(), after = department.ToProto().ToString() }, now);
        await changes.SaveAsync(db, department.ClientId, transaction, cancellationToken);
        return new UpdateDepartmentResponse { Department = department.ToProto() };
    }

    public override async Task<DeleteDepartmentResponse> DeleteDepartment(DeleteDepartmentRequest request, ServerCallContext context)
    {
        new Violations().RequirePositiveId(request.DepartmentId, "department_id").ThrowIfAny();
        var caller = context.GetCaller();
        var department = await LoadAsync(request.DepartmentId, tracked: true, context.CancellationToken);
        AccessPolicy.EnsureDepartment(caller, department.ClientId, department.Id, Capability.ManageDepartments);
        Etags.EnsureCurrent(request.Etag, department.Version, $"departments/{department.Id}");

        // Registers go with the tracked graph; weekly-balance values, confirmations and approvals by the
        // database's cascading foreign keys.
        var now = clock.GetStorableUtcNow();
        AuditTrail.Record(db, caller, department.ClientId, department.Id, "department.delete", "department", department.Id.ToString(CultureInfo.InvariantCulture),
            new { before = department.ToProto().ToString() }, now);
        db.Departments.Remove(department);
        await changes.SaveAsync(db, department.ClientId, transaction: null, context.CancellationToken);
        return new DeleteDepartmentResponse();
    }

    /// <summary>The department with its registers; NOT_FOUND when missing (visibility is checked by the caller).</summary>
    private async Task<DepartmentEntity> LoadAsync(long departmentId, bool tracked, CancellationToken cancellationToken)
    {
        var query = tracked ? db.Departments : db.Departments.AsNoTracking();
        return await query.Include(d => d.Registers).SingleOrDefaultAsync(d => d.Id == departmentId, cancellationToken)
            ?? throw new NotFoundException("department", $"departments/{departmentId}");
    }

    /// <summary>
    /// Deletes the old registers and inserts the new ones. Updating rows in place could move a Lightspeed
    /// register id from one row to another (a reorder), which trips the unique (department_id, pos_register_id)
    /// index between two UPDATE statements. Runs inside the caller's transaction, so it commits with the rest.
    /// </summary>
    private async Task ReplaceRegistersAsync(DepartmentEntity department, IReadOnlyList<string> terminalNumbers, CancellationToken cancellationToken)
    {
        await db.DepartmentRegisters.Where(r => r.DepartmentId == department.Id).ExecuteDeleteAsync(cancellationToken);
        foreach (var old in department.Registers) db.Entry(old).State = EntityState.Detached;
        department.Registers = DepartmentMapper.ToRegisters(department.Id, terminalNumbers);
        db.DepartmentRegisters.AddRange(department.Registers);
    }
}
