using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Hosting;

/// <summary>
/// A host that accepts the development tokens the README mints with the `token` command, and a simulator that keeps
/// its OAuth state in a directory, as scripts/run.sh starts the sandbox (so the walkthrough survives a restart).
/// </summary>
public sealed class DevelopmentTokensHostFixture : LightspeedSandboxFixture
{
    private readonly string _sandboxState = Path.Combine(Path.GetTempPath(), $"pos-sandbox-state-{Guid.NewGuid():N}");

    protected override LightspeedSimulator.SimulatorOptions SimulatorOptions()
    {
        var options = base.SimulatorOptions();
        options.StateDirectory = _sandboxState;
        return options;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_sandboxState)) Directory.Delete(_sandboxState, recursive: true);
    }

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings.Remove("Auth:SigningKey");
        settings.Remove("Auth:Issuer");
        settings.Remove("Auth:Audience");
        return settings;
    }

    protected override void ConfigureHost(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) =>
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json"));
}

/// <summary>
/// Runs the README's walkthrough blocks with bash, as printed, against a real host. Only the port and the
/// path of the host binary are substituted; grpcurl is the real one when installed, else the buf curl shim.
/// </summary>
public sealed class ReadmeWalkthroughTests(DevelopmentTokensHostFixture host) : IClassFixture<DevelopmentTokensHostFixture>
{
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pos.Grpc.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Pos.Grpc.sln not found above the test binaries.");
    }

    public static string WalkthroughBlock(string name)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var match = Regex.Match(readme, $@"<!-- walkthrough:{name} -->\s*```sh\n(?<script>.*?)```\s*<!-- /walkthrough -->", RegexOptions.Singleline);
        Assert.True(match.Success, $"README.md has no walkthrough:{name} block");
        return match.Groups["script"].Value;
    }

    public async Task<(int ExitCode, string Output)> RunBashAsync(string script)
    {
        var root = RepositoryRoot();
        // The host's port as it is now (a restart moves it).
        script = script
            .Replace("127.0.0.1:5080", $"127.0.0.1:{host.GrpcPort}")
            .Replace("src/Pos.Grpc.Host/bin/Release/net10.0/Pos.Grpc.Host.dll", Path.Combine(AppContext.BaseDirectory, "Pos.Grpc.Host.dll"));
        var info = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync($"set -euo pipefail\nsource scripts/grpcurl-via-buf.sh\n{script}\n");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output + await error);
    }

    /// <summary>
    /// The three blocks continue one another (README: configuring, connecting, the first import), so they run as one
    /// bash session, with a restart of the host and the sandbox before the import (what a user's next scripts/run.sh
    /// does): the import must work without authorising Lightspeed again. The shell's variables carry over the restart.
    /// </summary>
    [Fact]
    public async Task ConfigurationAuthorizationAndImportWalkthroughs_RunAsPrinted_AcrossARestart()
    {
        var variables = Path.Combine(Path.GetTempPath(), $"walkthrough-{Guid.NewGuid():N}.sh");
        var (exitCode, before) = await RunBashAsync(WalkthroughBlock("configuration") + WalkthroughBlock("authorization") +
                                                    $"declare -p HOST_DLL SUPERVISOR > {variables}\n");
        Assert.True(exitCode == 0, before);

        await host.RestartAsync();

        var (importExitCode, after) = await RunBashAsync($"source {variables}\n" + WalkthroughBlock("import"));
        File.Delete(variables);
        Assert.True(importExitCode == 0, after);
        var output = before + after;
        var stats = await host.SimulatorAdmin.GetFromJsonAsync<JsonElement>($"/__sim/accounts/{LightspeedSandboxFixture.CopenhagenAccount}/stats");
        Assert.Equal(0, stats.GetProperty("codeExchanges").GetInt64()); // counted since the restart: no new authorisation
        Assert.True(stats.GetProperty("apiRequests").GetInt64() > 0);
        Assert.Equal(0, stats.GetProperty("invalidGrants").GetInt64());

        await using var db = host.NewDbContext();
        var settings = await db.GeneralSettings.SingleAsync(s => s.ClientId == 1);
        Assert.True(settings.PosImportEnabled && settings.MultiCashRegisters && settings.AutoConfirmWeeklyBalance);
        var field = await db.WeeklyBalanceFields.SingleAsync(f => f.Id == 5266);
        Assert.Equal((int)PosFieldType.GrossSales, field.PosFieldType);
        Assert.Contains("\"posTerminalNumbers\"", output);

        Assert.Contains("Lightspeed is connected", output);
        Assert.Contains("CONNECTION_STATE_AUTHORIZED", output);
        Assert.Contains("CONNECTION_STATE_ACTIVE", output);
        Assert.Contains("\"departmentId\": \"10\"", output);
        var connection = await db.LightspeedConnections.SingleAsync(c => c.ClientId == 1);
        Assert.Equal("120645", connection.AccountId);
        Assert.Equal("ic-anna", connection.ActivatedBy);

        // The import: last week of department 10, watched until it SUCCEEDED, then real gross sales in the weekly balance.
        Assert.Contains("IMPORT_JOB_STATE_SUCCEEDED", output);
        var job = await db.ImportJobs.SingleAsync(j => j.ClientId == 1);
        Assert.Equal((int)ImportJobState.Succeeded, job.State);
        Assert.True(job.OverwriteApproved);
        Assert.Equal((7, 7), (job.DepartmentDaysTotal, job.DepartmentDaysDone));
        var shown = Regex.Matches(output, @"""value"":\s*""(?<amount>-?\d+\.\d{2})""")
            .Select(m => decimal.Parse(m.Groups["amount"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(shown, amount => amount > 0);
        Assert.Contains("\"localStart\"", output);
        Assert.True(await db.DayValues.Where(v => v.DepartmentId == 10 && v.FieldId == 5266).SumAsync(v => v.Value) > 0);
    }

    /// <summary>
    /// The K-Series walkthrough (README: a restaurant on Lightspeed Restaurant), both blocks as one bash session against the
    /// sandbox's K-Series location as scripts/run.sh starts it: client 2 set up, authorised in the sandbox and activated,
    /// its devices listed, last week imported and watched to the end with the skipped sale types, and the weekly balance
    /// holding gross sales per device and hour and visitors from covers.
    /// </summary>
    [Fact]
    public async Task KSeriesWalkthrough_RunsAsPrinted_ARestaurantSetUpAuthorisedImportedAndWatched()
    {
        var (exitCode, output) = await RunBashAsync(WalkthroughBlock("kseries-configuration") + WalkthroughBlock("kseries-import"));
        Assert.True(exitCode == 0, output);

        await using var db = host.NewDbContext();
        var settings = await db.GeneralSettings.SingleAsync(s => s.ClientId == 2);
        Assert.Equal((int)Contracts.Settings.V1.PosIntegrationService.LightspeedKSeries, settings.PosIntegrationService);
        var department = await db.Departments.Include(d => d.Registers).SingleAsync(d => d.Id == 20);
        Assert.Equal((2, "45454565682155", null), (department.ClientId, department.PosClientNumber, department.PosShopId));
        Assert.Equal(["141948669132831", "141948669132832", "141948669132833"], department.Registers.OrderBy(r => r.RegisterNumber).Select(r => r.PosRegisterId));
        // Visitors is provided by K-Series: the mapping report does not list it, the job does not call it "not provided".
        Assert.DoesNotContain("notProvidedFieldTypes", output);

        // The consent page names the business and its location; the connection is K-Series', activated by the integration contact.
        var page = System.Net.WebUtility.HtmlDecode(output);
        Assert.Contains("Lightspeed is connected", page);
        Assert.Contains("Sandbox Restaurants ApS (45454565682100)", page);
        Assert.Contains("45454565682155 Nørrebro Bistro", page);
        Assert.Contains("LIGHTSPEED_PROVIDER_K_SERIES", output);
        Assert.Contains("CONNECTION_STATE_AUTHORIZED", output);
        Assert.Contains("CONNECTION_STATE_ACTIVE", output);
        var connection = await db.LightspeedConnections.Include(c => c.Accounts).SingleAsync(c => c.ClientId == 2);
        Assert.Equal(("45454565682100", "ic-anna"), (connection.AccountId, connection.ActivatedBy));
        Assert.Equal(["45454565682155"], connection.Accounts.Select(a => a.AccountId));
        // The devices, found in recent sales, each feeding department 20.
        foreach (var device in new[] { "Bar iPad", "Floor iPad 1", "Floor iPad 2" }) Assert.Contains(device, output);
        Assert.Contains("\"departmentId\": \"20\"", output);

        // The import: last week, watched until SUCCEEDED, with the types read and not counted shown in its progress.
        Assert.Contains("IMPORT_JOB_STATE_SUCCEEDED", output);
        var job = await db.ImportJobs.SingleAsync(j => j.ClientId == 2);
        Assert.Equal((int)ImportJobState.Succeeded, job.State);
        Assert.Equal((7, 7), (job.DepartmentDaysTotal, job.DepartmentDaysDone));
        Assert.Contains("\"skippedSales\"", output);
        var skipped = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(job.SkippedSales)!;
        Assert.Contains("SPLIT", skipped.Keys);
        foreach (var type in skipped.Keys) Assert.Contains($"\"type\": \"{type}\"", output);

        // The weekly balance: gross sales per device and hour, visitors from covers, both imported for every device.
        Assert.Contains("\"posTerminalNumber\": \"141948669132831\"", output);
        Assert.Contains("\"localStart\"", output);
        var values = await db.DayValues.Where(v => v.DepartmentId == 20).ToListAsync();
        Assert.Equal([1, 2, 3], values.Select(v => v.RegisterNumber).Distinct().Order());
        Assert.True(values.Where(v => v.FieldId == 6266).Sum(v => v.Value) > 0);
        Assert.True(values.Where(v => v.FieldId == 6267).Sum(v => v.Value) > 0);
        var stats = await host.SimulatorAdmin.GetFromJsonAsync<JsonElement>($"/__sim/kseries/clients/{LightspeedSandboxFixture.KSeriesSandboxClientId}/stats");
        Assert.Equal(1, stats.GetProperty("codeExchanges").GetInt64());
    }

    /// <summary>
    /// The bad-request example through the buf curl shim (what most readers have): it exits with buf's code 24 and
    /// prints the JSON status the README shows, naming the field; client 1's settings are not changed.
    /// </summary>
    [Fact]
    public async Task BadRequestExample_ThroughTheShim_PrintsWhatTheReadmeShows_AndChangesNothing()
    {
        var variables = string.Join("\n", WalkthroughBlock("configuration").Split('\n').Where(line => line.StartsWith("HOST_DLL=", StringComparison.Ordinal) || line.StartsWith("SUPERVISOR=", StringComparison.Ordinal)));
        await using (var db = host.NewDbContext())
            Assert.DoesNotContain(await db.GeneralSettings.Where(g => g.ClientId == 1).Select(g => g.TimeZone).ToListAsync(), zone => zone == "Mars/Base");

        var (exitCode, output) = await RunBashAsync($"export POS_FORCE_BUF_CURL=1\nsource scripts/grpcurl-via-buf.sh\n{variables}\nset +e\n" +
                                                    WalkthroughBlock("bad-request") + "echo \"exit code $?\"\n");

        Assert.True(exitCode == 0, output);
        Assert.Contains("exit code 24", output);
        Assert.Contains("\"code\": \"invalid_argument\"", output);
        Assert.Contains("\"message\": \"The request has invalid fields: settings.time_zone: 'Mars/Base' is not an IANA time zone such as \\\"Europe/Copenhagen\\\"\"", output);
        Assert.Contains("\"type\": \"google.rpc.BadRequest\"", output);
        Assert.Contains("\"type\": \"google.rpc.ErrorInfo\"", output);
        await using (var db = host.NewDbContext())
            Assert.DoesNotContain(await db.GeneralSettings.Where(g => g.ClientId == 1).Select(g => g.TimeZone).ToListAsync(), zone => zone == "Mars/Base");
    }
}
