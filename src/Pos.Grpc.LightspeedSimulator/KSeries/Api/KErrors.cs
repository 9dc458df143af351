using System.Globalization;
using System.Text.Json;

namespace Pos.Grpc.LightspeedSimulator.KSeries.Api;

/// <summary>
/// The error bodies of lightspeed-k-series.md A11, each where the simulator uses it: the Financial V2 {"error"} for
/// 400s; Spring Boot's shape (timestamp "+0000" without colon) for 404s, 429s and 500s; the {status, message,
/// apiSubExceptions} of other services for the 403 of a location the token cannot see; OAuth's for 401s.
/// </summary>
public static class KErrors
{
    public static byte[] Plain(string message) => Json(new Dictionary<string, object> { ["error"] = message });

    public static byte[] Spring(DateTimeOffset now, int status, string error, string message, string path, string? exception = null)
    {
        var body = new Dictionary<string, object>
        {
            ["timestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture),
            ["status"] = status,
            ["error"] = error,
        };
        if (exception is not null) body["exception"] = exception;
        body["message"] = message;
        body["path"] = path;
        return Json(body);
    }

    /// <summary>The Financial V2 500 schema: {timestamp, path, status, error, requestId}.</summary>
    public static byte[] Spring500(DateTimeOffset now, string path) => Json(new Dictionary<string, object>
    {
        ["timestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture),
        ["path"] = path,
        ["status"] = 500,
        ["error"] = "Internal Server Error",
        ["requestId"] = Guid.NewGuid().ToString("N")[..8],
    });

    public static byte[] SubExceptions(DateTimeOffset now, string status, string message) => Json(new Dictionary<string, object>
    {
        ["status"] = status,
        ["timestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture),
        ["message"] = message,
        ["apiSubExceptions"] = Array.Empty<object>(),
    });

    public static byte[] OAuth(string error, string description) =>
        Json(new Dictionary<string, object> { ["error"] = error, ["error_description"] = description });

    private static byte[] Json(Dictionary<string, object> body) => JsonSerializer.SerializeToUtf8Bytes(body);
}
