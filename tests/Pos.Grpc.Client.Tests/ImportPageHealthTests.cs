using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Tests.Imports.Jobs;
using Pos.Grpc.Tests.Infrastructure;
using System.Globalization;

namespace Pos.Grpc.Client.Tests;

/// <summary>
/// The Import POS page's health view (a client's supervisor) and support view (the fleet's problems) in headless
/// Chromium against the real host, in English and in Danish. The client's history is written into the host's database:
/// department 2101 imported every day of the window (numbers on register 1 yesterday), 2102 failed yesterday and its connection needs authorising again;
/// last night ended before the confirm time. axe finds nothing serious in either view. Writes docs/screenshots'
/// import-pos(-da)-health and -support pictures when POS_SCREENSHOT_DIR is set.
/// </summary>
public sealed class ImportPageHealthTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    private const long ClientId = 21;
    private static readonly SemaphoreSlim SeedLock = new(1, 1);
    private static bool _seeded;

    private static DateOnly Yesterday => TimeZones.LocalDateOf(DateTimeOffset.UtcNow, TimeZones.Find("Europe/Copenhagen")).AddDays(-1);

    [Theory]
    [InlineData("en-GB", "import-pos")]
    [InlineData("da-DK", "import-pos-da")]
    public async Task HealthAndSupportViews_InHeadlessChromium_ShowProblemsFirst_AndTheFleetsProblems(string locale, string prefix)
    {
        var language = PageLanguage.Of(locale);
        await SeedAsync();
        await using var pageServer = await BuiltPage.ServeAsync();
        var screenshots = Environment.GetEnvironmentVariable("POS_SCREENSHOT_DIR") ?? Directory.CreateTempSubdirectory("pos-health-").FullName;

        var (exitCode, output) = await BuiltPage.RunNodeAsync(TimeSpan.FromMinutes(2), "e2e/health.mjs", pageServer.Urls.First() + "/index.html",
            $"http://127.0.0.1:{host.GrpcWebPort}", PosHostFixture.Supervisor(ClientId), ClientId.ToString(CultureInfo.InvariantCulture),
            PosHostFixture.Token(PosRoles.Support, subject: "support-desk"), locale, screenshots, prefix);

        Assert.True(exitCode == 0, output);
        var page = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(language.Language, page.GetProperty("language").GetString());
        // Problems first: the failing department, then the one up to date.
        var rows = page.GetProperty("health").EnumerateArray().ToList();
        Assert.Equal(["2102", "2101"], rows.Select(r => r.GetProperty("department").GetString()));
        Assert.Equal(["DAYS_FAILED", "DAYS_MISSING", "REAUTHORIZATION_REQUIRED"],
            rows[0].GetProperty("problems").EnumerateArray().Select(p => p.GetString()).Order());
        Assert.Equal("FAILED", rows[0].GetProperty("days")[0].GetString());
        Assert.Contains("LIGHTSPEED_FORBIDDEN", rows[0].GetProperty("text").GetString());
        Assert.Empty(rows[1].GetProperty("problems").EnumerateArray());
        Assert.Empty(rows[1].GetProperty("days").EnumerateArray());
        // Each department's one register (no terminal numbers), with its last day with numbers in the window: Copenhagen's
        // yesterday, none for Aarhus.
        var registers = rows.Select(r => Assert.Single(r.GetProperty("registers").EnumerateArray()).GetString()).ToList();
        Assert.NotEqual(registers[0], registers[1]);
        Assert.NotEqual("", page.GetProperty("night").GetString());
        Assert.True(page.GetProperty("fleetHidden").GetBoolean());

        var fleet = page.GetProperty("fleet").EnumerateArray().ToList();
        var client = Assert.Single(fleet, c => c.GetProperty("client").GetString() == ClientId.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(["2102"], client.GetProperty("departments").EnumerateArray().Select(d => d.GetString()));
        Assert.True(File.Exists(Path.Combine(screenshots, $"{prefix}-health.png")));
        Assert.True(File.Exists(Path.Combine(screenshots, $"{prefix}-support.png")));
        AxeResults.AssertNoSeriousViolations(page.GetProperty("accessibility").GetProperty("health"), $"in the health view ({locale})");
        AxeResults.AssertNoSeriousViolations(page.GetProperty("accessibility").GetProperty("support"), $"in the support view ({locale})");
    }

    private async Task SeedAsync()
    {
        await SeedLock.WaitAsync();
        try
        {
            if (_seeded) return;
            var seed = new ImportSeed(host);
            await seed.ReadyClientAsync(ClientId, (2101, "1001"), (2102, "1002"));
            await seed.DayValueAsync(2101, 1, Dates.ToWire(Yesterday), ImportSeed.GrossSalesFieldOf(ClientId), 41335.25m);
            await using var db = host.NewDbContext();
            await db.Departments.Where(d => d.Id == 2101).ExecuteUpdateAsync(d => d.SetProperty(x => x.Name, "Copenhagen Store"));
            await db.Departments.Where(d => d.Id == 2102).ExecuteUpdateAsync(d => d.SetProperty(x => x.Name, "Aarhus Store"));
            await db.LightspeedConnections.Where(c => c.ClientId == ClientId && c.AccountId == "1002")
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.State, (int)ConnectionState.ReauthorizationRequired)
                    .SetProperty(x => x.LastError, "invalid_grant: the refresh token was revoked"));

            var now = DateTimeOffset.UtcNow;
            var manual = Job(ImportTrigger.Manual, ImportJobState.Succeeded, Yesterday.AddDays(-6), Yesterday, [2101, 2102], now.AddHours(-2));
            var night = Job(ImportTrigger.Scheduled, ImportJobState.Succeeded, Yesterday, Yesterday, [2101, 2102], now.AddHours(-1));
            night.ScheduledFor = Yesterday.AddDays(1);
            night.RetryUntil = now.AddHours(2);
            db.ImportJobs.AddRange(manual, night);
            for (var day = Yesterday.AddDays(-6); day <= Yesterday; day = day.AddDays(1))
                db.ImportedDays.Add(new ImportedDayEntity { DepartmentId = 2101, Date = day, JobId = manual.Id, ImportedAt = now.AddHours(-1) });
            db.ImportUnits.Add(new ImportUnitEntity
            {
                JobId = night.Id, DepartmentId = 2102, Date = Yesterday, AccountKey = "rseries:1002", State = 2, Attempts = 1,
                Reason = "LIGHTSPEED_FORBIDDEN", Error = "Lightspeed refused access to the account's sales.", FinishedAt = now.AddHours(-1),
            });
            await db.SaveChangesAsync();
            _seeded = true;
        }
        finally
        {
            SeedLock.Release();
        }
    }

    private static ImportJobEntity Job(ImportTrigger trigger, ImportJobState state, DateOnly from, DateOnly until, long[] departments, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at), ClientId = ClientId, DepartmentIds = departments, FromDate = from, UntilDate = until,
        Trigger = (int)trigger, State = (int)state, CreatedBy = trigger == ImportTrigger.Scheduled ? "scheduler" : "supervisor-21",
        CreatedAt = at, StartedAt = at, FinishedAt = at.AddMinutes(20), UpdatedAt = at.AddMinutes(20),
    };
}
