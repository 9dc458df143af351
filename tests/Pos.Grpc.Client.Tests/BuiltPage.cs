using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Pos.Grpc.Tests.Hosting;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Client.Tests;

/// <summary>
/// The built Import POS page (clients/web/dist, from `npm run build`) served over HTTP, and the Node scripts of
/// clients/web/e2e that drive it in headless Chromium (/usr/bin/chromium, installed by scripts/prerequisites.sh).
/// </summary>
public static class BuiltPage
{
    public static string WebDirectory => Path.Combine(ReadmeWalkthroughTests.RepositoryRoot(), "clients", "web");

    /// <summary>Serves clients/web/dist on a free port; fails with what to run when the page is not built.</summary>
    public static async Task<WebApplication> ServeAsync()
    {
        var dist = Path.Combine(WebDirectory, "dist");
        Assert.True(File.Exists(Path.Combine(dist, "index.html")), "clients/web/dist is missing: run `npm run build` in clients/web (scripts/test.sh does).");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{PostgresServer.FreeTcpPort()}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseFileServer(new FileServerOptions { FileProvider = new PhysicalFileProvider(dist) });
        await app.StartAsync();
        return app;
    }

    /// <summary>What an e2e script found: the JSON object of its last line of output.</summary>
    public static JsonElement Result(string output) => JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;

    /// <summary>[key, label, value] triples of the page (counts by data-count, totals by data-field-id) as key -> value.</summary>
    public static Dictionary<string, string> Pairs(JsonElement triples) =>
        triples.EnumerateArray().ToDictionary(t => t[0].GetString()!, t => t[2].GetString()!);

    /// <summary>Runs `node SCRIPT ARGS...` in clients/web; kills it (and its Chromium) when it outlives <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunNodeAsync(TimeSpan timeout, string script, params string[] arguments)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = WebDirectory };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"node {script} did not finish within {timeout}: {await output}{await error}");
        }
        return (process.ExitCode, await output + await error);
    }
}
