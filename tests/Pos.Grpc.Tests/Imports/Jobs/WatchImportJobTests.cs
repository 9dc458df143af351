using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>WatchImportJob over native gRPC and gRPC-Web text: snapshot, changes, heartbeats (1 s in tests), the end.</summary>
public sealed class WatchImportJobTests(RunningImportsFixture host) : IClassFixture<RunningImportsFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly ImportSeed _seed = new(host);

    private async Task<string> StartAsync(long clientId, long departmentId, string from, string until) =>
        (await host.Imports(host.SupervisorOf(clientId)).StartImportAsync(new()
        {
            ClientId = clientId, DepartmentIds = { departmentId }, FromDate = from, UntilDate = until, RequestId = Guid.NewGuid().ToString(),
        })).Job.JobId;

    private static async Task<WatchImportJobResponse?> NextAsync(AsyncServerStreamingCall<WatchImportJobResponse> call)
    {
        using var timeout = new CancellationTokenSource(Generous);
        return await call.ResponseStream.MoveNext(timeout.Token) ? call.ResponseStream.Current : null;
    }

    [Theory]
    [InlineData(Transport.Native, 401)]
    [InlineData(Transport.GrpcWebText, 402)]
    public async Task Watch_RunningJob_SnapshotThenChangesThenEndsAfterTheTerminalState(Transport transport, long clientId)
    {
        var departmentId = clientId * 100 + 1;
        await _seed.ReadyClientAsync(clientId, (departmentId, $"{clientId}1"));
        // Day 1 closes when day 2's page comes; day 2 closes only with day 3's page, held back here.
        var gate = host.Pos.For($"{clientId}1").BlockOn(ImportSeed.Day("2026-10-03"));
        var jobId = await StartAsync(clientId, departmentId, "2026-10-01", "2026-10-03");
        using var call = host.Imports(host.SupervisorOf(clientId), transport).WatchImportJob(new() { JobId = jobId });

        var snapshot = await NextAsync(call);
        Assert.NotNull(snapshot);
        Assert.False(snapshot.Heartbeat);
        Assert.Equal(jobId, snapshot.Job.JobId);
        Assert.Equal(3, snapshot.Job.Progress.DepartmentDaysTotal);

        // Day 2 is held back, so the stream must show exactly one day done before it moves on.
        var messages = new List<WatchImportJobResponse> { snapshot };
        while (messages[^1].Job.Progress.DepartmentDaysDone < 1)
            messages.Add(await NextAsync(call) ?? throw new Xunit.Sdk.XunitException("The stream ended before day 1 was done."));
        Assert.Equal(ImportJobState.Running, messages[^1].Job.State);
        Assert.Equal(DepartmentImportState.Running, messages[^1].Job.Progress.Departments[0].State);
        gate.Release();

        while (await NextAsync(call) is { } message) messages.Add(message);

        var last = messages[^1];
        Assert.Equal(ImportJobState.Succeeded, last.Job.State);
        Assert.Equal(3, last.Job.Progress.DepartmentDaysDone);
        Assert.NotNull(last.Job.EndTime);
        var done = messages.Select(m => m.Job.Progress.DepartmentDaysDone).ToList();
        Assert.Equal(done.Order(), done);
        Assert.Single(messages, m => m.Job.State == ImportJobState.Succeeded);
    }

    [Theory]
    [InlineData(Transport.Native, 403)]
    [InlineData(Transport.GrpcWebText, 404)]
    public async Task Watch_NothingChanges_SendsHeartbeatsWithTheJob(Transport transport, long clientId)
    {
        var departmentId = clientId * 100 + 1;
        await _seed.ReadyClientAsync(clientId, (departmentId, $"{clientId}1"));
        var gate = host.Pos.For($"{clientId}1").BlockOn(ImportSeed.Day("2026-10-01"));
        var jobId = await StartAsync(clientId, departmentId, "2026-10-01", "2026-10-01");
        await gate.Entered.Task.WaitAsync(Generous);
        using var call = host.Imports(host.SupervisorOf(clientId), transport).WatchImportJob(new() { JobId = jobId });

        var snapshot = await NextAsync(call);
        Assert.False(snapshot!.Heartbeat);
        Assert.Equal(ImportJobState.Running, snapshot.Job.State);
        var heartbeats = 0;
        while (heartbeats < 2)
        {
            var message = await NextAsync(call);
            Assert.NotNull(message);
            Assert.Equal(jobId, message.Job.JobId);
            if (message.Heartbeat) heartbeats++;
        }

        gate.Release();
        await host.WaitForStateAsync(Guid.Parse(jobId), ImportJobState.Succeeded);
    }

    [Fact]
    public async Task Watch_WatcherLeaves_TheJobCarriesOn()
    {
        await _seed.ReadyClientAsync(405, (40501, "4051"));
        var gate = host.Pos.For("4051").BlockOn(ImportSeed.Day("2026-10-01"));
        var jobId = await StartAsync(405, 40501, "2026-10-01", "2026-10-02");
        using (var call = host.Imports(host.SupervisorOf(405)).WatchImportJob(new() { JobId = jobId }))
        {
            Assert.NotNull(await NextAsync(call));
        }

        gate.Release();
        var job = await host.WaitForStateAsync(Guid.Parse(jobId), ImportJobState.Succeeded);
        Assert.False(job.CancelRequested);
        Assert.Equal(2, job.DepartmentDaysDone);
    }

    [Fact]
    public async Task Watch_ManyWatchersOfOneJob_AllSeeItEnd()
    {
        await _seed.ReadyClientAsync(406, (40601, "4061"));
        var gate = host.Pos.For("4061").BlockOn(ImportSeed.Day("2026-10-01"));
        var jobId = await StartAsync(406, 40601, "2026-10-01", "2026-10-02");
        var imports = host.Imports(host.TokenFor(PosRoles.Support));
        var calls = Enumerable.Range(0, 20).Select(_ => imports.WatchImportJob(new() { JobId = jobId })).ToList();
        foreach (var call in calls) Assert.NotNull(await NextAsync(call));
        // However many watchers (and caches), the instance listens on one connection.
        await using (var db = host.NewDbContext())
        {
            var listeners = await db.Database.SqlQuery<int>(
                $"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pos-grpc notification listener'")
                .SingleAsync();
            Assert.Equal(1, listeners);
        }

        gate.Release();
        var ends = await Task.WhenAll(calls.Select(async call =>
        {
            WatchImportJobResponse? last = null;
            while (await NextAsync(call) is { } message) last = message;
            call.Dispose();
            return last?.Job.State;
        }));
        Assert.All(ends, state => Assert.Equal(ImportJobState.Succeeded, state));
    }

    [Fact]
    public async Task Watch_FinishedJob_SendsTheSnapshotAndEnds()
    {
        await _seed.DepartmentAsync(407, 40701, "4071");
        var job = await _seed.JobAsync(407, [40701], "2026-10-01", "2026-10-01", ImportJobState.Cancelled);
        using var call = host.Imports(host.TokenFor(PosRoles.Support)).WatchImportJob(new() { JobId = job.Id.ToString() });

        var snapshot = await NextAsync(call);
        Assert.Equal(ImportJobState.Cancelled, snapshot!.Job.State);
        Assert.Null(await NextAsync(call));
    }

    [Fact]
    public async Task Watch_UnknownOrHiddenJob_IsNotFound()
    {
        await _seed.DepartmentAsync(408, 40801, "4081");
        var job = await _seed.JobAsync(408, [40801], "2026-10-01", "2026-10-01", ImportJobState.Succeeded);

        foreach (var (token, id) in new[] { (host.SupervisorOf(408), Guid.NewGuid().ToString()), (host.SupervisorOf(409), job.Id.ToString()) })
        {
            using var call = host.Imports(token).WatchImportJob(new() { JobId = id });
            var exception = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.NotFound, exception.StatusCode);
        }
    }
}
