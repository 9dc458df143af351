using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Pos.Grpc.Tests.Hosting;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Tests.Security;

/// <summary>Calls without a token (health, reflection) on a host whose callers may make 3 calls.</summary>
public static class AnonymousCalls
{
    public static async Task<StatusCode> ReflectAsync(PosHostFixture host, string? forwardedFor = null)
    {
        var reflection = new ServerReflection.ServerReflectionClient(host.Channel(null));
        var headers = forwardedFor is null ? null : new Metadata { { "x-forwarded-for", forwardedFor } };
        try
        {
            using var call = reflection.ServerReflectionInfo(headers);
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await call.RequestStream.CompleteAsync();
            await call.ResponseStream.MoveNext(CancellationToken.None);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}

/// <summary>
/// Issue 10, item 4: anonymous callers shared one bucket per address, health included, so one client flooding
/// Health/Check made every other caller on that address (a load balancer's probe behind the same NAT) fail.
/// </summary>
public sealed class ProbeBudgetTests(SmallRateLimitFixture host) : IClassFixture<SmallRateLimitFixture>
{
    [Fact]
    public async Task AFloodOfHealthChecks_LeavesAProbeFromTheSameAddressServing_AndReflectionItsOwnBudget()
    {
        var health = new Health.HealthClient(host.Channel(null));
        var flood = Enumerable.Range(0, 20 * SmallRateLimitFixture.Burst).Select(_ => health.CheckAsync(new HealthCheckRequest()).ResponseAsync);
        Assert.All(await Task.WhenAll(flood), r => Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, r.Status));

        var probe = await new Health.HealthClient(host.Channel(null)).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, probe.Status);

        // Reflection has a budget per address of its own, untouched by the checks, and still limited.
        for (var i = 0; i < SmallRateLimitFixture.Burst; i++) Assert.Equal(StatusCode.OK, await AnonymousCalls.ReflectAsync(host));
        Assert.Equal(StatusCode.ResourceExhausted, await AnonymousCalls.ReflectAsync(host));
    }
}

/// <summary>Its own host: the budget of 127.0.0.1 must be untouched when it starts.</summary>
public sealed class UntrustedForwardedForTests(SmallRateLimitFixture host) : IClassFixture<SmallRateLimitFixture>
{
    [Fact]
    public async Task WithoutATrustedProxy_XForwardedFor_BuysNoFreshBudget()
    {
        for (var i = 0; i < SmallRateLimitFixture.Burst; i++) Assert.Equal(StatusCode.OK, await AnonymousCalls.ReflectAsync(host, forwardedFor: $"198.51.100.{i}"));
        Assert.Equal(StatusCode.ResourceExhausted, await AnonymousCalls.ReflectAsync(host, forwardedFor: "198.51.100.77"));
    }
}

/// <summary>A host behind a proxy on 127.0.0.1 that it trusts; 3 calls per caller.</summary>
public sealed class TrustedProxyFixture : PosHostFixture
{
    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings[RateLimitPermitsPerPeriod] = "1";
        settings[RateLimitBurst] = SmallRateLimitFixture.Burst.ToString(CultureInfo.InvariantCulture);
        settings["RateLimit:Period"] = "01:00:00";
        settings["Network:TrustedProxies:0"] = "127.0.0.1";
        return settings;
    }
}

/// <summary>Behind a trusted proxy, the per-address limit is the client's, as the proxy names it in X-Forwarded-For.</summary>
public sealed class TrustedProxyTests(TrustedProxyFixture host) : IClassFixture<TrustedProxyFixture>
{
    [Fact]
    public async Task BehindATrustedProxy_EachForwardedClientHasItsOwnBudget()
    {
        for (var i = 0; i < SmallRateLimitFixture.Burst; i++) Assert.Equal(StatusCode.OK, await AnonymousCalls.ReflectAsync(host, forwardedFor: "203.0.113.5"));
        Assert.Equal(StatusCode.ResourceExhausted, await AnonymousCalls.ReflectAsync(host, forwardedFor: "203.0.113.5"));

        Assert.Equal(StatusCode.OK, await AnonymousCalls.ReflectAsync(host, forwardedFor: "203.0.113.6"));
        Assert.Equal(StatusCode.OK, await AnonymousCalls.ReflectAsync(host));
    }
}
