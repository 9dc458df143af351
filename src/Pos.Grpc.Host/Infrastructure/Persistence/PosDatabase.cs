using Npgsql;

namespace Pos.Grpc.Host.Infrastructure.Persistence;

/// <summary>
/// The instance's one way into PostgreSQL: a single pooled <see cref="NpgsqlDataSource"/> sized by
/// <see cref="DatabaseOptions"/> (EF's DbContexts, the import engine and the token refresh lock all draw from it),
/// and the dedicated LISTEN connection outside the pool. Nothing else opens a connection.
/// </summary>
public sealed class PosDatabase : IAsyncDisposable
{
    /// <summary>The pool's name in Npgsql's metrics and spans (db.client.connection.pool.name), instead of its connection string.</summary>
    public const string PoolName = "pos-grpc";

    private readonly NpgsqlDataSource _listen;

    public PosDatabase(string connectionString, DatabaseOptions options)
    {
        Options = options;
        EngineShare = new SemaphoreSlim(options.EngineConnections);
        TokenShare = new SemaphoreSlim(options.TokenConnections);
        RefreshLockShare = new SemaphoreSlim(options.RefreshLockConnections);
        Pool = new NpgsqlDataSourceBuilder(options.PooledConnectionString(connectionString, "pos-grpc")) { Name = PoolName }.Build();
        _listen = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Long-lived and probed while idle, so a dead server is noticed.
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = "pos-grpc notification listener",
        }.ConnectionString) { Name = PoolName + "-listener" }.Build();
    }

    public DatabaseOptions Options { get; }

    /// <summary>Every pooled connection of the instance comes from here.</summary>
    public NpgsqlDataSource Pool { get; }

    /// <summary>Held by the import engine for each of its database calls: it never holds more of the pool than this.</summary>
    public SemaphoreSlim EngineShare { get; }

    /// <summary>Held for each read or write of POS tokens.</summary>
    public SemaphoreSlim TokenShare { get; }

    /// <summary>Held while a token refresh lock (a session advisory lock) holds its connection.</summary>
    public SemaphoreSlim RefreshLockShare { get; }

    /// <summary>Runs <paramref name="work"/> within one of the pool's shares.</summary>
    public static async Task<T> WithinAsync<T>(SemaphoreSlim share, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await share.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            share.Release();
        }
    }

    /// <summary>The one connection that LISTENs for notifications (not pooled; counted in the budget).</summary>
    public NpgsqlConnection CreateListenConnection() => _listen.CreateConnection();

    public async ValueTask DisposeAsync()
    {
        await Pool.DisposeAsync();
        await _listen.DisposeAsync();
    }
}
