using System.Net;
using Google.Rpc;
using Grpc.Core;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>
/// Issue 10, item 10: Lightspeed's transport errors reached callers ("Connection refused (127.0.0.1:5090)", the
/// client's retry internals). Callers get a stable reason and plain words now; the details go to the log. The host
/// of <see cref="SecurityFixture"/> has Lightspeed on a closed port, so every call to it fails as when it is down.
/// </summary>
public sealed class LightspeedErrorTests(SecurityFixture host) : IClassFixture<SecurityFixture>
{
    /// <summary>What the wire says, not the caller's business: the address refused, the client's attempts, the stored token's key.</summary>
    private static readonly string[] Internals =
        ["127.0.0.1", "Connection refused", "transport_error", "attempt", "Exception", "http://", "   at ", "stored for connection"];

    private static LightspeedAuthService.LightspeedAuthServiceClient Auth(SecurityFixture host, long clientId) =>
        new(host.Channel(PosHostFixture.Token(PosRoles.Supervisor, clientId)));

    private static void AssertPlain(string text)
    {
        foreach (var detail in Internals) Assert.DoesNotContain(detail, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CompleteAuthorization_WithLightspeedDown_IsUnavailable_WithAStableReasonAndPlainWords()
    {
        var target = await host.SeedTargetAsync();
        var failure = await Assert.ThrowsAsync<RpcException>(async () => await Auth(host, target.ClientId).CompleteAuthorizationAsync(new() { Code = "code", State = target.OAuthState }));

        Assert.True(failure.StatusCode == StatusCode.Unavailable, $"{failure.StatusCode} {RpcAssert.Reason(failure)} {failure.Status.Detail}");
        Assert.Equal("LIGHTSPEED_UNAVAILABLE", RpcAssert.Reason(failure));
        AssertPlain(failure.Status.Detail);
    }

    [Fact]
    public async Task ListLightspeedRegisters_OfAConnectionWithoutTokens_GivesAStableReasonAndPlainWords()
    {
        var target = await host.SeedTargetAsync();
        var failure = await Assert.ThrowsAsync<RpcException>(async () => await Auth(host, target.ClientId).ListLightspeedRegistersAsync(new() { ConnectionId = RpcCatalogue.ConnectionIdOf(target) }));

        // The seeded connection has no tokens: it needs a new authorisation, and says so.
        Assert.True(failure.StatusCode == StatusCode.FailedPrecondition, $"{failure.StatusCode} {RpcAssert.Reason(failure)} {failure.Status.Detail}");
        Assert.Equal("LIGHTSPEED_UNAUTHORIZED", RpcAssert.Reason(failure));
        AssertPlain(failure.Status.Detail);
    }

    [Fact]
    public async Task TheCallbackPage_WithLightspeedDown_SaysSoInPlainWords()
    {
        var target = await host.SeedTargetAsync();
        var (status, page, _) = await Callback.GetAsync(Callback.Url(host, target.OAuthState));

        Assert.True(status == HttpStatusCode.ServiceUnavailable, page);
        Assert.Contains("Lightspeed did not answer", page);
        AssertPlain(page);
    }
}
