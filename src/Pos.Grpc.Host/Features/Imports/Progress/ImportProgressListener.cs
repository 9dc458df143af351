using Npgsql;
using Pos.Grpc.Host.Features.Imports.Jobs;

namespace Pos.Grpc.Host.Features.Imports.Progress;

/// <summary>
/// The ONE PostgreSQL connection per instance that LISTENs for import notifications, whatever the number of
/// watchers; it hands them to <see cref="ImportProgressHub"/>. On any failure it reconnects with backoff and
/// then wakes every subscriber, since notifications sent while it was away are lost.
/// </summary>
public sealed class ImportProgressListener(IConfiguration configuration, ImportProgressHub hub, ILogger<ImportProgressListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = FirstBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(onListening: () => backoff = FirstBackoff, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Import progress listener lost its connection ({Message}); reconnecting in {Delay}", ex.Message, backoff);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task ListenAsync(Action onListening, CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(PersistenceExtensions.ConnectionStringName))
        {
            // A dedicated, long-lived connection: not from the pool, and probed while idle so a dead server is noticed.
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = "pos-grpc import progress listener",
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(stoppingToken);
        connection.Notification += OnNotification;
        await using (var listen = new NpgsqlCommand(
            $"LISTEN {ImportNotifications.ProgressChannel}; LISTEN {ImportNotifications.QueuedChannel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }
        logger.LogDebug("Listening for import notifications");
        onListening();
        hub.PublishAll();
        while (true) await connection.WaitAsync(stoppingToken);
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == ImportNotifications.QueuedChannel)
            hub.PublishQueued();
        else if (Guid.TryParse(e.Payload, out var jobId))
            hub.PublishJobChanged(jobId);
    }
}
