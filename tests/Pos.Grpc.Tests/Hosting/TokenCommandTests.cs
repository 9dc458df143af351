using System.Diagnostics;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Hosting;

/// <summary>The host's `token` command, run as its own process, mints a token the running host accepts.</summary>
public sealed class TokenCommandTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    private static async Task<(int ExitCode, string Output, string Error)> RunHostCommandAsync(params string[] arguments) =>
        await RunHostCommandAsync(new Dictionary<string, string>(), arguments);

    internal static async Task<(int ExitCode, string Output, string Error)> RunHostCommandAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Pos.Grpc.Host"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["POS_Auth__SigningKey"] = PosHostFixture.Auth.SigningKey;
        info.Environment["POS_Auth__Issuer"] = PosHostFixture.Auth.Issuer;
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, (await output).Trim(), await error);
    }

    [Fact]
    public async Task Token_SupervisorOfClient_IsAcceptedByTheHost()
    {
        var (exitCode, token, error) = await RunHostCommandAsync("token", "--role", "supervisor", "--client", "501");
        Assert.True(exitCode == 0, error);

        var settings = host.Client<SettingsService.SettingsServiceClient>(token);
        Assert.Equal(501, (await settings.GetGeneralSettingsAsync(new() { ClientId = 501 })).Settings.ClientId);
        await RpcAssert.FailsAsync(global::Grpc.Core.StatusCode.NotFound, () => settings.GetGeneralSettingsAsync(new() { ClientId = 502 }));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task Migrate_EmptyDatabase_CreatesTheSchema(string environment)
    {
        var database = $"pos_migrate_{environment.ToLowerInvariant()}_{Environment.ProcessId}";
        await host.Postgres.ExecuteAdminAsync($"CREATE DATABASE {database}");
        var (exitCode, output, error) = await RunHostCommandAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["POS_ConnectionStrings__Pos"] = host.Postgres.ConnectionString(database),
        }, "migrate");

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("Database migrated.", output);
    }

    [Fact]
    public async Task Token_UnknownRole_FailsWithUsage()
    {
        var (exitCode, _, error) = await RunHostCommandAsync("token", "--role", "admin");
        Assert.Equal(2, exitCode);
        Assert.Contains("unknown role admin", error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_PrintsTheUsage(string argument)
    {
        var (exitCode, output, error) = await RunHostCommandAsync(argument);
        Assert.True(exitCode == 0, output + error);
        Assert.StartsWith("usage: Pos.Grpc.Host", output);
        Assert.Contains("migrate", output);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task UnknownCommand_PrintsWhatIsUnknownAndTheUsage()
    {
        var (exitCode, output, error) = await RunHostCommandAsync("serve");
        Assert.Equal(2, exitCode);
        Assert.StartsWith("Pos.Grpc.Host: unknown command 'serve'\nusage: Pos.Grpc.Host", error);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Serve_WithoutConnectionString_SaysWhichSettingInOneLine()
    {
        var (exitCode, output, error) = await RunHostCommandAsync(new Dictionary<string, string> { ["POS_Ports__GrpcPort"] = "0", ["POS_Ports__GrpcWebPort"] = "0", ["POS_Ports__OperationsPort"] = "0" });
        Assert.Equal(1, exitCode);
        Assert.Equal("Pos.Grpc.Host: ConnectionStrings:Pos is not configured (POS_ConnectionStrings__Pos); scripts/run.sh starts a local PostgreSQL and sets it.",
            error.Trim());
        Assert.DoesNotContain("   at ", output + error);
    }
}
