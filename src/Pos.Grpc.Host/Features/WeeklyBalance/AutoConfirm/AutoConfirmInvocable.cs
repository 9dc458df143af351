using Coravel.Invocable;

namespace Pos.Grpc.Host.Features.WeeklyBalance.AutoConfirm;

/// <summary>Every few minutes: confirms the finished days of each client whose confirm_days_at has passed today (once a day each).</summary>
public sealed class AutoConfirmInvocable(AutoConfirmer confirmer) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => confirmer.RunDueAsync(CancellationToken);
}
