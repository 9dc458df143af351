using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Client.Tests;

/// <summary>AddPosGrpcClient against the real host: registration, token, deadlines, gRPC-Web.</summary>
public sealed class ClientLibraryTests(RecordingHostFixture host) : IClassFixture<RecordingHostFixture>
{
    [Fact]
    public void AddPosGrpcClient_RegistersAllSevenTypedClients()
    {
        using var provider = ClientFactory.Provider(host);

        Assert.NotNull(provider.GetRequiredService<SettingsService.SettingsServiceClient>());
        Assert.NotNull(provider.GetRequiredService<DepartmentService.DepartmentServiceClient>());
        Assert.NotNull(provider.GetRequiredService<FieldMappingService.FieldMappingServiceClient>());
        Assert.NotNull(provider.GetRequiredService<LightspeedAuthService.LightspeedAuthServiceClient>());
        Assert.NotNull(provider.GetRequiredService<ImportService.ImportServiceClient>());
        Assert.NotNull(provider.GetRequiredService<ImportHealthService.ImportHealthServiceClient>());
        Assert.NotNull(provider.GetRequiredService<WeeklyBalanceService.WeeklyBalanceServiceClient>());
    }

    [Fact]
    public async Task Calls_AskTheTokenProviderPerCall_AndSendItAsBearer()
    {
        var asked = 0;
        using var provider = ClientFactory.Provider(host, options => options.TokenProvider = _ =>
        {
            Interlocked.Increment(ref asked);
            return ValueTask.FromResult(PosHostFixture.Supervisor(1));
        });
        var settings = provider.GetRequiredService<SettingsService.SettingsServiceClient>();
        var departments = provider.GetRequiredService<DepartmentService.DepartmentServiceClient>();
        var testId = Guid.NewGuid().ToString();

        var general = await settings.GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = 1 }, ClientFactory.Tagged(testId));
        await departments.ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 1 }, ClientFactory.Tagged(testId));
        await settings.GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = 1 }, ClientFactory.Tagged(testId));

        Assert.Equal(1, general.Settings.ClientId);
        Assert.Equal(3, asked);
        var received = host.ReceivedFor(testId);
        Assert.Equal(3, received.Count);
        Assert.All(received, r => Assert.StartsWith("Bearer ey", r.Authorization));
    }

    [Fact]
    public async Task Calls_WithoutTokenProvider_AreUnauthenticated()
    {
        using var provider = ClientFactory.Provider(host, options => options.TokenProvider = null);
        var settings = provider.GetRequiredService<SettingsService.SettingsServiceClient>();

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => settings.GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = 1 }));
    }

    [Fact]
    public async Task UnaryCall_WithoutDeadline_GetsTheConfiguredDefault_AndACallersDeadlineWins()
    {
        using var provider = ClientFactory.Provider(host, options => options.UnaryDeadline = TimeSpan.FromSeconds(7));
        var settings = provider.GetRequiredService<SettingsService.SettingsServiceClient>();
        var defaulted = Guid.NewGuid().ToString();
        var explicitDeadline = Guid.NewGuid().ToString();

        await settings.GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = 1 }, ClientFactory.Tagged(defaulted));
        await settings.GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = 1 },
            ClientFactory.Tagged(explicitDeadline, DateTime.UtcNow.AddSeconds(30)));

        Assert.InRange(GrpcTimeout(host.ReceivedFor(defaulted).Single()), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7));
        Assert.InRange(GrpcTimeout(host.ReceivedFor(explicitDeadline).Single()), TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task WatchImportJob_HasNoDeadlineByDefault()
    {
        using var provider = ClientFactory.Provider(host);
        var imports = provider.GetRequiredService<ImportService.ImportServiceClient>();
        var testId = Guid.NewGuid().ToString();

        using var watch = imports.WatchImportJob(new WatchImportJobRequest { JobId = Guid.NewGuid().ToString() }, ClientFactory.Tagged(testId));
        try
        {
            await foreach (var _ in watch.ResponseStream.ReadAllAsync()) { }
        }
        catch (RpcException)
        {
            // Whatever the import service answers today (UNIMPLEMENTED, later NOT_FOUND): the request is what counts.
        }

        var request = host.ReceivedFor(testId).Single();
        Assert.EndsWith("/WatchImportJob", request.Path);
        Assert.Null(request.GrpcTimeout);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GrpcWeb_ReadsSettingsAndDepartments(bool text)
    {
        using var provider = ClientFactory.Provider(host, options =>
        {
            options.GrpcWebAddress = new Uri($"http://127.0.0.1:{host.GrpcWebPort}");
            options.UseGrpcWebText = text;
        });
        var settings = provider.GetRequiredService<SettingsService.SettingsServiceClient>();
        var departments = provider.GetRequiredService<DepartmentService.DepartmentServiceClient>();
        var testId = Guid.NewGuid().ToString();

        var general = await settings.GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = 1 }, ClientFactory.Tagged(testId));
        var list = await departments.ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 1 }, ClientFactory.Tagged(testId));

        Assert.Equal("Europe/Copenhagen", general.Settings.TimeZone);
        Assert.NotNull(list);
        var received = host.ReceivedFor(testId);
        Assert.Equal(2, received.Count);
        Assert.All(received, r =>
        {
            Assert.Equal("HTTP/1.1", r.Protocol);
            Assert.StartsWith(text ? "application/grpc-web-text" : "application/grpc-web", r.ContentType);
            if (!text) Assert.DoesNotContain("text", r.ContentType);
            Assert.StartsWith("Bearer ", r.Authorization);
        });
    }

    /// <summary>The grpc-timeout header ("7000m", "6999999u", ...) as a time span.</summary>
    private static TimeSpan GrpcTimeout(ReceivedRequest request)
    {
        var value = request.GrpcTimeout ?? throw new Xunit.Sdk.XunitException($"{request.Path} carried no grpc-timeout");
        var amount = long.Parse(value[..^1], CultureInfo.InvariantCulture);
        return value[^1] switch
        {
            'H' => TimeSpan.FromHours(amount),
            'M' => TimeSpan.FromMinutes(amount),
            'S' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMilliseconds(amount),
            'u' => TimeSpan.FromMicroseconds(amount),
            'n' => TimeSpan.FromTicks(amount / 100),
            _ => throw new FormatException(value),
        };
    }
}
