using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Tests.Hosting;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Client.Tests;

/// <summary>
/// The built Import POS page (clients/web/dist, from `npm run build`) in headless Chromium against the real
/// host: settings panel filled, the client's departments listed, the connection status rendered. That is the
/// browser -> gRPC-Web -> host path end to end. Needs /usr/bin/chromium (scripts/prerequisites.sh installs it).
/// </summary>
public sealed class ImportPageSmokeTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    [Fact]
    public async Task ImportPage_InHeadlessChromium_ListsDepartmentsAndConnectionStatus()
    {
        var web = Path.Combine(ReadmeWalkthroughTests.RepositoryRoot(), "clients", "web");
        var dist = Path.Combine(web, "dist");
        Assert.True(File.Exists(Path.Combine(dist, "index.html")), "clients/web/dist is missing: run `npm run build` in clients/web (scripts/test.sh does).");

        var service = host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Service());
        await service.CreateDepartmentAsync(new() { Department = new() { DepartmentId = 10, ClientId = 1, Name = "Copenhagen Store" } });
        await service.CreateDepartmentAsync(new() { Department = new() { DepartmentId = 11, ClientId = 1, Name = "Aarhus Store" } });
        var supervisor = host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Supervisor(1));
        await supervisor.UpdateDepartmentAsync(new()
        {
            Department = new() { DepartmentId = 10, PosClientNumber = "1001" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "pos_client_number" } },
        });

        await using var pageServer = await StartStaticServerAsync(dist);
        var screenshot = Environment.GetEnvironmentVariable("POS_SCREENSHOT_PATH")
            ?? Path.Combine(Path.GetTempPath(), $"import-pos-idle-{Guid.NewGuid():N}.png");

        var (exitCode, output) = await RunNodeAsync(web, "e2e/smoke.mjs", pageServer.Urls.First() + "/index.html",
            $"http://127.0.0.1:{host.GrpcWebPort}", PosHostFixture.Supervisor(1), "1", "Copenhagen Store", screenshot);

        Assert.True(exitCode == 0, output);
        Assert.Contains("\"Aarhus Store\"", output);
        Assert.True(File.Exists(screenshot));
    }

    private static async Task<WebApplication> StartStaticServerAsync(string root)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{PostgresServer.FreeTcpPort()}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseFileServer(new FileServerOptions { FileProvider = new PhysicalFileProvider(root) });
        await app.StartAsync();
        return app;
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }
}
