using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Hosting;

public sealed class HealthAndReflectionTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    [Theory]
    [InlineData(Transport.Native)]
    [InlineData(Transport.GrpcWebText)]
    public async Task Health_DatabaseReachable_IsServingWithoutToken(Transport transport)
    {
        var health = new Health.HealthClient(host.Channel(null, transport));
        var response = await health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Reflection_ListsEverySixServiceAndHealth()
    {
        var reflection = new ServerReflection.ServerReflectionClient(host.Channel(null));
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToHashSet();

        Assert.Superset(new HashSet<string>
        {
            "pos.settings.v1.SettingsService", "pos.departments.v1.DepartmentService", "pos.field_mapping.v1.FieldMappingService",
            "pos.lightspeed_auth.v1.LightspeedAuthService", "pos.imports.v1.ImportService", "pos.weekly_balance.v1.WeeklyBalanceService",
            "grpc.health.v1.Health",
        }, services);
    }

    [Fact]
    public async Task Reflection_DescribesAServiceWithItsDocComments()
    {
        var reflection = new ServerReflection.ServerReflectionClient(host.Channel(null));
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "pos.settings.v1.SettingsService" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var file = Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(
            call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto[0]);
        Assert.Equal("pos/settings/v1/settings_service.proto", file.Name);
        Assert.Contains(file.Service, s => s.Name == "SettingsService" && s.Method.Any(m => m.Name == "UpdateGeneralSettings"));
    }
}

/// <summary>A host whose PostgreSQL does not answer: it must start and say NOT_SERVING.</summary>
public sealed class UnreachableDatabaseHostFixture : PosHostFixture
{
    protected override bool WaitForMigratedDatabase => false;

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["ConnectionStrings:Pos"] = $"Host=127.0.0.1;Port={PostgresServer.FreeTcpPort()};Database=nowhere;Username=postgres;Timeout=1";
        return settings;
    }
}

public sealed class UnreachableDatabaseTests(UnreachableDatabaseHostFixture host) : IClassFixture<UnreachableDatabaseHostFixture>
{
    [Fact]
    public async Task Health_DatabaseUnreachable_IsNotServing()
    {
        var health = new Health.HealthClient(host.Channel(null));
        var response = await health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, response.Status);
    }

    [Fact]
    public async Task Probes_DatabaseUnreachable_AliveButNotReady()
    {
        var health = new Health.HealthClient(host.Channel(null));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest { Service = "readiness" })).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "liveness" })).Status);
        using var http = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await http.GetAsync($"http://127.0.0.1:{host.OperationsPort}/healthz/ready")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{host.OperationsPort}/healthz/live")).StatusCode);
    }

    [Fact]
    public async Task Rpc_DatabaseUnreachable_IsUnavailableNotInternal()
    {
        var settings = host.Client<Pos.Grpc.Contracts.Settings.V1.SettingsService.SettingsServiceClient>(PosHostFixture.Supervisor(1));
        await RpcAssert.FailsAsync(global::Grpc.Core.StatusCode.Unavailable, () => settings.GetGeneralSettingsAsync(new() { ClientId = 1 }));
    }
}
