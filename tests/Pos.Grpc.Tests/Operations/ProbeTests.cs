using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Pos.Grpc.Tests.Imports.Jobs;
using Pos.Grpc.Tests.Infrastructure;
using static Grpc.Health.V1.HealthCheckResponse.Types;

namespace Pos.Grpc.Tests.Operations;

/// <summary>Liveness and readiness, over grpc.health.v1 on the public ports and over HTTP on the operations port, which serves nothing else.</summary>
public sealed class ProbeTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    [Theory]
    [InlineData("liveness", Transport.Native)]
    [InlineData("readiness", Transport.Native)]
    [InlineData("", Transport.Native)]
    [InlineData("readiness", Transport.GrpcWebText)]
    public async Task GrpcHealth_NamedServices_AreServing(string service, Transport transport)
    {
        var health = new Health.HealthClient(host.Channel(null, transport));
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = service })).Status);
    }

    [Fact]
    public async Task GrpcHealth_UnknownService_IsNotFound()
    {
        var health = new Health.HealthClient(host.Channel(null));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => health.CheckAsync(new HealthCheckRequest { Service = "pos.nothing" }).ResponseAsync);
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    public async Task HttpProbes_OnTheOperationsPort_AreHealthy(string path)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync($"http://127.0.0.1:{host.OperationsPort}{path}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OperationsPort_ServesNoApi_AndThePublicPortsServeNoMetrics()
    {
        using var http = new HttpClient();
        var call = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{host.OperationsPort}/pos.settings.v1.SettingsService/GetGeneralSettings")
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 0]) { Headers = { { "Content-Type", "application/grpc-web" } } },
        };
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(call)).StatusCode);

        var scrape = await http.GetAsync($"http://127.0.0.1:{host.GrpcWebPort}/metrics");
        Assert.NotEqual(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("# TYPE", await (await http.GetAsync($"http://127.0.0.1:{host.OperationsPort}/metrics")).Content.ReadAsStringAsync());
    }
}

/// <summary>A host that drains for two seconds before its streams end and its server stops, as one behind a load balancer would.</summary>
public sealed class DrainingImportHost() : ImportHostFixture(runsLanes: true)
{
    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Shutdown:DrainDelay"] = "00:00:02";
        return settings;
    }

    /// <summary>Stops the host only: the test's own channels stay open to watch it stop.</summary>
    public Task StopAsync() => StopHostAsync();
}

public sealed class ShutdownProbeTests
{
    [Fact]
    public async Task Shutdown_ReadinessIsNotServingAtOnce_ThenTheWatchStreamsEnd_LivenessStaysServing()
    {
        var host = new DrainingImportHost();
        await host.InitializeAsync();
        var seed = new ImportSeed(host);
        await seed.ReadyClientAsync(611, (61101, "6111"));
        host.Pos.For("6111").BlockOn(ImportSeed.Day("2026-10-02"));
        using var channel = PosHostFixture.CreateChannel(host.GrpcPort, host.SupervisorOf(611));
        using var probes = PosHostFixture.CreateChannel(host.GrpcPort, null);
        var imports = new Pos.Grpc.Contracts.Imports.V1.ImportService.ImportServiceClient(channel);
        var job = (await imports.StartImportAsync(new()
        {
            ClientId = 611, DepartmentIds = { 61101 }, FromDate = "2026-10-01", UntilDate = "2026-10-02", RequestId = Guid.NewGuid().ToString(),
        })).Job;
        using var watch = imports.WatchImportJob(new() { JobId = job.JobId });
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        var health = new Health.HealthClient(probes);

        var stopping = host.StopAsync();
        // Shutdown has started: not ready at once, alive all along; the stream (heartbeats meanwhile) ends once the drain is over.
        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest { Service = "readiness" })).Status);
        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "liveness" })).Status);
        var ended = await Assert.ThrowsAsync<RpcException>(async () => { while (await watch.ResponseStream.MoveNext(CancellationToken.None)) { } });
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        await stopping;
        await host.DisposeAsync();
    }
}

/// <summary>A host with Telemetry:Enabled=false: the probes stay, /metrics is gone.</summary>
public sealed class UninstrumentedHostFixture : PosHostFixture
{
    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Telemetry:Enabled"] = "false";
        return settings;
    }
}

public sealed class UninstrumentedHostTests(UninstrumentedHostFixture host) : IClassFixture<UninstrumentedHostFixture>
{
    [Fact]
    public async Task TelemetryOff_ProbesAnswer_AndThereAreNoMetrics()
    {
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{host.OperationsPort}/healthz/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{host.OperationsPort}/metrics")).StatusCode);
        var health = new Health.HealthClient(host.Channel(null));
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "liveness" })).Status);
    }
}
