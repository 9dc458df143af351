using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Pos.Grpc.Host;

/// <summary>
/// Callers without a token (health, reflection, the OAuth callback) are told apart by their address. Behind a proxy or
/// load balancer every request comes from the proxy's address: with "Network:TrustedProxies" (addresses or networks,
/// e.g. "10.0.0.0/8") the client address the nearest trusted proxy names in X-Forwarded-For is used instead. Without
/// it, X-Forwarded-For is ignored: anyone can send that header, and it must not buy a caller fresh budgets.
/// </summary>
public static class ForwardedHeadersExtensions
{
    public const string TrustedProxiesKey = "Network:TrustedProxies";

    public static WebApplicationBuilder AddPosForwardedHeaders(this WebApplicationBuilder builder)
    {
        var trusted = TrustedProxies(builder.Configuration);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            // ASP.NET Core trusts loopback by default; only what is configured is trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in trusted) options.KnownIPNetworks.Add(network);
        });
        return builder;
    }

    public static WebApplication UsePosForwardedHeaders(this WebApplication app)
    {
        if (TrustedProxies(app.Configuration).Count > 0) app.UseForwardedHeaders();
        return app;
    }

    private static List<System.Net.IPNetwork> TrustedProxies(IConfiguration configuration) =>
        (configuration.GetSection(TrustedProxiesKey).Get<string[]>() ?? []).Select(Parse).ToList();

    private static System.Net.IPNetwork Parse(string entry) =>
        System.Net.IPNetwork.TryParse(entry, out var network) ? network
        : IPAddress.TryParse(entry, out var address) ? new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8)
        : throw new PosConfigurationException($"{TrustedProxiesKey}: '{entry}' is neither an address nor a network such as 10.0.0.0/8.");
}
