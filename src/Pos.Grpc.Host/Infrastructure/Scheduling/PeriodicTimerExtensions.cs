namespace Pos.Grpc.Host.Infrastructure.Scheduling;

public static class PeriodicTimerExtensions
{
    /// <summary>The next tick of a background service's timer; false once the service stops (instead of throwing).</summary>
    public static async Task<bool> NextTickAsync(this PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
