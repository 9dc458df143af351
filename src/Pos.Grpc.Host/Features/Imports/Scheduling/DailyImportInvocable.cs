using Coravel.Invocable;

namespace Pos.Grpc.Host.Features.Imports.Scheduling;

/// <summary>The 02:00 Copenhagen daily import, also run at start-up and every few minutes to catch up a missed 02:00.</summary>
public sealed class DailyImportInvocable(ScheduledImportPlanner planner) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => planner.CreateDueJobsAsync(CancellationToken);
}
