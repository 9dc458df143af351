using System.Globalization;
using System.Net;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Benchmarks;

/// <summary>Small shared helpers: channels, tokens, options, formatting.</summary>
public static class Bench
{
    public const string SimulatorClientId = "sim-client";
    public const string SimulatorClientSecret = "sim-secret";
    public const string Zone = "Europe/Copenhagen";

    public static bool Verbose { get; set; }

    public static string IntegrationContact() => PosHostFixture.Token(PosRoles.IntegrationContact, subject: "ic-bench");

    public static GrpcChannel Channel(int grpcPort, int grpcWebPort, string bearerToken, Transport transport = Transport.Native)
    {
        HttpMessageHandler handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (transport != Transport.Native)
            handler = new GrpcWebHandler(transport == Transport.GrpcWebText ? GrpcWebMode.GrpcWebText : GrpcWebMode.GrpcWeb, handler);
        handler = new BearerHandler(bearerToken) { InnerHandler = handler };
        var port = transport == Transport.Native ? grpcPort : grpcWebPort;
        return GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            HttpVersion = transport == Transport.Native ? HttpVersion.Version20 : HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
    }

    private sealed class BearerHandler(string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }

    public static string Machine() =>
        $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average at start {LoadAverage()}";

    public static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    public static string F(double value, int decimals = 0) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    public static string P(double ratio) => (ratio * 100).ToString("N0", CultureInfo.InvariantCulture) + " %";

    public static string Verdict(bool met) => met ? "MET" : "NOT MET";
}

/// <summary>The command line: `subcommand --name value ...`.</summary>
public sealed class Options(string[] args)
{
    public string Command => args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "help";

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => Array.IndexOf(args, name) >= 0;

    public string? Get(string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public override string ToString() => string.Join(" ", args);
}
