using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Features.Imports.Service;
using Pos.Grpc.Host.Engine.Progress;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.Imports;

/// <summary>
/// Import jobs: start, read, cancel and watch. The work itself runs in the engine's lanes (<see cref="Engine.Lanes.LaneScheduler"/>),
/// never inside an RPC.
/// </summary>
public sealed class ImportGrpcService(
    PosDbContext db,
    TimeProvider clock,
    ImportJobStarter starter,
    ImportJobReader reader,
    ImportJobWatcher watcher,
    ImportJobStore store,
    ImportProgressHub hub) : ImportService.ImportServiceBase
{
    public override async Task<StartImportResponse> StartImport(StartImportRequest request, ServerCallContext context)
    {
        var command = StartImportCommand.Parse(request);
        var job = await starter.StartAsync(context.GetCaller(), command, context.CancellationToken);
        return new StartImportResponse { Job = await reader.ToProtoAsync(job, context.CancellationToken) };
    }

    public override async Task<GetImportJobResponse> GetImportJob(GetImportJobRequest request, ServerCallContext context)
    {
        var job = await LoadAsync(request.JobId, context.GetCaller(), Capability.Read, context.CancellationToken);
        return new GetImportJobResponse { Job = await reader.ToProtoAsync(job, context.CancellationToken) };
    }

    public override async Task<ListImportJobsResponse> ListImportJobs(ListImportJobsRequest request, ServerCallContext context)
    {
        var violations = new Violations().RequirePositiveId(request.ClientId, "client_id");
        violations.AddIf(!Enum.IsDefined(request.State), "state", $"unknown value {(int)request.State}");
        var pageSize = Paging.ResolvePageSize(request.PageSize, violations);
        // The token names the client's list and its filter, so a token of another list is rejected, not misread.
        var listName = $"clients/{request.ClientId}/importJobs?state={(int)request.State}";
        var after = ImportJobPageToken.Decode(Paging.DecodeToken(request.PageToken, listName, violations), violations);
        violations.ThrowIfAny();

        var caller = context.GetCaller();
        AccessPolicy.EnsureClient(caller, request.ClientId, Capability.Read);
        var visible = AccessPolicy.VisibleDepartments(caller, request.ClientId)?.ToArray();

        var query = db.ImportJobs.AsNoTracking().Where(j => j.ClientId == request.ClientId);
        if (request.State != ImportJobState.Unspecified) query = query.Where(j => j.State == (int)request.State);
        // A regional supervisor sees the jobs whose departments are all theirs.
        if (visible is not null) query = query.Where(j => j.DepartmentIds.All(d => visible.Contains(d)));
        if (after is { } key) query = query.Where(j => j.CreatedAt < key.CreatedAt || (j.CreatedAt == key.CreatedAt && j.Id.CompareTo(key.Id) < 0));
        var page = await query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id)
            .Take(pageSize + 1)
            .ToListAsync(context.CancellationToken);

        var jobs = page.Take(pageSize).ToList();
        var response = new ListImportJobsResponse { Jobs = { await reader.ToProtoAsync(jobs, context.CancellationToken) } };
        if (page.Count > pageSize) response.NextPageToken = Paging.EncodeToken(listName, ImportJobPageToken.Encode(jobs[^1]));
        return response;
    }

    /// <summary>
    /// QUEUED or RUNNING becomes CANCELLED at once (what was written stays; a department-day being written either
    /// committed before or is not written). CANCELLED again answers the job (idempotent); SUCCEEDED or FAILED
    /// answers FAILED_PRECONDITION, since there is nothing left to cancel.
    /// </summary>
    public override async Task<CancelImportJobResponse> CancelImportJob(CancelImportJobRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var jobId = ParseJobId(request.JobId);
        var caller = context.GetCaller();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var job = await store.LockAsync(db, jobId, cancellationToken) ?? throw new NotFoundException("import_job", ImportJobAccess.NameOf(jobId));
        ImportJobAccess.Ensure(caller, job, Capability.RunImport);

        if (job.State is ImportStates.Succeeded or ImportStates.Failed)
            throw new PreconditionFailedException("JOB_FINISHED", "JOB_STATE", ImportJobAccess.NameOf(job.Id),
                $"Job {job.Id} has already ended {(ImportJobState)job.State}; there is nothing to cancel.");
        if (job.State == ImportStates.Cancelled)
            return new CancelImportJobResponse { Job = await reader.ToProtoAsync(job, cancellationToken) };

        var now = clock.GetStorableUtcNow();
        await store.CancelAsync(db, job, now, cancellationToken);
        AuditTrail.Record(db, caller, job.ClientId, job.DepartmentIds.Length == 1 ? job.DepartmentIds[0] : null, "import.cancel", "import_job",
            job.Id.ToString(), new { state = ((ImportJobState)job.State).ToString() }, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CancelImportJobResponse { Job = await reader.ToProtoAsync(job, cancellationToken) };
    }

    public override async Task WatchImportJob(WatchImportJobRequest request, IServerStreamWriter<WatchImportJobResponse> responseStream,
        ServerCallContext context)
    {
        var jobId = ParseJobId(request.JobId);
        // Subscribed before the snapshot is read, so a change right after it cannot slip through.
        using var signal = hub.SubscribeToJob(jobId);
        var job = await LoadAsync(request.JobId, context.GetCaller(), Capability.Read, context.CancellationToken);
        await watcher.WatchAsync(job, signal, responseStream, context.CancellationToken);
    }

    private async Task<ImportJobEntity> LoadAsync(string id, Caller caller, Capability capability, CancellationToken cancellationToken)
    {
        var jobId = ParseJobId(id);
        var job = await reader.FindAsync(jobId, cancellationToken) ?? throw new NotFoundException("import_job", ImportJobAccess.NameOf(jobId));
        ImportJobAccess.Ensure(caller, job, capability);
        return job;
    }

    private static Guid ParseJobId(string id) =>
        Guid.TryParseExact(id, "D", out var jobId) ? jobId : throw InvalidArgumentException.For("job_id", "must be a job id (a UUID)");
}
