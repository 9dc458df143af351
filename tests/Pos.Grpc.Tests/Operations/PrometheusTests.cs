using System.Diagnostics;
using System.Text.Json;
using Pos.Grpc.Tests.Hosting;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Operations;

/// <summary>
/// A real Prometheus (Debian's package; scripts/prerequisites.sh installs it) scrapes a running host's operations port with
/// the repository's alert rules loaded, and answers queries about it through its HTTP API, as a platform team's would.
/// </summary>
public sealed class PrometheusTests(PosHostFixture host) : IClassFixture<PosHostFixture>, IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"pos-prometheus-{Guid.NewGuid():N}");
    private readonly int _port = PostgresServer.FreeTcpPort();
    private readonly HttpClient _api = new();
    private Process? _prometheus;
    private readonly System.Text.StringBuilder _log = new();

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var rules = Path.Combine(ReadmeWalkthroughTests.RepositoryRoot(), "ops", "prometheus", "alerts.yml");
        File.WriteAllText(Path.Combine(_directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - {rules}
            scrape_configs:
              - job_name: pos-grpc
                static_configs:
                  - targets: ['127.0.0.1:{host.OperationsPort}']
            """);
        var binary = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("prometheus is not installed: scripts/prerequisites.sh installs Debian's package (ensure_prometheus).");
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                $"--config.file={Path.Combine(_directory, "prometheus.yml")}",
                $"--storage.tsdb.path={Path.Combine(_directory, "data")}",
                $"--web.listen-address=127.0.0.1:{_port}",
                "--log.level=warn",
            },
        };
        _prometheus = Process.Start(info)!;
        _prometheus.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _prometheus.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _prometheus.BeginOutputReadLine();
        _prometheus.BeginErrorReadLine();
        return ValueTask.CompletedTask;
    }

    /// <summary>Asks Prometheus' HTTP API until <paramref name="accept"/> likes the data (its scrapes and rules take a few seconds).</summary>
    private async Task<JsonElement> WaitForAsync(string path, Func<JsonElement, bool> accept)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_prometheus!.HasExited, $"prometheus exited:\n{_log}");
            try
            {
                last = await _api.GetStringAsync($"http://127.0.0.1:{_port}{path}");
                var data = JsonDocument.Parse(last).RootElement.GetProperty("data");
                if (accept(data)) return data.Clone();
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"Prometheus never answered {path} as expected; last: {last}\n{_log}");
    }

    private static double? Value(JsonElement data) =>
        data.GetProperty("result") is { ValueKind: JsonValueKind.Array } result && result.GetArrayLength() > 0
            ? double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    [Fact]
    public async Task Prometheus_ScrapesTheOperationsPort_AndAnswersForTheHostsMetrics()
    {
        var up = await WaitForAsync("/api/v1/query?query=" + Uri.EscapeDataString("up{job=\"pos-grpc\"}"), d => Value(d) == 1);
        Assert.Equal($"127.0.0.1:{host.OperationsPort}", up.GetProperty("result")[0].GetProperty("metric").GetProperty("instance").GetString());
        // The readiness gauge the PosInstanceNotReady alert reads, and an instrumentation's own series.
        await WaitForAsync("/api/v1/query?query=" + Uri.EscapeDataString("max(pos_readiness)"), d => Value(d) == 1);
        await WaitForAsync("/api/v1/query?query=" + Uri.EscapeDataString("sum(db_client_connection_count{db_client_connection_pool_name=\"pos-grpc\"})"),
            d => Value(d) is not null);
    }

    [Fact]
    public async Task Prometheus_LoadsTheRepositorysAlertRules_AndEvaluatesThemWithoutError()
    {
        var rules = await WaitForAsync("/api/v1/rules", d => d.GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray()).All(r => r.TryGetProperty("lastEvaluation", out var at) && !at.GetString()!.StartsWith("0001", StringComparison.Ordinal)));
        var all = rules.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
        Assert.Equal(["PosConnectionNeedsReauthorization", "PosDepartmentDaysFailing", "PosInstanceDown", "PosInstanceNotReady", "PosLightspeedRateLimited", "PosNightLate"],
            all.Select(r => r.GetProperty("name").GetString()!).Order());
        Assert.All(all, r => Assert.Equal("ok", r.GetProperty("health").GetString()));
    }

    public ValueTask DisposeAsync()
    {
        if (_prometheus is { HasExited: false }) _prometheus.Kill(entireProcessTree: true);
        _prometheus?.Dispose();
        _api.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Prometheus may still be closing its files.
        }
        return ValueTask.CompletedTask;
    }
}
