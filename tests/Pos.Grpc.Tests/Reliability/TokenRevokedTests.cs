using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Reliability;

/// <summary>
/// The merchant revokes SameSystem's access in Lightspeed while an import runs: the next API call answers 401, the
/// refresh answers invalid_grant. Retrying cannot help, so the departments of that account stop with
/// LIGHTSPEED_REAUTHORIZATION_REQUIRED, the connection shows REAUTHORIZATION_REQUIRED, and the other account's
/// department is imported as usual (partial failure is SUCCEEDED, see docs/architecture.md). Every day the job
/// touched is either complete or untouched.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class TokenRevokedTests(ReliabilityFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task RefreshTokenRevokedMidImport_ThatAccountsDepartmentsFailWithReauthorizationRequired_NothingHalfWritten()
    {
        var uninterrupted = await fixture.UninterruptedRunAsync();
        var client = await fixture.ConfigureClientAsync();
        var (strøget, aarhus, camden) = (client.DepartmentIds[0], client.DepartmentIds[1], client.DepartmentIds[2]);
        await using var worker = await fixture.StartWorkerHostAsync("revoked");
        try
        {
            // Copenhagen is slow so the revocation surely lands after its first day and before its last.
            await fixture.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { delayMs = 400 });
            var jobId = await fixture.StartImportAsync(client);
            await fixture.WaitForJobAsync(client, jobId, j => j.Progress.Departments.Any(d => d.DepartmentId == strøget && d.DaysDone >= 1),
                "one day of the first Copenhagen department done");
            await fixture.SetFaultsAsync(LightspeedSandboxFixture.CopenhagenAccount, new { revokeTokens = true });
            var job = await fixture.WaitForEndAsync(client, jobId);
            output.WriteLine($"{job.State}: {job.Progress.DepartmentDaysDone}/{job.Progress.DepartmentDaysTotal} days; "
                + string.Join("; ", job.Progress.Departments.Select(d => $"{d.DepartmentId} {d.State} {d.DaysDone}/{d.DaysTotal} {d.Error}")));
            output.WriteLine(string.Join("\n", job.Progress.Errors.Select(e => $"{e.DepartmentId} {e.Date} {e.Reason}: {e.Message}")));

            Assert.Equal(ImportJobState.Succeeded, job.State);
            var departments = job.Progress.Departments.ToDictionary(d => d.DepartmentId);
            Assert.Equal(DepartmentImportState.Failed, departments[strøget].State);
            Assert.Equal(DepartmentImportState.Failed, departments[aarhus].State);
            Assert.Equal((DepartmentImportState.Done, 3), (departments[camden].State, departments[camden].DaysDone));
            Assert.InRange(departments[strøget].DaysDone, 1, 2);
            Assert.All(job.Progress.Errors, e => Assert.Equal("LIGHTSPEED_REAUTHORIZATION_REQUIRED", e.Reason));
            Assert.Equal(new[] { strøget, aarhus }, job.Progress.Errors.Select(e => e.DepartmentId).Distinct().Order());

            var connections = (await fixture.Client<LightspeedAuthService.LightspeedAuthServiceClient>(PosHostFixture.Supervisor(client.ClientId))
                .ListConnectionsAsync(new() { ClientId = client.ClientId })).Connections.ToDictionary(c => c.AccountId);
            Assert.Equal(ConnectionState.ReauthorizationRequired, connections[$"{LightspeedSandboxFixture.CopenhagenAccount}"].State);
            Assert.NotEmpty(connections[$"{LightspeedSandboxFixture.CopenhagenAccount}"].LastError);
            Assert.Equal(ConnectionState.Active, connections[$"{ReliabilityFixture.LondonAccount}"].State);

            // Nothing half-written: each department-day is the uninterrupted run's or has no value; the imported ones are exactly the days done.
            var balances = await fixture.BalancesAsync(client);
            balances.AssertEachDayWholeOrUntouched(uninterrupted.Balances);
            Assert.All(balances.Days.Where(d => d.Key.StartsWith("department 3,", StringComparison.Ordinal)),
                d => Assert.Equal(uninterrupted.Balances.Days[d.Key].Text, d.Value.Text));
            var writtenDays = balances.Days.Where(d => !d.Value.Untouched).Select(d => d.Key[..d.Key.LastIndexOf(',')]).Distinct().Count();
            Assert.Equal(job.Progress.DepartmentDaysDone, writtenDays);
        }
        finally
        {
            await fixture.ClearFaultsAsync();
        }
    }
}
