using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Client.Tests;

/// <summary>
/// A caller over its rate limit: the client library retries a refused read after the server's pushback (so a burst
/// of reads all succeed, some on their second attempt), and never retries a refused write.
/// </summary>
public sealed class RateLimitRetryTests(SmallRateLimitRecordingHostFixture host) : IClassFixture<SmallRateLimitRecordingHostFixture>
{
    private ServiceProvider Provider(string subject) =>
        ClientFactory.Provider(host, options => options.ReadMaxAttempts = 3, PosHostFixture.Token(PosRoles.Supervisor, 1, subject: subject));

    [Fact]
    public async Task ReadsOverTheRate_AreRetriedAfterThePushback_AndAllSucceed()
    {
        using var provider = Provider("reader");
        var settings = provider.GetRequiredService<SettingsService.SettingsServiceClient>();
        var testId = Guid.NewGuid().ToString();

        // Three times the burst: the bucket refills one call per 300 ms, so the later reads are refused once first.
        for (var i = 0; i < 6; i++)
            Assert.Equal(1, (await settings.GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = 1 }, ClientFactory.Tagged(testId))).Settings.ClientId);

        var attempts = host.ReceivedFor(testId);
        Assert.Contains(attempts, a => a.PreviousAttempts == "1");
        Assert.True(attempts.Count > 6, $"{attempts.Count} requests for 6 reads: none was refused and retried");
    }

    [Fact]
    public async Task AWriteOverTheRate_IsNotRetried()
    {
        using var provider = Provider("writer");
        var settings = provider.GetRequiredService<SettingsService.SettingsServiceClient>();
        var update = new UpdateGeneralSettingsRequest
        {
            Settings = new GeneralSettings { ClientId = 1, ConfirmDaysAt = "06:00" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "confirm_days_at" } },
        };

        // Writes in a row until the bucket (2, plus 1 per 300 ms) refuses one; each is tagged on its own.
        for (var i = 0; i < 10; i++)
        {
            var testId = Guid.NewGuid().ToString();
            try
            {
                await settings.UpdateGeneralSettingsAsync(update, ClientFactory.Tagged(testId));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                Assert.Single(host.ReceivedFor(testId));
                return;
            }
        }
        Assert.Fail("Ten writes in a row were never refused.");
    }
}
