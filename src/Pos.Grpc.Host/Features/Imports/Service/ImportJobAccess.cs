using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.Imports.Service;

/// <summary>
/// Who may see and act on a job. A job belongs to its client and to each of its departments: a job of another
/// client, or (for a regional supervisor) one touching a department that is not theirs, answers NOT_FOUND
/// exactly like a job that does not exist.
/// </summary>
public static class ImportJobAccess
{
    public static string NameOf(Guid jobId) => $"importJobs/{jobId}";

    public static void Ensure(Caller caller, ImportJobEntity job, Capability capability)
    {
        AccessPolicy.EnsureClientResource(caller, job.ClientId, Capability.Read, "import_job", NameOf(job.Id));
        var visible = AccessPolicy.VisibleDepartments(caller, job.ClientId);
        if (visible is not null && !job.DepartmentIds.All(visible.Contains))
            throw new NotFoundException("import_job", NameOf(job.Id));
        if (capability == Capability.Read) return;
        // Acting on a job is acting on each of its departments (a regional supervisor's right is per department).
        foreach (var departmentId in job.DepartmentIds)
            AccessPolicy.EnsureDepartment(caller, job.ClientId, departmentId, capability);
    }
}
