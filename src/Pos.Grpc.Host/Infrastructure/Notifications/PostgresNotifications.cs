using Npgsql;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Infrastructure.Notifications;

/// <summary>A part of the host that reacts to PostgreSQL notifications (NOTIFY) sent by any instance.</summary>
public interface INotificationHandler
{
    /// <summary>The channels it LISTENs to (constant names, not user input).</summary>
    IReadOnlyList<string> Channels { get; }

    void OnNotification(string channel, string payload);

    /// <summary>
    /// The listener (re)connected: notifications sent while it was away are lost, so whatever they would have
    /// told must be assumed (drop caches, wake waiters).
    /// </summary>
    void OnListening();
}

/// <summary>
/// The ONE dedicated PostgreSQL connection per instance that LISTENs for every channel of every
/// <see cref="INotificationHandler"/>, however many watchers and caches there are. On any failure it reconnects
/// with backoff and tells every handler it is listening again.
/// </summary>
public sealed class PostgresNotificationListener(
    PosDatabase database, IEnumerable<INotificationHandler> handlers, ILogger<PostgresNotificationListener> logger) : BackgroundService
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<INotificationHandler> _handlers = handlers.ToList();

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
                logger.LogWarning("Notification listener lost its connection ({Message}); reconnecting in {Delay}", ex.Message, backoff);
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
        await using var connection = database.CreateListenConnection();
        await connection.OpenAsync(stoppingToken);
        connection.Notification += (_, e) =>
        {
            foreach (var handler in _handlers)
                if (handler.Channels.Contains(e.Channel)) handler.OnNotification(e.Channel, e.Payload);
        };
        var listen = string.Join("; ", _handlers.SelectMany(h => h.Channels).Distinct().Select(channel => $"LISTEN {channel}"));
        await using (var command = new NpgsqlCommand(listen, connection))
        {
            await command.ExecuteNonQueryAsync(stoppingToken);
        }
        onListening();
        foreach (var handler in _handlers) handler.OnListening();
        while (true) await connection.WaitAsync(stoppingToken);
    }
}
