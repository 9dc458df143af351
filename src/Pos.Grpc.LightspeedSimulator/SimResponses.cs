using System.Text;

namespace Pos.Grpc.LightspeedSimulator;

/// <summary>How answers leave the simulator, shared by the R-Series and K-Series APIs: whole, cut short, or garbled.</summary>
public static class SimResponses
{
    public static async Task WriteJsonAsync(HttpContext http, int status, byte[] body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body);
    }

    /// <summary>The "cut connections" fault: announces the full length, sends half, then drops the connection.</summary>
    public static async Task CutAsync(HttpContext http, byte[] body)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2));
        await http.Response.Body.FlushAsync();
        http.Abort();
    }

    /// <summary>The "malformed pages" fault: a 200 whose body is not valid JSON (the page cut short, junk appended).</summary>
    public static byte[] Garble(byte[] body) =>
        [.. body.AsSpan(0, body.Length / 2), .. Encoding.UTF8.GetBytes("\",,}{<garbled")];

    /// <summary>A server error page as a proxy would send it: HTML, so clients must not expect JSON.</summary>
    public static async Task HtmlErrorAsync(HttpContext http, int status)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html";
        await http.Response.WriteAsync(
            $"<html><head><title>{status} Service Error</title></head><body><h1>{status}</h1><p>Simulated server error.</p></body></html>");
    }
}
