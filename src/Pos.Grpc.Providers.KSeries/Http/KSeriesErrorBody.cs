using System.Net.Http.Headers;
using System.Text.Json;

namespace Pos.Grpc.Providers.KSeries;

/// <summary>
/// The body of an error answer in whichever shape it came (lightspeed-k-series.md A11): the V2 {"error"}, Spring
/// Boot's {timestamp, status, error, exception, message, path}, the {status, message, apiSubExceptions} of other
/// services, OAuth's {error, error_description}, or no JSON at all (gateways answer HTML).
/// </summary>
public sealed record KSeriesErrorBody(
    KSeriesErrorShape Shape,
    string Message,
    string? Error = null,
    string? ExceptionType = null,
    DateTimeOffset? Timestamp = null,
    IReadOnlyList<string>? SubErrors = null)
{
    private const int SnippetLength = 300;

    internal static async Task<KSeriesErrorBody> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new KSeriesErrorBody(KSeriesErrorShape.Empty, response.ReasonPhrase ?? "");
        }
        return Parse(text, response.ReasonPhrase);
    }

    internal static KSeriesErrorBody Parse(string text, string? reasonPhrase)
    {
        if (string.IsNullOrWhiteSpace(text)) return new KSeriesErrorBody(KSeriesErrorShape.Empty, reasonPhrase ?? "");
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return NotJson(text);
            var message = Wire.String(root, "message");
            var error = Wire.String(root, "error");
            var timestamp = TryTime(Wire.String(root, "timestamp"));
            if (Wire.Find(root, "apiSubExceptions") is { } subs)
            {
                var details = subs.ValueKind == JsonValueKind.Array
                    ? subs.EnumerateArray().Select(s => $"{Wire.String(s, "field")}: {Wire.String(s, "message")}").ToList()
                    : [];
                var all = details.Count == 0 ? message ?? "" : $"{message} ({string.Join("; ", details)})";
                return new KSeriesErrorBody(KSeriesErrorShape.SubExceptions, all, Wire.String(root, "status"), null, timestamp, details);
            }
            if (timestamp is not null && Wire.Find(root, "status") is { ValueKind: JsonValueKind.Number })
                return new KSeriesErrorBody(KSeriesErrorShape.Spring, message ?? error ?? "", error, Wire.String(root, "exception"), timestamp);
            if (Wire.String(root, "error_description") is { } description)
                return new KSeriesErrorBody(KSeriesErrorShape.OAuth, description, error);
            if (error is not null) return new KSeriesErrorBody(KSeriesErrorShape.Plain, error, error);
            return message is not null ? new KSeriesErrorBody(KSeriesErrorShape.Plain, message) : NotJson(text);
        }
        catch (JsonException)
        {
            return NotJson(text);
        }
    }

    /// <summary>The start of the text, so a gateway's HTML page still says something in the error.</summary>
    private static KSeriesErrorBody NotJson(string text) =>
        new(KSeriesErrorShape.NotJson, text.Length > SnippetLength ? text[..SnippetLength] : text);

    private static DateTimeOffset? TryTime(string? s)
    {
        if (string.IsNullOrEmpty(s)) return null;
        try
        {
            return Wire.ParseTime(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

internal static class RetryAfterHeader
{
    /// <summary>Retry-After as seconds or an HTTP date; null when absent.</summary>
    public static TimeSpan? Read(HttpResponseHeaders headers, DateTimeOffset now) => headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - now,
        _ => null,
    };
}
