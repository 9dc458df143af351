using System.Diagnostics;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Features.Imports.Service;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Features.Imports.Service;

/// <summary>A job as read at one moment: its row and its message, shared read-only by every stream that asked.</summary>
public sealed record ImportJobSnapshot(ImportJobEntity Job, ImportJob Message);

/// <summary>
/// Reads of a watched job, shared by its watchers. Each caller says how fresh the read must be ("started after
/// this instant", e.g. after the change notification it was woken by); a read in progress or just finished that
/// started late enough is handed to every such caller, so a change costs one read however many streams watch the
/// job (1,000 streams each re-reading the job, its units and its fields on every change would make thousands of
/// queries a second and pile up their allocations). A caller that gives up does not cancel a read others wait for.
/// </summary>
public sealed class ImportJobSnapshots(IServiceScopeFactory scopes)
{
    private sealed record Read(long StartedAt, Task<ImportJobSnapshot?> Result);

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Read> _latest = [];

    /// <param name="notBefore">Stopwatch timestamp: only a read that started at or after it will do.</param>
    /// <returns>Null when the job no longer exists.</returns>
    public Task<ImportJobSnapshot?> GetAsync(Guid jobId, long notBefore, CancellationToken cancellationToken)
    {
        Read read;
        lock (_gate)
        {
            if (!_latest.TryGetValue(jobId, out read!) || read.StartedAt < notBefore || read.Result.IsFaulted || read.Result.IsCanceled)
            {
                read = new Read(Stopwatch.GetTimestamp(), ReadAsync(jobId));
                _latest[jobId] = read;
                _ = ForgetAsync(jobId, read);
            }
        }
        return read.Result.WaitAsync(cancellationToken);
    }

    private async Task<ImportJobSnapshot?> ReadAsync(Guid jobId)
    {
        await Task.Yield();
        await using var scope = scopes.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<ImportJobReader>();
        var job = await reader.FindAsync(jobId, CancellationToken.None);
        return job is null ? null : new ImportJobSnapshot(job, await reader.ToProtoAsync(job, CancellationToken.None));
    }

    /// <summary>A minute after a read, nobody needs it any more (watchers ask for fresher ones): the cache holds only watched jobs.</summary>
    private async Task ForgetAsync(Guid jobId, Read read)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1));
        }
        finally
        {
            lock (_gate)
                if (_latest.TryGetValue(jobId, out var current) && ReferenceEquals(current, read)) _latest.Remove(jobId);
        }
    }
}
