using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Pos.Grpc.Host.Infrastructure.Persistence;

/// <summary>
/// Applies the checked-in migrations at start-up. While PostgreSQL is unreachable it retries in the
/// background instead of failing the host, so health reports NOT_SERVING until the database is back.
/// EF Core serialises concurrent migrators of several instances with a database lock.
/// </summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, DatabaseState state, ILogger<DatabaseMigrator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await MigrateAsync(scopes, stoppingToken);
                state.MarkMigrated();
                logger.LogInformation("Database schema is up to date");
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Database not ready ({Message}); retrying in {Delay}", ex.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    public static async Task MigrateAsync(IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
        // On a new database Npgsql's provider reads the history table before creating it and logs the expected failure
        // as an error (npgsql/efcore.pg#3407); creating it first (IF NOT EXISTS) keeps a first start's log clean.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
