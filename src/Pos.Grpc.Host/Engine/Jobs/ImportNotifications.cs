using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Engine.Jobs;

/// <summary>
/// PostgreSQL NOTIFY channels of the import engine. They are sent inside the transaction of the change they
/// announce, so a listener is told only about committed changes, on whichever instance made them.
/// </summary>
public static class ImportNotifications
{
    /// <summary>Payload: the job id. Sent with every change watchers should see.</summary>
    public const string ProgressChannel = "import_job_progress";

    /// <summary>
    /// Payload: the account keys with new work, comma-separated (empty: any account). Sent when work becomes claimable,
    /// so the lane schedulers of every instance look at once and only those accounts' running lanes wake.
    /// </summary>
    public const string QueuedChannel = "import_job_queued";

    /// <summary>NOTIFY payloads are limited to 8000 bytes: more accounts than fit are announced as "any".</summary>
    private const int MaxPayload = 7000;

    public static Task JobChangedAsync(PosDbContext db, Guid jobId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_notify({ProgressChannel}, {jobId.ToString()})", cancellationToken);

    public static Task JobQueuedAsync(PosDbContext db, IReadOnlyCollection<string> accountKeys, CancellationToken cancellationToken)
    {
        var payload = string.Join(',', accountKeys);
        if (payload.Length > MaxPayload) payload = "";
        return db.Database.ExecuteSqlAsync($"SELECT pg_notify({QueuedChannel}, {payload})", cancellationToken);
    }

    /// <summary>The accounts a queued payload names; null = any.</summary>
    public static IReadOnlyList<string>? AccountsOf(string payload) =>
        string.IsNullOrEmpty(payload) ? null : payload.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
