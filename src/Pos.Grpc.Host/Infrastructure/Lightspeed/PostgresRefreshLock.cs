using Npgsql;
using Pos.Grpc.Lightspeed;

namespace Pos.Grpc.Host.Infrastructure.Lightspeed;

/// <summary>
/// One refresh of a connection at a time across every instance: a session advisory lock on a dedicated
/// connection, held for the few hundred milliseconds of a refresh.
/// </summary>
public sealed class PostgresRefreshLock(IConfiguration configuration) : ILightspeedRefreshLock
{
    public async Task<IAsyncDisposable> AcquireAsync(string connectionKey, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(configuration.GetConnectionString(PersistenceExtensions.ConnectionStringName));
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection);
            command.Parameters.AddWithValue("key", connectionKey);
            await command.ExecuteNonQueryAsync(ct);
            return new Held(connection, connectionKey);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private const string LockKey = "hashtextextended('lightspeed-refresh:' || @key, 0)";

    /// <summary>Unlocks explicitly: a pooled connection's session outlives its Dispose.</summary>
    private sealed class Held(NpgsqlConnection connection, string connectionKey) : IAsyncDisposable
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
            }
        }
    }
}
