using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Grpc.Core;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Tests.Security;

/// <summary>A gRPC answer as it came over the wire: the status, its message and the rich details, if any.</summary>
public sealed record RawAnswer(StatusCode Code, string Message, Google.Rpc.Status? Details)
{
    public string? Reason => Details?.Details.Select(d => d.TryUnpack<Google.Rpc.ErrorInfo>(out var info) ? info : null).FirstOrDefault(i => i is not null)?.Reason;

    public T? Detail<T>() where T : class, Google.Protobuf.IMessage<T>, new() =>
        Details?.Details.Select(d => d.TryUnpack<T>(out var detail) ? detail : null).FirstOrDefault(d => d is not null);
}

/// <summary>
/// Sends request bodies no gRPC client would produce (malformed protobuf, bad framing) over native gRPC (HTTP/2) or
/// gRPC-Web (binary or text, HTTP/1.1), and reads the status from the headers, the trailers or the gRPC-Web body.
/// </summary>
public static class RawGrpc
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });

    /// <summary>One gRPC frame: the compressed flag, the 4-byte big-endian length, the payload.</summary>
    public static byte[] Frame(byte[] payload, byte flag = 0) => [.. Header((uint)payload.Length, flag), .. payload];

    public static byte[] Header(uint declaredLength, byte flag = 0)
    {
        var header = new byte[5];
        header[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), declaredLength);
        return header;
    }

    public static async Task<RawAnswer> CallAsync(PosHostFixture host, Transport transport, string method, byte[] body, string? bearerToken) =>
        await CallAsync(transport == Transport.Native ? host.GrpcPort : host.GrpcWebPort, transport, method, body, bearerToken);

    public static async Task<RawAnswer> CallAsync(int port, Transport transport, string method, byte[] body, string? bearerToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/{method}")
        {
            Version = transport == Transport.Native ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(transport == Transport.GrpcWebText ? Encoding.ASCII.GetBytes(Convert.ToBase64String(body)) : body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(transport switch
        {
            Transport.Native => "application/grpc",
            Transport.GrpcWeb => "application/grpc-web",
            _ => "application/grpc-web-text",
        });
        if (transport == Transport.Native) request.Headers.TryAddWithoutValidation("TE", "trailers");
        // Each raw call is a case of its own: an HTTP/1.1 connection the server ends after a malformed body must not be
        // picked up by the next case (cases run in random order; a reused connection closing under it failed one at random).
        else request.Headers.ConnectionClose = true;
        if (bearerToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);

        using var response = await Http.SendAsync(request);
        var content = await response.Content.ReadAsByteArrayAsync();
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.TrailingHeaders)) fields[name] = string.Join(",", values);
        if (transport != Transport.Native) ReadGrpcWebTrailers(transport == Transport.GrpcWebText ? Convert.FromBase64String(Encoding.ASCII.GetString(content)) : content, fields);

        if (!fields.TryGetValue("grpc-status", out var code))
            throw new InvalidOperationException($"No grpc-status in the answer (HTTP {(int)response.StatusCode}).");
        var details = fields.TryGetValue("grpc-status-details-bin", out var bin) ? Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Pad(bin))) : null;
        return new RawAnswer((StatusCode)int.Parse(code, CultureInfo.InvariantCulture), Uri.UnescapeDataString(fields.GetValueOrDefault("grpc-message", "")), details);
    }

    /// <summary>gRPC-Web sends the trailers as a last frame with flag 0x80: "name: value" lines.</summary>
    private static void ReadGrpcWebTrailers(byte[] body, Dictionary<string, string> fields)
    {
        for (var offset = 0; offset + 5 <= body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            if ((body[offset] & 0x80) != 0)
            {
                foreach (var line in Encoding.ASCII.GetString(body, offset + 5, length).Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
                    fields[line[..line.IndexOf(':')].Trim()] = line[(line.IndexOf(':') + 1)..].Trim();
            }
            offset += 5 + length;
        }
    }

    private static string Pad(string base64) => base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
}
