using Pos.Grpc.Contracts.Departments.V1;
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
        var service = host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Service());
        await service.CreateDepartmentAsync(new() { Department = new() { DepartmentId = 10, ClientId = 1, Name = "Copenhagen Store" } });
        await service.CreateDepartmentAsync(new() { Department = new() { DepartmentId = 11, ClientId = 1, Name = "Aarhus Store" } });
        var supervisor = host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Supervisor(1));
        await supervisor.UpdateDepartmentAsync(new()
        {
            Department = new() { DepartmentId = 10, PosClientNumber = "1001" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "pos_client_number" } },
        });

        await using var pageServer = await BuiltPage.ServeAsync();
        var screenshot = Environment.GetEnvironmentVariable("POS_SCREENSHOT_PATH")
            ?? Path.Combine(Path.GetTempPath(), $"import-pos-idle-{Guid.NewGuid():N}.png");

        var (exitCode, output) = await BuiltPage.RunNodeAsync(TimeSpan.FromMinutes(2), "e2e/smoke.mjs", pageServer.Urls.First() + "/index.html",
            $"http://127.0.0.1:{host.GrpcWebPort}", PosHostFixture.Supervisor(1), "1", "Copenhagen Store", screenshot);

        Assert.True(exitCode == 0, output);
        Assert.Contains("\"Aarhus Store\"", output);
        Assert.True(File.Exists(screenshot));
    }
}
