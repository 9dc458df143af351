using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Engine;
using Pos.Grpc.Host.Infrastructure.Operations;
using Pos.Grpc.Tests.Imports.EndToEnd;
using System.Globalization;

namespace Pos.Grpc.Tests.Operations;

/// <summary>
/// One import through the real host and the simulator, with a 5xx and a 429 on the way, seen the way operators see it:
/// a trace from the StartImport call to the lane's work (linked) with its Lightspeed requests and SQL commands as child
/// spans, log lines with trace ids and the job's scope (and no HttpClient chatter), and the counters on /metrics.
/// </summary>
public sealed class ObservabilityTests(ObservabilityFixture host) : IClassFixture<ObservabilityFixture>
{
    private const long ClientId = 7101, AccountId = 971001, DepartmentId = 710101;

    private async Task<ImportJob> ImportWithFaultsAsync()
    {
        await WeekScenario.DefineAccountAsync(host, AccountId);
        var client = await EndToEndClient.SetUpAsync(host, ClientId, AccountId,
            [new PlannedDepartment(DepartmentId, AccountId, WeekScenario.TerminalNumbers)], WeekScenario.Fields(ClientId));
        var faults = await host.SimulatorAdmin.PutAsJsonAsync($"/__sim/accounts/{AccountId}/faults", new { serverErrors = 1, rateLimitStorm = 1 });
        faults.EnsureSuccessStatusCode();
        return await client.ImportAsync([DepartmentId], WeekScenario.Monday, WeekScenario.Sunday);
    }

    /// <summary>The one import of the class (tests of a class run one after the other), with its call's and its run's spans.</summary>
    private Task<(ImportJob Job, Activity Call, Activity Run)> ImportedAndTracedAsync() => host.Imported ??= ImportAndTraceAsync();

    private async Task<(ImportJob Job, Activity Call, Activity Run)> ImportAndTraceAsync()
    {
        var job = await ImportWithFaultsAsync();
        // The process may run other hosts: their spans reach this exporter too, so the call is told apart by its port.
        var call = host.Spans.SingleOrDefault(s => s.Kind == ActivityKind.Server && s.GetTagItem("server.port") as int? == host.GrpcPort
                                                   && s.GetTagItem("rpc.method") as string == "pos.imports.v1.ImportService/StartImport")
            ?? throw new Xunit.Sdk.XunitException("No StartImport span; server spans: " + string.Join("; ", host.Spans.Where(s => s.Kind == ActivityKind.Server).Take(5)
                .Select(s => s.DisplayName + " " + string.Join(",", s.TagObjects.Select(t => $"{t.Key}={t.Value}")))));
        // The run's span ends once its writer is done, just after the job's last state change.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Activity? run;
        while ((run = host.Spans.SingleOrDefault(s => s.Source.Name == EngineMetrics.Name && s.GetTagItem("pos.import.job_id") as string == job.JobId)) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the lane's span of the job was never exported");
            await Task.Delay(50);
        }
        return (job, call, run);
    }

    [Fact]
    public async Task Import_IsOneTraceOfWorkLinkedToTheCall_WithLightspeedRequestsAndSqlAsChildSpans()
    {
        var (job, call, run) = await ImportedAndTracedAsync();

        Assert.Equal("grpc", call.GetTagItem("rpc.system.name"));
        Assert.Equal("OK", call.GetTagItem("rpc.response.status_code"));
        // The work is not a child of the call (it outlives it) but links to it.
        Assert.NotEqual(call.TraceId, run.TraceId);
        Assert.Contains(run.Links, link => link.Context.TraceId == call.TraceId && link.Context.SpanId == call.SpanId);
        Assert.Equal(ClientId, run.GetTagItem("pos.client_id"));
        Assert.Equal($"rseries:{AccountId}", run.GetTagItem("pos.account"));

        var inRun = host.Spans.Where(s => s.TraceId == run.TraceId).ToList();
        var requests = inRun.Where(s => s.Source.Name == "System.Net.Http" && s.Kind == ActivityKind.Client).ToList();
        var statuses = requests.Select(s => s.GetTagItem("http.response.status_code")).OfType<int>().ToHashSet();
        Assert.Contains(200, statuses);
        Assert.Contains(429, statuses);
        Assert.True(statuses.Contains(500) || statuses.Contains(503), $"statuses: {string.Join(", ", statuses)}");
        Assert.Contains(inRun, s => s.Source.Name == "Npgsql" && s.Kind == ActivityKind.Client);
        // The call's own SQL (the job's insert) is in the call's trace.
        Assert.Contains(host.Spans, s => s.Source.Name == "Npgsql" && s.TraceId == call.TraceId);
        Assert.Equal(Guid.Parse(job.JobId).ToString(), run.GetTagItem("pos.import.job_id"));
    }

    [Fact]
    public async Task LogLinesInsideAJob_CarryTraceIdsAndTheJobScope_AndHttpClientLinesAreGone()
    {
        var (job, _, run) = await ImportedAndTracedAsync();
        var logs = host.Logs.Logs;

        // The one line of each failed Lightspeed request, inside the job's scope and the run's trace.
        var failures = logs.Where(l => l.Category.StartsWith("Pos.Grpc.Providers.RSeries", StringComparison.Ordinal) && l.Level == LogLevel.Warning
                                        && l.Scope.TryGetValue("JobId", out var id) && id?.ToString() == job.JobId).ToList();
        Assert.Contains(failures, l => l.Message.Contains("answered 429", StringComparison.Ordinal));
        Assert.Contains(failures, l => l.Message.Contains("answered 50", StringComparison.Ordinal));
        Assert.All(failures, l =>
        {
            Assert.Equal(ClientId, l.Scope["ClientId"]);
            Assert.Equal(new[] { DepartmentId }, l.Scope["DepartmentIds"]);
            Assert.Equal(run.TraceId.ToHexString(), l.Scope["TraceId"]?.ToString());
            Assert.False(string.IsNullOrEmpty(l.Scope["SpanId"]?.ToString()));
        });
        // Every line logged while a span was current names it: here, everything of the run.
        Assert.All(logs.Where(l => l.Scope.ContainsKey("JobId")), l => Assert.True(l.Scope.ContainsKey("TraceId"), l.Message));
        // IHttpClientFactory's per-request lines are filtered out, even with Information as the default level.
        Assert.DoesNotContain(logs, l => l.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) && l.Level < LogLevel.Warning);
    }

    [Fact]
    public async Task Metrics_CountTheImportLightspeedRequestsByOutcomeAndTheFleet_WithoutUnboundedLabels()
    {
        var job = (await ImportedAndTracedAsync()).Job;
        await host.Services.GetRequiredService<FleetMetrics>().RefreshAsync(CancellationToken.None);

        var metrics = await PrometheusText.ScrapeAsync(host.OperationsPort);

        Assert.True(metrics.Sum("pos_import_department_days_total", ("outcome", "imported")) >= 7, metrics.Text);
        Assert.True(metrics.Sum("pos_import_sales_read_total") >= job.Progress.SalesRead);
        Assert.True(metrics.Sum("pos_import_values_written_total") >= job.Progress.ValuesWritten);
        Assert.True(metrics.Has("pos_import_lanes_running"));
        var system = ("pos_system", "lightspeed_r_series");
        Assert.True(metrics.Sum("pos_provider_requests_total", system, ("outcome", "2xx")) >= 1);
        Assert.True(metrics.Sum("pos_provider_requests_total", system, ("outcome", "429")) >= 1);
        Assert.True(metrics.Sum("pos_provider_requests_total", system, ("outcome", "5xx")) >= 1);
        Assert.True(metrics.Sum("pos_provider_rate_limit_wait_seconds_count", system) >= job.Progress.RequestsMade);
        Assert.True(metrics.Sum("pos_provider_bucket_fill_count", system) >= 1);
        Assert.True(metrics.Sum("pos_import_jobs", ("trigger", "manual"), ("state", "succeeded")) >= 1);
        Assert.True(metrics.Sum("pos_connections", ("state", "active")) >= 1);
        Assert.True(metrics.Has("pos_import_night_late_clients"));
        // The client just imported has a newest imported day, so it is counted in one of the age bands.
        Assert.True(metrics.Sum("pos_import_clients_newest_day_age") >= 1, metrics.Text);

        // The instrumentation's own: gRPC calls by route, Npgsql's connections, the runtime.
        Assert.Contains(metrics.Samples("http_server_request_duration_seconds_count"),
            s => s.Labels.GetValueOrDefault("http_route") == "/pos.imports.v1.ImportService/StartImport");
        // Npgsql's connections in use, under the pool's name (never its connection string).
        Assert.Contains(metrics.Samples("db_client_connection_count"), s => s.Labels.GetValueOrDefault("db_client_connection_pool_name") == "pos-grpc"
                                                                             && s.Labels.GetValueOrDefault("db_client_connection_state") == "used");
        Assert.True(metrics.Has("dotnet_gc_collections_total"), metrics.Text);

        // No job, client or account id is a label anywhere.
        Assert.DoesNotContain(job.JobId, metrics.Text);
        Assert.DoesNotContain(AccountId.ToString(CultureInfo.InvariantCulture), metrics.Text);
        Assert.DoesNotContain("client_id", metrics.Text);
    }
}
