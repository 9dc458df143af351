using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;

namespace Pos.Grpc.Tests.Imports.EndToEnd;

/// <summary>
/// Every account is its own lane: a Lightspeed account that answers slowly or fails holds up nobody else. Two clients
/// import at once; one's account answers every request after 3 s and then with server errors, the other's at once.
/// </summary>
[Collection(EndToEndImportCollection.Name)]
public sealed class AccountIsolationEndToEndTests(EndToEndImportFixture host)
{
    [Fact]
    public async Task AFailingAccount_NeverSlowsTheOthers()
    {
        var slow = await SetUpAsync(5301, 953001);
        var quick = await SetUpAsync(5302, 953002);
        await host.SetFaultsAsync(953001, new { delayMs = 3000, serverErrors = 2 });
        try
        {
            var slowJob = (await slow.Imports().StartImportAsync(new()
            {
                ClientId = 5301, DepartmentIds = { 530101 }, FromDate = "2026-09-01", UntilDate = "2026-09-07", RequestId = Guid.NewGuid().ToString(),
            })).Job;

            var quickJob = await quick.ImportAsync([530201], "2026-09-01", "2026-09-07");

            Assert.Equal(7, quickJob.Progress.DepartmentDaysDone);
            var stillSlow = (await slow.Imports().GetImportJobAsync(new() { JobId = slowJob.JobId })).Job;
            Assert.Contains(stillSlow.State, new[] { ImportJobState.Queued, ImportJobState.Running });
        }
        finally
        {
            await host.SetFaultsAsync(953001, new { delayMs = 0 });
        }
    }

    private async Task<EndToEndClient> SetUpAsync(long clientId, long accountId)
    {
        await EndToEndClient.DefineAccountAsync(host, accountId, new PlannedShop(1, "Europe/Copenhagen", 0.25m, [1]));
        await EndToEndClient.InjectSalesAsync(host, accountId, Enumerable.Range(1, 7).Select(day => (object)new
        {
            shopID = 1, registerID = 1, completeTime = new DateTimeOffset(2026, 9, day, 10, 0, 0, TimeSpan.Zero),
            lines = new[] { new { unitQuantity = 1, unitPrice = 10m * day } },
        }));
        return await EndToEndClient.SetUpAsync(host, clientId, accountId, [new PlannedDepartment(clientId * 100 + 1, accountId, [])],
            [new PlannedField(clientId * 100 + 1, "Gross sales", PosFieldType.GrossSales, Split: false)]);
    }
}
