using System.Diagnostics;
using System.Diagnostics.Metrics;
using Pos.Grpc.Host.Engine.Jobs;

namespace Pos.Grpc.Host.Engine;

/// <summary>
/// What the engine tells operators, as OpenTelemetry instruments (meter and activity source "Pos.Grpc.Engine"): the
/// department-days it finished (imported, retried, failed, by reason), the sales and values they carried, the lanes
/// running here, and one span per job's work on an account, linked to the call or the night that made the job.
/// Labels are bounded sets (outcome, reason, trigger): per-client facts are the health RPC's, not a label's.
/// </summary>
public sealed class EngineMetrics
{
    public const string Name = "Pos.Grpc.Engine";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Lazy<ActivityListener> OwnListener = new(() =>
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    });

    /// <summary>
    /// Makes the engine's spans exist without an OpenTelemetry tracer (tracing off): one per job's run on an account, so
    /// the run's log lines still carry a trace id. Requests have ASP.NET Core's own activities for that.
    /// </summary>
    public static void KeepTraceIdsInLogs() => _ = OwnListener.Value;

    private readonly Counter<long> _days;
    private readonly Counter<long> _sales;
    private readonly Counter<long> _values;

    public EngineMetrics(IMeterFactory meters, Func<int> runningLanes)
    {
        var meter = meters.Create(Name);
        _days = meter.CreateCounter<long>("pos.import.department_days", "{department_day}",
            "Department-days a lane finished with: outcome imported, retried (a transient failure, tried again later) or failed (with its reason)");
        _sales = meter.CreateCounter<long>("pos.import.sales_read", "{sale}", "Sales read from the POS into imported department-days");
        _values = meter.CreateCounter<long>("pos.import.values_written", "{value}", "Weekly-balance values written by imported department-days");
        meter.CreateObservableUpDownCounter("pos.import.lanes.running", runningLanes, "{lane}", "POS accounts whose lane runs on this instance");
    }

    /// <summary>A department-day was written (after its transaction committed).</summary>
    public void DayImported(int salesRead, long valuesWritten)
    {
        _days.Add(1, new KeyValuePair<string, object?>("outcome", "imported"));
        _sales.Add(salesRead);
        _values.Add(valuesWritten);
    }

    /// <summary>Department-days that could not be read: those retried later and those given up, with the POS's reason.</summary>
    public void DaysNotImported(int retried, int failed, string reason)
    {
        if (retried > 0) _days.Add(retried, new("outcome", "retried"), new("reason", reason));
        if (failed > 0) _days.Add(failed, new("outcome", "failed"), new("reason", reason));
    }

    /// <summary>
    /// The span of one job's work on one account. Its parent is whatever runs the lane (nothing: a root); it links to the
    /// trace that created the job (StartImport or the night), so a trace viewer leads from the call to the work.
    /// </summary>
    public static Activity? StartRun(LaneJob job, string accountKey)
    {
        var links = ActivityContext.TryParse(job.TraceParent, null, out var creator) ? new[] { new ActivityLink(creator) } : null;
        var activity = Source.StartActivity(ActivityKind.Internal, parentContext: default, links: links, name: "import account");
        activity?.SetTag("pos.import.job_id", job.Id.ToString());
        activity?.SetTag("pos.client_id", job.ClientId);
        activity?.SetTag("pos.account", accountKey);
        activity?.SetTag("pos.import.trigger", job.Trigger.ToString());
        return activity;
    }
}
