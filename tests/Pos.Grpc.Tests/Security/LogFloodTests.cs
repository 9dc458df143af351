using System.Text.RegularExpressions;
using Grpc.Core;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// The configuration of a host process with production's log levels: a caller may make 100 calls (and one more an
/// hour), refusals are summarised every second.
/// </summary>
public sealed class LogFloodFixture : PosHostFixture
{
    public const int Burst = 100;

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings[RateLimitBurst] = Burst.ToString(CultureInfo.InvariantCulture);
        settings[RateLimitPermitsPerPeriod] = "1";
        settings["RateLimit:Period"] = "01:00:00";
        settings["Refusals:LogInterval"] = "00:00:01";
        settings["Imports:Workers:Slots"] = "0";
        // appsettings.json's levels, as in production.
        settings["Logging:LogLevel:Default"] = "Information";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
        settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning";
        return settings;
    }

    public Task<HostProcess> StartProcessAsync() => HostProcess.StartAsync("log-flood", HostSettings());
}

/// <summary>
/// Issue 10, item 3: refused calls used to log one or two lines each (a malformed message ~1.7 KB of stack trace):
/// one caller could write the log full. Now each caller's refusals are one line per interval, with the count.
/// </summary>
public sealed class LogFloodTests(LogFloodFixture fixture) : IClassFixture<LogFloodFixture>
{
    private const string GetSettings = "pos.settings.v1.SettingsService/GetGeneralSettings";
    private const int Malformed = 80, OverTheLimit = 200;

    [Fact]
    public async Task AFloodOfRefusedCalls_IsLoggedAsOneLinePerCallerAndInterval_WithoutStackTraces()
    {
        await using var process = await fixture.StartProcessAsync();
        var logStart = process.Logs.Length;
        var sender = PosHostFixture.Token(PosRoles.Supervisor, 1, subject: "malformed-sender");
        var flooder = PosHostFixture.Token(PosRoles.Supervisor, 1, subject: "over-the-limit");

        for (var i = 0; i < Malformed; i++)
            Assert.Equal(StatusCode.InvalidArgument, (await RawGrpc.CallAsync(process.GrpcPort, Transport.Native, GetSettings, RawGrpc.Frame([0x08, 0xff]), sender)).Code);
        var refused = 0;
        for (var i = 0; i < LogFloodFixture.Burst + OverTheLimit; i++)
            if ((await RawGrpc.CallAsync(process.GrpcPort, Transport.Native, GetSettings, RawGrpc.Frame([0x08, 0x01]), flooder)).Code == StatusCode.ResourceExhausted)
                refused++;
        Assert.Equal(OverTheLimit, refused);

        // Bounded wait for the summaries (written every second); then everything the flood wrote is in the log.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((Summarised(process, "malformed-sender") < Malformed || Summarised(process, "over-the-limit") < OverTheLimit) && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        var written = process.Logs[logStart..];

        Assert.Equal(Malformed, Summarised(process, "malformed-sender"));
        Assert.Equal(OverTheLimit, Summarised(process, "over-the-limit"));
        Assert.DoesNotContain("   at ", written);
        Assert.DoesNotContain("Exception was thrown", written);
        // A line or two per caller and second of flooding, instead of one or two per call (560 here).
        var lines = written.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length < 30, $"{lines.Length} log lines for {Malformed + OverTheLimit} refused calls:\n{written}");
    }

    private static int Summarised(HostProcess process, string subject) =>
        Regex.Matches(process.Logs, $@"Refused (\d+) call\(s\) of subject:{subject} ").Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
}
