using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Features.Imports.Jobs;

/// <summary>
/// PostgreSQL NOTIFY channels of the import engine. They are sent inside the transaction of the change they
/// announce, so a listener is told only about committed changes, on whichever instance made them.
/// </summary>
public static class ImportNotifications
{
    /// <summary>Payload: the job id. Sent with every change watchers should see.</summary>
    public const string ProgressChannel = "import_job_progress";

    /// <summary>No payload. Sent when a job becomes claimable, so idle workers on every instance look at once.</summary>
    public const string QueuedChannel = "import_job_queued";

    public static Task JobChangedAsync(PosDbContext db, Guid jobId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_notify({ProgressChannel}, {jobId.ToString()})", cancellationToken);

    public static Task JobQueuedAsync(PosDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_notify({QueuedChannel}, '')", cancellationToken);
}
