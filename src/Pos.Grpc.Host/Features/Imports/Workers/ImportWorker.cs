using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Features.Imports.Progress;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Features.Imports.Workers;

/// <summary>
/// Runs import jobs in the background on every instance: <see cref="ImportWorkerOptions.Slots"/> loops, each
/// claiming one job at a time. An idle slot wakes on a "job queued" notification from any instance, or after
/// the poll interval (which also picks up jobs whose owner died once their lease has run out).
/// </summary>
public sealed class ImportWorker(
    ImportLeases leases,
    ImportJobRunner runner,
    ImportProgressHub hub,
    DatabaseState database,
    IOptions<ImportWorkerOptions> options,
    ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = options.Value.Slots;
        if (slots == 0) return;
        try
        {
            while (!database.IsMigrated) await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        logger.LogInformation("Import workers started: {Slots} slots as {InstanceId}", slots, options.Value.InstanceId);
        await Task.WhenAll(Enumerable.Range(0, slots).Select(_ => RunSlotAsync(stoppingToken)));
    }

    private async Task RunSlotAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var queued = hub.SubscribeToQueued();
        while (!stoppingToken.IsCancellationRequested)
        {
            Guid? jobId = null;
            try
            {
                jobId = await leases.TryClaimAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Could not look for import jobs ({Message})", ex.Message);
            }

            if (jobId is { } id)
            {
                try
                {
                    await runner.RunAsync(id, stoppingToken);
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "Import job {JobId} stopped unexpectedly; it resumes when its lease runs out", id);
                }
                continue;
            }

            try
            {
                await queued.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
