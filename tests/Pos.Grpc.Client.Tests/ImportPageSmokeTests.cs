using System.Text.Json;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Client.Tests;

/// <summary>
/// The built Import POS page (clients/web/dist, from `npm run build`) in headless Chromium against the real
/// host, in English and in Danish: settings panel filled, the client's departments listed, the connection status
/// rendered (the browser -> gRPC-Web -> host path end to end); then Start with nothing chosen, refused by the server,
/// marks the departments invalid and points them at the message. axe finds nothing serious in either state.
/// Needs /usr/bin/chromium (scripts/prerequisites.sh installs it).
/// </summary>
public sealed class ImportPageSmokeTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    [Theory]
    [InlineData("en-GB")]
    [InlineData("da-DK")]
    public async Task ImportPage_InHeadlessChromium_ListsDepartmentsAndConnectionStatus_AndMarksTheRefusedField(string locale)
    {
        var language = PageLanguage.Of(locale);
        await EnsureDepartmentsAsync();
        await using var pageServer = await BuiltPage.ServeAsync();
        var screenshot = Environment.GetEnvironmentVariable("POS_SCREENSHOT_PATH")
            ?? Path.Combine(Path.GetTempPath(), $"import-pos-idle-{Guid.NewGuid():N}.png");

        var (exitCode, output) = await BuiltPage.RunNodeAsync(TimeSpan.FromMinutes(2), "e2e/smoke.mjs", pageServer.Urls.First() + "/index.html",
            $"http://127.0.0.1:{host.GrpcWebPort}", PosHostFixture.Supervisor(1), "1", "Copenhagen Store", locale, screenshot);

        Assert.True(exitCode == 0, output);
        var page = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(language.Language, page.GetProperty("language").GetString());
        Assert.Equal(["Aarhus Store", "Copenhagen Store"], page.GetProperty("departments").EnumerateArray().Select(d => d.GetString()).Order());
        Assert.NotEqual("", page.GetProperty("connection").GetString());
        Assert.Equal(language.Texts.NotStarted, page.GetProperty("state").GetString());
        Assert.True(File.Exists(screenshot));

        // The refusal: our summary in the page's language, the field's label, the server's reason.
        Assert.StartsWith(language.Texts.Refused, page.GetProperty("formError").GetString());
        // Only the importable department has an enabled checkbox; it is invalid, described by the departments' message.
        var invalid = Assert.Single(page.GetProperty("invalid").EnumerateArray());
        Assert.Equal("error-department_ids", invalid.GetProperty("describedBy").GetString());
        Assert.Contains("department", invalid.GetProperty("message").GetString());
        Assert.Equal("true", page.GetProperty("focused").GetString());
        AxeResults.AssertNoSeriousViolations(page.GetProperty("accessibility").GetProperty("idle"), $"on the idle page ({locale})");
        AxeResults.AssertNoSeriousViolations(page.GetProperty("accessibility").GetProperty("refused"), $"with the refusal shown ({locale})");
    }

    /// <summary>Two departments, one with a POS client number; created by the first language's run (the fixture's host is shared).</summary>
    private async Task EnsureDepartmentsAsync()
    {
        var supervisor = host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Supervisor(1));
        if ((await supervisor.ListDepartmentsAsync(new() { ClientId = 1 })).Departments.Count > 0) return;
        var service = host.Client<DepartmentService.DepartmentServiceClient>(PosHostFixture.Service());
        await service.CreateDepartmentAsync(new() { Department = new() { DepartmentId = 10, ClientId = 1, Name = "Copenhagen Store" } });
        await service.CreateDepartmentAsync(new() { Department = new() { DepartmentId = 11, ClientId = 1, Name = "Aarhus Store" } });
        await supervisor.UpdateDepartmentAsync(new()
        {
            Department = new() { DepartmentId = 10, PosClientNumber = "1001" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "pos_client_number" } },
        });
    }
}
