using Google.Rpc;
using Grpc.Core;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Tests.Infrastructure;
using Pos.Grpc.Tests.Security;
using System.Globalization;

namespace Pos.Grpc.Tests.Hosting;

/// <summary>A host whose callers may make 3 calls, and 1 more an hour: no refill happens during a test.</summary>
public sealed class SmallRateLimitFixture : PosHostFixture
{
    public const int Burst = 3;

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings[RateLimitPermitsPerPeriod] = "1";
        settings[RateLimitBurst] = Burst.ToString(CultureInfo.InvariantCulture);
        settings["RateLimit:Period"] = "01:00:00";
        return settings;
    }
}

/// <summary>
/// Each caller has its own token bucket: over it, a call is refused with RESOURCE_EXHAUSTED, ErrorInfo RATE_LIMITED
/// and a RetryInfo delay, before it does any work; other callers go on as before.
/// </summary>
public sealed class CallerRateLimitTests(SmallRateLimitFixture host) : IClassFixture<SmallRateLimitFixture>
{
    private const int Burst = 3;

    // Raw channels: the client library would retry a refused read after the pushback, hiding the refusal under test.
    private SettingsService.SettingsServiceClient Settings(string subject, Transport transport = Transport.Native) =>
        new(host.Channel(PosHostFixture.Token(PosRoles.Supervisor, 901, subject: subject), transport));

    [Theory]
    [InlineData(Transport.Native)]
    [InlineData(Transport.GrpcWebText)]
    public async Task OverItsBurst_ACallerIsRefused_WithResourceExhaustedAndRetryInfo(Transport transport)
    {
        var settings = Settings($"busy-{transport}", transport);
        for (var i = 0; i < Burst; i++) await settings.GetGeneralSettingsAsync(new() { ClientId = 901 });

        var refused = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => settings.GetGeneralSettingsAsync(new() { ClientId = 901 }));

        Assert.Equal("RATE_LIMITED", RpcAssert.Reason(refused));
        var retry = RpcAssert.Detail<RetryInfo>(refused).RetryDelay.ToTimeSpan();
        Assert.InRange(retry, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        // The same delay as gRPC's retry pushback, which clients with a retry policy wait for on their own.
        Assert.Equal(((long)Math.Ceiling(retry.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture), refused.Trailers.GetValue(ErrorMappingInterceptor.RetryPushbackTrailer));
    }

    [Fact]
    public async Task ARefusedMutation_ChangesNothing()
    {
        var settings = Settings("busy-writer");
        var current = (await settings.GetGeneralSettingsAsync(new() { ClientId = 901 })).Settings;
        for (var i = 1; i < Burst; i++) await settings.GetGeneralSettingsAsync(new() { ClientId = 901 });
        var before = await DatabaseFingerprint.TakeAsync(host);

        await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => settings.UpdateGeneralSettingsAsync(new()
        {
            Settings = new GeneralSettings { ClientId = 901, ConfirmDaysAt = "05:30" },
            UpdateMask = new() { Paths = { "confirm_days_at" } },
            Etag = current.Etag,
        }));

        Assert.Equal(before, await DatabaseFingerprint.TakeAsync(host));
    }

    [Fact]
    public async Task OneCallerOverItsRate_DoesNotSlowAnother()
    {
        var busy = Settings("busy-neighbour");
        for (var i = 0; i < Burst; i++) await busy.GetGeneralSettingsAsync(new() { ClientId = 901 });
        await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => busy.GetGeneralSettingsAsync(new() { ClientId = 901 }));

        var quiet = Settings("quiet-neighbour");
        for (var i = 0; i < Burst; i++) await quiet.GetGeneralSettingsAsync(new() { ClientId = 901 });
    }
}
