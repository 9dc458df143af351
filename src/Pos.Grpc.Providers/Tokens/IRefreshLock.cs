namespace Pos.Grpc.Providers;

/// <summary>
/// Serialises token refreshes of one connection beyond this process. <see cref="ConnectionTokenManager{TTokens}"/>
/// already lets one caller per process refresh; a host running several instances registers a lock that spans
/// them (e.g. a PostgreSQL advisory lock), because rotating single-use refresh tokens break when two refreshes race.
/// </summary>
public interface IRefreshLock
{
    /// <summary>Held until the returned handle is disposed.</summary>
    Task<IAsyncDisposable> AcquireAsync(string connectionKey, CancellationToken ct);
}

/// <summary>The default for a single process: the token manager's own per-connection lock is enough.</summary>
public sealed class ProcessLocalRefreshLock : IRefreshLock
{
    private static readonly IAsyncDisposable Nothing = new NoLock();

    public Task<IAsyncDisposable> AcquireAsync(string connectionKey, CancellationToken ct) => Task.FromResult(Nothing);

    private sealed class NoLock : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
