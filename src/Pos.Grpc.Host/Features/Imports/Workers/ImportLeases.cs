using Microsoft.Extensions.Options;
using Npgsql;
using Pos.Grpc.Host.Features.Imports.Jobs;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Features.Imports.Workers;

/// <summary>
/// Claiming, renewing and releasing jobs: the lease is the only thing that says which instance works on a job.
/// Lease times are the database's clock (now()), the one clock every instance shares. These statements run on
/// their own small connection pool rather than through EF, so an idle worker's polling stays out of the
/// request path's DbContexts (and out of anything counting their commands).
/// </summary>
public sealed class ImportLeases(NpgsqlDataSource database, TimeProvider clock, IOptions<ImportWorkerOptions> options)
{
    private ImportWorkerOptions Options => options.Value;

    /// <summary>
    /// Takes the oldest queued job, or a running one whose owner stopped renewing its lease, and marks it ours.
    /// SKIP LOCKED lets several instances claim at once without waiting on, or getting, the same row.
    /// </summary>
    public async Task<Guid?> TryClaimAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var claim = new NpgsqlCommand("""
            UPDATE import_jobs
            SET state = @running, lease_owner = @owner, lease_expires_at = now() + @lease,
                started_at = COALESCE(started_at, @now), updated_at = @now, progress_version = progress_version + 1
            WHERE id = (
                SELECT id FROM import_jobs
                WHERE state = @queued OR (state = @running AND (lease_expires_at IS NULL OR lease_expires_at < now()))
                ORDER BY created_at
                FOR UPDATE SKIP LOCKED
                LIMIT 1)
            RETURNING id
            """, connection, transaction);
        claim.Parameters.AddWithValue("running", ImportStates.Running);
        claim.Parameters.AddWithValue("queued", ImportStates.Queued);
        claim.Parameters.AddWithValue("owner", Options.InstanceId);
        claim.Parameters.AddWithValue("lease", Options.LeaseDuration);
        claim.Parameters.AddWithValue("now", clock.GetStorableUtcNow());
        if (await claim.ExecuteScalarAsync(cancellationToken) is not Guid jobId)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }
        await NotifyAsync(connection, transaction, jobId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return jobId;
    }

    /// <summary>Extends our lease; false when the job is no longer ours (taken over, or finished by someone else).</summary>
    public async Task<bool> RenewAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var renew = new NpgsqlCommand("""
            UPDATE import_jobs SET lease_expires_at = now() + @lease
            WHERE id = @id AND lease_owner = @owner AND state = @running
            """, connection);
        renew.Parameters.AddWithValue("id", jobId);
        renew.Parameters.AddWithValue("owner", Options.InstanceId);
        renew.Parameters.AddWithValue("lease", Options.LeaseDuration);
        renew.Parameters.AddWithValue("running", ImportStates.Running);
        return await renew.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Whether the job is still ours and whether cancellation was asked for: checked at every unit boundary.</summary>
    public async Task<(bool Owned, bool CancelRequested)> CheckAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var check = new NpgsqlCommand("""
            SELECT lease_owner = @owner AND state = @running, cancel_requested FROM import_jobs WHERE id = @id
            """, connection);
        check.Parameters.AddWithValue("id", jobId);
        check.Parameters.AddWithValue("owner", Options.InstanceId);
        check.Parameters.AddWithValue("running", ImportStates.Running);
        await using var reader = await check.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return (false, false);
        return (!reader.IsDBNull(0) && reader.GetBoolean(0), reader.GetBoolean(1));
    }

    /// <summary>
    /// Gives an unfinished job back (graceful shutdown): the lease ends now, so any instance can resume it at once
    /// instead of waiting for the lease to run out. Its state stays RUNNING: for watchers nothing changed.
    /// </summary>
    public async Task ReleaseAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var release = new NpgsqlCommand("""
            UPDATE import_jobs SET lease_owner = NULL, lease_expires_at = now()
            WHERE id = @id AND lease_owner = @owner AND state = @running
            """, connection, transaction);
        release.Parameters.AddWithValue("id", jobId);
        release.Parameters.AddWithValue("owner", Options.InstanceId);
        release.Parameters.AddWithValue("running", ImportStates.Running);
        await release.ExecuteNonQueryAsync(cancellationToken);
        await using (var queued = new NpgsqlCommand($"SELECT pg_notify('{ImportNotifications.QueuedChannel}', '')", connection, transaction))
            await queued.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, CancellationToken cancellationToken)
    {
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection, transaction);
        notify.Parameters.AddWithValue("channel", ImportNotifications.ProgressChannel);
        notify.Parameters.AddWithValue("payload", jobId.ToString());
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }
}
