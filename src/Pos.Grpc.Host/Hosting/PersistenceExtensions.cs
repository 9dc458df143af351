using Microsoft.EntityFrameworkCore;
using Npgsql;
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
            ?? throw new PosConfigurationException(
                $"ConnectionStrings:{ConnectionStringName} is not configured (POS_ConnectionStrings__{ConnectionStringName}); scripts/run.sh starts a local PostgreSQL and sets it.");
        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.Problems().ToList() is { Count: > 0 } problems)
            throw new PosConfigurationException(string.Join("; ", problems.Select(p => $"{DatabaseOptions.Section}: {p}")));

        var database = new PosDatabase(connectionString, options);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(database.Pool);
        builder.Services.AddDbContextPool<PosDbContext>((services, db) => ConfigureNpgsql(db, services.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DatabaseState>();
        builder.Services.AddSingleton<ClientConfigurationCache>();
        builder.Services.AddSingleton<INotificationHandler>(sp => sp.GetRequiredService<ClientConfigurationCache>());
        builder.Services.AddSingleton<ClientConfigurationChanges>();
        builder.Services.AddHostedService<PostgresNotificationListener>();
        if (options.MigrateOnStartup)
            builder.Services.AddHostedService<DatabaseMigrator>();
        else
            builder.Services.AddSingleton<IHostedService, AssumeMigrated>();
        return builder;
    }

    public static void ConfigureNpgsql(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        Configure(options.UseNpgsql(dataSource, MigrationsTable));

    /// <summary>For design-time tools only, which have no data source.</summary>
    public static void ConfigureNpgsql(DbContextOptionsBuilder options, string connectionString) =>
        Configure(options.UseNpgsql(connectionString, MigrationsTable));

    private static void MigrationsTable(Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsHistoryTable("__ef_migrations_history");

    private static void Configure(DbContextOptionsBuilder options) => options.UseSnakeCaseNamingConvention();

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
