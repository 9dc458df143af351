using Coravel.Invocable;

namespace Pos.Grpc.Host.Engine.Nightly;

/// <summary>The 02:00 Copenhagen night, also run at start-up and every few minutes to catch up a missed 02:00.</summary>
public sealed class NightlyImportInvocable(NightlyPlanner planner) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => planner.CreateDueJobsAsync(CancellationToken);
}
