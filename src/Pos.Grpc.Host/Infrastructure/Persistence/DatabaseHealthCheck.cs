using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pos.Grpc.Host.Infrastructure.Persistence;

/// <summary>
/// Healthy when PostgreSQL answers within two seconds and the schema is migrated. PostgreSQL's answer stands for
/// <see cref="AnswerLifetime"/> and concurrent checks share one question, so health checks cost at most one round
/// trip a second whatever their rate: they need no token and are not rate-limited (a flood of them must not make a
/// probe behind the same address fail), so they must be cheap. Registered as a singleton to keep that answer.
/// </summary>
public sealed class DatabaseHealthCheck(IServiceScopeFactory scopes, DatabaseState state) : IHealthCheck, IDisposable
{
    public static readonly TimeSpan AnswerLifetime = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _asking = new(1, 1);
    // Real elapsed time (Stopwatch), not the service's clock: tests may freeze that one.
    private (HealthCheckResult Result, long At)? _answer;

    public void Dispose() => _asking.Dispose();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!state.IsMigrated) return HealthCheckResult.Unhealthy("The database schema is not migrated yet.");
        if (Fresh() is { } fresh) return fresh;
        await _asking.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } answered) return answered;
            var result = await AskAsync(cancellationToken);
            _answer = (result, Stopwatch.GetTimestamp());
            return result;
        }
        finally
        {
            _asking.Release();
        }
    }

    private HealthCheckResult? Fresh() =>
        _answer is { } answer && Stopwatch.GetElapsedTime(answer.At) < AnswerLifetime ? answer.Result : null;

    private async Task<HealthCheckResult> AskAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
            return await db.Database.CanConnectAsync(timeout.Token)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("PostgreSQL is unreachable.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is unreachable.", ex);
        }
    }
}
