using Coravel.Invocable;

namespace Pos.Grpc.Host.Engine.Nightly;

/// <summary>The 02:00 Copenhagen night, also run at start-up and every few minutes to catch up a missed 02:00.</summary>
public sealed class NightlyImportInvocable(NightlyPlanner planner) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        // The night's own trace: the jobs it creates link their work to it.
        using var span = EngineMetrics.Source.StartActivity("nightly plan");
        await planner.CreateDueJobsAsync(CancellationToken);
    }
}
