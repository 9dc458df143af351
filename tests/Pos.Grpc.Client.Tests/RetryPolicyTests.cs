using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Client.Tests;

/// <summary>
/// Retries against a real host whose database is down (so it answers UNAVAILABLE): reads are attempted
/// ReadMaxAttempts times, each retry numbered by grpc-previous-rpc-attempts; writes exactly once.
/// </summary>
public sealed class RetryPolicyTests(UnreachableDatabaseRecordingHostFixture host) : IClassFixture<UnreachableDatabaseRecordingHostFixture>
{
    private ServiceProvider Provider() => ClientFactory.Provider(host, options =>
    {
        options.ReadMaxAttempts = 3;
        options.RetryInitialBackoff = TimeSpan.FromMilliseconds(50);
    });

    [Fact]
    public async Task Read_Unavailable_IsRetriedUpToReadMaxAttempts()
    {
        using var provider = Provider();
        var settings = provider.GetRequiredService<SettingsService.SettingsServiceClient>();
        var testId = Guid.NewGuid().ToString();

        await RpcAssert.FailsAsync(StatusCode.Unavailable,
            () => settings.GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = 1 }, ClientFactory.Tagged(testId)));

        var attempts = host.ReceivedFor(testId);
        Assert.Equal([null, "1", "2"], attempts.Select(a => a.PreviousAttempts));
    }

    [Fact]
    public async Task ListDepartments_Unavailable_IsRetriedToo()
    {
        using var provider = Provider();
        var departments = provider.GetRequiredService<DepartmentService.DepartmentServiceClient>();
        var testId = Guid.NewGuid().ToString();

        await RpcAssert.FailsAsync(StatusCode.Unavailable,
            () => departments.ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = 1 }, ClientFactory.Tagged(testId)));

        Assert.Equal(3, host.ReceivedFor(testId).Count);
    }

    [Fact]
    public async Task Write_Unavailable_IsNotRetried()
    {
        using var provider = Provider();
        var settings = provider.GetRequiredService<SettingsService.SettingsServiceClient>();
        var testId = Guid.NewGuid().ToString();
        var update = new UpdateGeneralSettingsRequest
        {
            Settings = new GeneralSettings { ClientId = 1, MultiCashRegisters = true },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "multi_cash_registers" } },
        };

        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => settings.UpdateGeneralSettingsAsync(update, ClientFactory.Tagged(testId)));

        Assert.Single(host.ReceivedFor(testId));
    }

    [Fact]
    public void RetryPolicy_CoversExactlyTheUnaryReads()
    {
        Assert.Equal(
        [
            "pos.settings.v1.SettingsService/GetGeneralSettings",
            "pos.departments.v1.DepartmentService/ListDepartments",
            "pos.departments.v1.DepartmentService/GetDepartment",
            "pos.field_mapping.v1.FieldMappingService/ListWeeklyBalanceFields",
            "pos.field_mapping.v1.FieldMappingService/GetMappingReport",
            "pos.lightspeed_auth.v1.LightspeedAuthService/ListConnections",
            "pos.lightspeed_auth.v1.LightspeedAuthService/ListLightspeedRegisters",
            "pos.imports.v1.ImportService/GetImportJob",
            "pos.imports.v1.ImportService/ListImportJobs",
            "pos.imports.v1.ImportHealthService/GetImportHealth",
            "pos.imports.v1.ImportHealthService/ListImportHealth",
            "pos.weekly_balance.v1.WeeklyBalanceService/GetWeeklyBalance",
        ], PosRetryPolicy.IdempotentReadMethods);
    }

    [Fact]
    public void RetryPolicy_WithOneAttempt_IsOff() =>
        Assert.Null(PosRetryPolicy.ServiceConfig(new PosGrpcClientOptions { ReadMaxAttempts = 1 }));
}
