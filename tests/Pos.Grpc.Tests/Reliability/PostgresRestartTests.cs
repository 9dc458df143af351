using System.Diagnostics;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Reliability;

/// <summary>The fault tests' world on a PostgreSQL cluster of its own, so restarting it disturbs no other test class.</summary>
public sealed class PrivatePostgresReliabilityFixture : ReliabilityFixture
{
    private PostgresServer? _cluster;

    protected override async Task<PostgresServer> GetPostgresAsync() => _cluster ??= await PostgresServer.StartPrivateAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_cluster is not null) await _cluster.StopAsync();
    }
}

/// <summary>
/// PostgreSQL restarts (immediate stop, then start: every connection of every instance breaks) in the middle of an
/// import. The engine must neither lose nor double a department-day, and must not give up on days because the
/// database was away: the job finishes (resumed if need be) with the uninterrupted run's numbers.
/// </summary>
public sealed class PostgresRestartTests(PrivatePostgresReliabilityFixture fixture, ITestOutputHelper output)
    : IClassFixture<PrivatePostgresReliabilityFixture>
{
    /// <param name="downSeconds">0: an immediate restart (every pooled connection breaks). 5: longer than the lease (3 s) and than
    /// the retries of a department-day (0.2 + 0.4 + 0.8 s), so the run breaks off and the job must be resumed.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task PostgresRestartedMidImport_JobFinishesWithTheUninterruptedNumbers(int downSeconds)
    {
        await fixture.UninterruptedRunAsync();
        var client = await fixture.ConfigureClientAsync();
        await using var worker = await fixture.StartWorkerHostAsync("through-restart");
        try
        {
            await fixture.SetFaultsOnAllAccountsAsync(new { delayMs = 400 });
            var jobId = await fixture.StartImportAsync(client);
            var before = await fixture.WaitForJobAsync(client, jobId, j => j.Progress.DepartmentDaysDone >= 2, "two department-days done");

            var clock = Stopwatch.StartNew();
            await fixture.Postgres.RestartAsync(TimeSpan.FromSeconds(downSeconds));
            output.WriteLine($"PostgreSQL down {downSeconds} s, back after {clock.Elapsed.TotalSeconds:0.0} s, with {before.Progress.DepartmentDaysDone}/{before.Progress.DepartmentDaysTotal} or more days done");
            await fixture.ClearFaultsAsync();

            var job = await fixture.WaitForEndAsync(client, jobId);
            output.WriteLine($"{job.State} {clock.Elapsed.TotalSeconds:0.0} s after the restart began");
            await fixture.AssertSameAsUninterruptedAsync(client, job);
        }
        finally
        {
            await fixture.ClearFaultsAsync();
        }
    }
}
