using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pos.Grpc.Host.Infrastructure.Caching;
using Pos.Grpc.Host.Infrastructure.Notifications;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host;

public static class PersistenceExtensions
{
    public const string ConnectionStringName = "Pos";

    public static WebApplicationBuilder AddPosPersistence(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not configured (POS_ConnectionStrings__{ConnectionStringName}). `./run` starts a local PostgreSQL and sets it.");
        builder.Services.AddDbContextPool<PosDbContext>(options => ConfigureNpgsql(options, connectionString));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DatabaseState>();
        builder.Services.AddSingleton<ClientConfigurationCache>();
        builder.Services.AddSingleton<INotificationHandler>(sp => sp.GetRequiredService<ClientConfigurationCache>());
        builder.Services.AddSingleton<ClientConfigurationChanges>();
        builder.Services.AddHostedService<PostgresNotificationListener>();
        if (builder.Configuration.GetValue("Database:MigrateOnStartup", true))
            builder.Services.AddHostedService<DatabaseMigrator>();
        else
            builder.Services.AddSingleton<IHostedService, AssumeMigrated>();
        return builder;
    }

    public static void ConfigureNpgsql(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>With start-up migration off, an explicit `migrate` has run; the schema is taken as current.</summary>
    private sealed class AssumeMigrated(DatabaseState state) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            state.MarkMigrated();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
