using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using static Pos.Grpc.Tests.Imports.EndToEnd.KSeries.KSale;
using System.Globalization;

namespace Pos.Grpc.Tests.Imports.EndToEnd.KSeries;

/// <summary>
/// Import health (pos.imports.v1.ImportHealthService) for a K-Series client, over the real host, engine and simulator: a
/// department names a business location, which its connection lists among the accounts of a business, and its days
/// are the location's local days.
/// </summary>
public sealed class KSeriesImportHealthEndToEndTests(KSeriesEndToEndFixture host) : IClassFixture<KSeriesEndToEndFixture>
{
    [Fact]
    public async Task ImportHealth_OfAKSeriesClient_FollowsTheLocationsDays_ThenShowsRevokedTokensAsReauthorisation()
    {
        const long clientId = 8150, departmentId = 815001;
        // New York, while the client stays on Copenhagen. The host stands on 5 November after 02:00 UTC: yesterday is
        // the 4th in Copenhagen but still the 3rd in New York, so the window ends on the 3rd.
        var blId = await host.CreateLocationAsync("America/New_York", 301, 302);
        await host.AddSalesAsync(blId,
            Sale("2025-10-31T16:00:00Z", 301, 2, Line(1, 40m)),   // Friday 12:00 EDT
            Sale("2025-11-03T23:30:00Z", 302, 3, Line(2, 25m)));  // Monday 18:30 EST (already Tuesday in Copenhagen)
        var client = await KSeriesClient.SetUpAsync(host, clientId, blId, departmentId, ["301", "302"]);
        var health = host.Client<ImportHealthService.ImportHealthServiceClient>(client.Supervisor);

        var job = await client.ImportAndWaitAsync([departmentId], "2025-10-31", "2025-11-03");
        Assert.Equal(ImportJobState.Succeeded, job.State);

        var imported = (await health.GetImportHealthAsync(new() { ClientId = clientId, WindowDays = 7 })).Health;
        var department = Assert.Single(imported.Departments);
        // The connection is found through the location (its account_id is the business): ACTIVE, not "not connected".
        Assert.Equal((blId.ToString(CultureInfo.InvariantCulture), ConnectionState.Active), (department.PosClientNumber, department.ConnectionState));
        Assert.Equal("2025-11-03", department.LastImportedDate);
        // The window, 28 October to 3 November in New York (in Copenhagen's days it would begin on the 29th): the three days
        // before the import are missing, nothing else.
        Assert.Equal([ImportHealthProblem.DaysMissing], imported.Problems);
        Assert.Equal(["2025-10-30", "2025-10-29", "2025-10-28"], department.Days.Select(d => d.Date));
        Assert.All(department.Days, d => Assert.Equal(DayImportStatus.Missing, d.Status));
        Assert.Equal([(1, "301"), (2, "302")], department.Registers.Select(r => (r.RegisterNumber, r.PosRegisterId)));
        Assert.Equal("2025-11-03", department.Registers.Single(r => r.RegisterNumber == 2).LastDateWithNumbers);

        // Lightspeed revokes the consent: the next import fails, and health says the client must authorise again.
        await host.SetKFaultsAsync(blId, new { revokeTokens = true });
        var failed = await client.ImportAndWaitAsync([departmentId], "2025-10-30", "2025-10-30");
        Assert.Equal(ImportJobState.Failed, failed.State);

        var revoked = (await health.GetImportHealthAsync(new() { ClientId = clientId, WindowDays = 7 })).Health;
        Assert.Contains(ImportHealthProblem.ReauthorizationRequired, revoked.Problems);
        Assert.Contains(ImportHealthProblem.DaysFailed, revoked.Problems);
        var stillThere = Assert.Single(revoked.Departments);
        Assert.Equal(ConnectionState.ReauthorizationRequired, stillThere.ConnectionState);
        var day = Assert.Single(stillThere.Days, d => d.Date == "2025-10-30");
        Assert.Equal((DayImportStatus.Failed, "LIGHTSPEED_REAUTHORIZATION_REQUIRED"), (day.Status, day.Reason));
        Assert.Equal(failed.JobId, day.JobId);

        // Support finds the client in the fleet by that problem.
        var fleet = await host.Client<ImportHealthService.ImportHealthServiceClient>(host.TokenFor(PosRoles.Support, subject: "support-anna"))
            .ListImportHealthAsync(new() { Problem = ImportHealthProblem.ReauthorizationRequired, PageSize = 1000 });
        Assert.Contains(fleet.Clients, c => c.ClientId == clientId);
    }
}
