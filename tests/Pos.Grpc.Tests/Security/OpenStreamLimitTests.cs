using Google.Rpc;
using Grpc.Core;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Tests.Security;

/// <summary>A host where a caller may hold 3 streams open and the instance 5; seeded jobs stay QUEUED (no workers).</summary>
public sealed class StreamLimitFixture : SecurityFixture
{
    public const int PerCaller = 3, Total = 5;

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings[StreamLimitPerCaller] = PerCaller.ToString(CultureInfo.InvariantCulture);
        settings[StreamLimitTotal] = Total.ToString(CultureInfo.InvariantCulture);
        return settings;
    }
}

/// <summary>
/// Issue 10, item 5: one support subject held 10,000 WatchImportJob streams (+350 MB). Open streams are now capped
/// per caller and per instance; beyond either, RESOURCE_EXHAUSTED with the limit in the details.
/// </summary>
public sealed class OpenStreamLimitTests(StreamLimitFixture host) : IClassFixture<StreamLimitFixture>
{
    private sealed record Watch(AsyncServerStreamingCall<WatchImportJobResponse> Call) : IDisposable
    {
        public void Dispose() => Call.Dispose();
    }

    /// <summary>Opens a watch and reads its first message (the job as it is), so the stream is surely open.</summary>
    private async Task<Watch> OpenAsync(string subject, TargetIds target)
    {
        var imports = new ImportService.ImportServiceClient(host.Channel(PosHostFixture.Token(PosRoles.Support, subject: subject)));
        var call = imports.WatchImportJob(new() { JobId = RpcCatalogue.JobIdOf(target) });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return new Watch(call);
    }

    private async Task<RpcException> RefusedAsync(string subject, TargetIds target) =>
        await Assert.ThrowsAsync<RpcException>(async () => (await OpenAsync(subject, target)).Dispose());

    [Fact]
    public async Task ACallerBeyondItsOpenStreams_IsRefusedWithTheLimit_AndTheInstanceBeyondItsOwn()
    {
        var target = await host.SeedTargetAsync();
        var watches = new List<Watch>();
        try
        {
            for (var i = 0; i < StreamLimitFixture.PerCaller; i++) watches.Add(await OpenAsync("support-hoarder", target));

            var perCaller = await RefusedAsync("support-hoarder", target);
            Assert.Equal(StatusCode.ResourceExhausted, perCaller.StatusCode);
            var info = RpcAssert.Detail<ErrorInfo>(perCaller);
            Assert.Equal("TOO_MANY_STREAMS", info.Reason);
            Assert.Equal((StreamLimitFixture.PerCaller.ToString(CultureInfo.InvariantCulture), "caller"), (info.Metadata["limit"], info.Metadata["scope"]));
            Assert.Equal("open_streams/caller", Assert.Single(RpcAssert.Detail<QuotaFailure>(perCaller).Violations).Subject);

            // Closing one gives its slot back.
            watches[0].Dispose();
            watches.RemoveAt(0);
            await WaitUntilAcceptedAsync("support-hoarder", target, watches);

            // Other callers still open theirs, until the instance's limit.
            for (var i = watches.Count; i < StreamLimitFixture.Total; i++) watches.Add(await OpenAsync($"support-{i}", target));
            var total = await RefusedAsync("support-late", target);
            var totalInfo = RpcAssert.Detail<ErrorInfo>(total);
            Assert.Equal((StreamLimitFixture.Total.ToString(CultureInfo.InvariantCulture), "instance"), (totalInfo.Metadata["limit"], totalInfo.Metadata["scope"]));
        }
        finally
        {
            foreach (var watch in watches) watch.Dispose();
        }
    }

    /// <summary>The server frees a slot when it sees the cancellation, a moment after the client let go.</summary>
    private async Task WaitUntilAcceptedAsync(string subject, TargetIds target, List<Watch> watches)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                watches.Add(await OpenAsync(subject, target));
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
