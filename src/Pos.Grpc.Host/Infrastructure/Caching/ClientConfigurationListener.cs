using Npgsql;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Infrastructure.Caching;

/// <summary>
/// One LISTEN connection per instance that drops cached client configurations changed by any instance.
/// While disconnected, notifications may be lost, so the whole cache is cleared on every (re)connect.
/// </summary>
public sealed class ClientConfigurationListener(IConfiguration configuration, ClientConfigurationCache cache, ILogger<ClientConfigurationListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(PersistenceExtensions.ConnectionStringName))
        {
            Pooling = false,
            KeepAlive = 30,
        }.ConnectionString;
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, out var clientId)) cache.Invalidate(clientId);
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {ClientConfigurationChanges.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                cache.Clear();
                delay = TimeSpan.FromMilliseconds(250);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                cache.Clear();
                logger.LogWarning("Configuration change listener lost its connection ({Message}); reconnecting in {Delay}", ex.Message, delay);
                try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { return; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
