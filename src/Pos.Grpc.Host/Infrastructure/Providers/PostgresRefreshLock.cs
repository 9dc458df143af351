using Npgsql;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Providers;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host.Infrastructure.Providers;

/// <summary>
/// One refresh of a connection at a time across every instance, for every provider: a session advisory lock on a pooled
/// connection, held for the few hundred milliseconds of a refresh. At most the pool's refresh-lock share holds such locks
/// at once, so a wave of refreshes (thousands of connections whose tokens expire together) cannot take the pool from the RPCs.
/// </summary>
public sealed class PostgresRefreshLock(PosDatabase database) : IRefreshLock, IRSeriesRefreshLock
{
    private readonly SemaphoreSlim _holders = database.RefreshLockShare;

    public async Task<IAsyncDisposable> AcquireAsync(string connectionKey, CancellationToken ct)
    {
        await _holders.WaitAsync(ct);
        NpgsqlConnection connection;
        try
        {
            connection = await database.Pool.OpenConnectionAsync(ct);
        }
        catch
        {
            _holders.Release();
            throw;
        }
        try
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection);
            command.Parameters.AddWithValue("key", connectionKey);
            await command.ExecuteNonQueryAsync(ct);
            return new Held(connection, connectionKey, _holders);
        }
        catch
        {
            await connection.DisposeAsync();
            _holders.Release();
            throw;
        }
    }

    private const string LockKey = "hashtextextended('lightspeed-refresh:' || @key, 0)";

    /// <summary>Unlocks explicitly: a pooled connection's session outlives its Dispose.</summary>
    private sealed class Held(NpgsqlConnection connection, string connectionKey, SemaphoreSlim holders) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
                command.Parameters.AddWithValue("key", connectionKey);
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            finally
            {
                await connection.DisposeAsync();
                holders.Release();
            }
        }
    }
}
