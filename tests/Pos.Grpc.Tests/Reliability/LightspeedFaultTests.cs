using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pos.Grpc.Tests.Reliability;

/// <summary>
/// Every fault switch of the simulator, alone and all at once, on both accounts from the start of the import:
/// the Lightspeed client retries (Retry-After on 429; backoff on 5xx, cut connections, garbled pages, timeouts),
/// a request that keeps failing fails its department-day attempt, and the engine retries the day. The job
/// SUCCEEDS with exactly the uninterrupted run's numbers, in bounded time.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class LightspeedFaultTests(ReliabilityFixture fixture, ITestOutputHelper output)
{
    /// <summary>
    /// Sized to beat the client's own retries at least once (MaxRateLimitRetries 6, MaxTransientRetries 4 per request),
    /// so the engine's retry of a department-day is exercised too, yet end well within MaxUnitAttempts (4).
    /// </summary>
    private static object FaultsOf(string fault) => fault switch
    {
        "rateLimitStorm" => new { rateLimitStorm = 10 },
        "serverErrors" => new { serverErrors = 8 },
        "cutConnections" => new { cutConnections = 6 },
        "malformedPages" => new { malformedPages = 6 },
        // Longer than the 2 s request timeout: every request times out until the test makes Lightspeed merely slow.
        "slowResponses" => new { delayMs = 2500 },
        "allMixed" => new { rateLimitStorm = 4, serverErrors = 4, cutConnections = 3, malformedPages = 3, delayMs = 100 },
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };

    [Theory]
    [InlineData("rateLimitStorm")]
    [InlineData("serverErrors")]
    [InlineData("cutConnections")]
    [InlineData("malformedPages")]
    [InlineData("slowResponses")]
    [InlineData("allMixed")]
    public async Task FaultSwitch_OnEveryAccountDuringTheImport_JobSucceedsWithTheUninterruptedNumbers(string fault)
    {
        var uninterrupted = await fixture.UninterruptedRunAsync();
        var client = await fixture.ConfigureClientAsync();
        await using var worker = await fixture.StartWorkerHostAsync($"faults-{fault}");
        var requestsBefore = await ApiRequestsAsync();
        try
        {
            await fixture.SetFaultsOnAllAccountsAsync(FaultsOf(fault));
            var clock = Stopwatch.StartNew();
            var jobId = await fixture.StartImportAsync(client);
            if (fault == "slowResponses")
            {
                // Three seconds of timeouts, then slow but answering.
                await Task.Delay(TimeSpan.FromSeconds(3));
                await fixture.SetFaultsOnAllAccountsAsync(new { delayMs = 150 });
            }
            var job = await fixture.WaitForEndAsync(client, jobId);
            clock.Stop();

            var requests = await ApiRequestsAsync() - requestsBefore;
            output.WriteLine($"{fault}: {job.State} in {clock.Elapsed.TotalSeconds:0.0} s (uninterrupted {uninterrupted.Duration.TotalSeconds:0.0} s); "
                + $"{requests} requests reached Lightspeed (uninterrupted {uninterrupted.Job.Progress.RequestsMade}); "
                + $"rate-limit wait {job.Progress.RateLimitWaitMs} ms");
            await fixture.AssertSameAsUninterruptedAsync(client, job);
            // The faults were met and retried: every counted switch was used up, with more requests than without faults.
            foreach (var account in ReliabilityFixture.Accounts) await AssertCountedFaultsUsedUpAsync(account);
            Assert.True(requests > uninterrupted.Job.Progress.RequestsMade, $"{requests} requests: no retry happened");
        }
        finally
        {
            await fixture.ClearFaultsAsync();
        }
    }

    private async Task<long> ApiRequestsAsync()
    {
        long total = 0;
        foreach (var account in ReliabilityFixture.Accounts) total += (await fixture.SimulatorStatsAsync(account)).ApiRequests;
        return total;
    }

    private async Task AssertCountedFaultsUsedUpAsync(long account)
    {
        var left = await fixture.SimulatorAdmin.GetFromJsonAsync<JsonElement>($"/__sim/accounts/{account}/faults");
        foreach (var counter in new[] { "rateLimitStorm", "serverErrors", "cutConnections", "malformedPages" })
            Assert.True(left.GetProperty(counter).GetInt32() == 0, $"Account {account}: {counter} not used up: {left}");
    }
}
