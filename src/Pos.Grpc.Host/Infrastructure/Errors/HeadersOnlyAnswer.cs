using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace Pos.Grpc.Host.Infrastructure.Errors;

/// <summary>
/// The answer to a gRPC call that no handler answered: HTTP 200 with the status in the headers and no message
/// ("trailers-only" in the gRPC protocol; the gRPC-Web middleware turns the content type into gRPC-Web's).
/// Used by the middleware that refuses calls before their message is read, or cannot read it.
/// </summary>
internal static class HeadersOnlyAnswer
{
    public static void Write(HttpResponse response, PosException refusal) =>
        Write(response, ErrorMappingInterceptor.FromPosException(refusal), ErrorMappingInterceptor.RetryPushbackOf(refusal));

    public static void Write(HttpResponse response, Google.Rpc.Status status, string? retryPushback = null)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        var headers = response.Headers;
        headers["grpc-status"] = status.Code.ToString(CultureInfo.InvariantCulture);
        headers["grpc-message"] = PercentEncode(status.Message);
        headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
        if (retryPushback is not null) headers[ErrorMappingInterceptor.RetryPushbackTrailer] = retryPushback;
    }

    /// <summary>grpc-message is percent-encoded UTF-8: everything outside printable ASCII, and '%' itself.</summary>
    private static string PercentEncode(string message)
    {
        var encoded = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%') encoded.Append((char)b);
            else encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return encoded.ToString();
    }
}
