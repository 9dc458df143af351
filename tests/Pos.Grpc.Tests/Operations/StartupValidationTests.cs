using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Pos.Grpc.Host;
using Pos.Grpc.Tests.Hosting;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Operations;

/// <summary>A bad setting stops the host at start-up with a message that names it, before anything listens or runs.</summary>
public sealed class StartupValidationTests
{
    private static Dictionary<string, string?> Valid() => new()
    {
        ["ConnectionStrings:Pos"] = "Host=127.0.0.1;Port=9;Database=nowhere;Username=postgres;Timeout=1",
        ["Ports:GrpcPort"] = "0",
        ["Ports:GrpcWebPort"] = "0",
        ["Ports:OperationsPort"] = "0",
        ["Auth:Issuer"] = PosHostFixture.Auth.Issuer,
        ["Auth:Audience"] = PosHostFixture.Auth.Audience,
        ["Auth:SigningKey"] = PosHostFixture.Auth.SigningKey,
        ["Scheduler:Enabled"] = "false",
        ["Imports:Engine:Enabled"] = "false",
        ["Logging:LogLevel:Default"] = "None",
    };

    /// <summary>Builds and starts the host with one setting changed; returns the message it stopped with.</summary>
    private static async Task<string> StartFailureAsync(string key, string value)
    {
        var settings = Valid();
        settings[key] = value;
        try
        {
            await using var app = PosHost.Build([], b => b.Configuration.AddInMemoryCollection(settings));
            await app.StartAsync();
            await app.StopAsync();
        }
        catch (PosConfigurationException e)
        {
            return e.Message;
        }
        catch (OptionsValidationException e)
        {
            return string.Join("; ", e.Failures);
        }
        throw new Xunit.Sdk.XunitException($"The host started with {key}={value}");
    }

    [Theory]
    [InlineData("Ports:GrpcPort", "70000", "Ports: GrpcPort 70000 is not a TCP port")]
    [InlineData("Ports:BindAddress", "localhost", "Ports: BindAddress 'localhost' is not an IP address")]
    [InlineData("Ports:Certificate:Path", "/nonexistent/tls.pfx", "Ports:Certificate:Path '/nonexistent/tls.pfx' does not exist")]
    [InlineData("DataProtection:Certificate:Path", "/nonexistent/keys.pfx", "DataProtection:Certificate:Path '/nonexistent/keys.pfx' does not exist")]
    [InlineData("Auth:SigningKey", "short", "Auth: SigningKey must be at least 32 characters")]
    [InlineData("Auth:Audience", " ", "Auth: Audience must not be empty")]
    [InlineData("Lightspeed:ApiBaseUrl", "api.lightspeedapp.com", "Lightspeed: ApiBaseUrl 'api.lightspeedapp.com' must be an absolute http(s) URL")]
    [InlineData("Lightspeed:PageSize", "500", "Lightspeed: PageSize 500 must be 1-100")]
    [InlineData("Lightspeed:RequestTimeout", "00:00:00", "Lightspeed: RequestTimeout must be positive")]
    [InlineData("LightspeedKSeries:PageSize", "500", "LightspeedKSeries: PageSize 500 must be 1-100")]
    [InlineData("Telemetry:OtlpEndpoint", "collector:4317", "Telemetry: OtlpEndpoint 'collector:4317' must be an absolute http(s) URL")]
    [InlineData("Telemetry:OtlpProtocol", "udp", "Telemetry: OtlpProtocol 'udp' must be")]
    [InlineData("Shutdown:DrainDelay", "-00:00:01", "Shutdown: DrainDelay must be between 0 and 5 minutes")]
    [InlineData("Imports:Engine:MaxUnitAttempts", "0", "Imports:Engine: MaxUnitAttempts must be at least 1")]
    [InlineData("Database:MaxConnections", "0", "Database: ")]
    public async Task BadSetting_StopsStartUp_NamingIt(string key, string value, string expected) =>
        Assert.Contains(expected, await StartFailureAsync(key, value));

    [Fact]
    public async Task TwoPortsTheSame_AreNamedBoth()
    {
        var settings = Valid();
        settings["Ports:GrpcPort"] = "5599";
        settings["Ports:OperationsPort"] = "5599";
        var e = Assert.Throws<PosConfigurationException>(() => PosHost.Build([], b => b.Configuration.AddInMemoryCollection(settings)));
        Assert.Contains("GrpcPort and OperationsPort are both 5599", e.Message);
    }

    [Fact]
    public async Task BadSetting_InTheRealProcess_IsOneLineWithoutAStackTrace()
    {
        var (exitCode, output, error) = await TokenCommandTests.RunHostCommandAsync(new Dictionary<string, string>
        {
            ["POS_ConnectionStrings__Pos"] = "Host=127.0.0.1;Port=9;Database=nowhere;Username=postgres",
            ["POS_Ports__GrpcPort"] = "0", ["POS_Ports__GrpcWebPort"] = "0", ["POS_Ports__OperationsPort"] = "0",
            ["POS_Lightspeed__ApiBaseUrl"] = "nowhere",
        });
        Assert.Equal(1, exitCode);
        Assert.Equal("Pos.Grpc.Host: Lightspeed: ApiBaseUrl 'nowhere' must be an absolute http(s) URL such as https://api.lightspeedapp.com",
            error.Trim());
        Assert.DoesNotContain("   at ", output + error);
    }
}
