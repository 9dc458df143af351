using Npgsql;

namespace Pos.Grpc.Host.Infrastructure.Persistence;

/// <summary>
/// How this instance uses PostgreSQL (section "Database"). <see cref="MaxConnections"/> is the instance's whole budget,
/// never exceeded however busy it is: one dedicated LISTEN connection plus one pool of the rest. Of the pool, the import
/// engine uses at most <see cref="EngineConnections"/> at once, reads and writes of POS tokens at most
/// <see cref="TokenConnections"/>, token refresh locks at most <see cref="RefreshLockConnections"/>; the rest is always
/// there for the RPCs, however many lanes run. With the default 20: pool 19, engine 7, tokens 3, refresh locks 3, RPCs
/// at least 6. N instances need N × MaxConnections (plus whatever else connects) within PostgreSQL's max_connections
/// (100 by default).
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Connections this instance may hold open at once, the LISTEN connection included.</summary>
    public int MaxConnections { get; set; } = 20;

    /// <summary>An idle pooled connection is closed after this long, so a burst's connections are given back soon.</summary>
    public TimeSpan ConnectionIdleLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Applies the migrations at start-up (off when an explicit `migrate` ran before).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>The pool: everything but the LISTEN connection.</summary>
    public int PoolSize => MaxConnections - 1;

    /// <summary>Connections the import engine may use at once: two fifths of the pool.</summary>
    public int EngineConnections => Math.Max(1, PoolSize * 2 / 5);

    /// <summary>Connections reading or writing POS tokens at once (thousands of lanes start together at night).</summary>
    public int TokenConnections => Math.Max(1, PoolSize / 6);

    /// <summary>Connections holding a token refresh lock at once.</summary>
    public int RefreshLockConnections => Math.Max(1, PoolSize / 6);

    public IEnumerable<string> Problems()
    {
        if (MaxConnections < 8) yield return "MaxConnections must be at least 8 (the LISTEN connection, the RPCs, the engine, tokens)";
        if (ConnectionIdleLifetime < TimeSpan.FromSeconds(1)) yield return "ConnectionIdleLifetime must be at least 1 s";
    }

    /// <summary>The pooled connection string: the configured one with this budget applied.</summary>
    public string PooledConnectionString(string connectionString, string applicationName) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = true,
            MaxPoolSize = PoolSize,
            MinPoolSize = 0,
            ConnectionIdleLifetime = (int)Math.Ceiling(ConnectionIdleLifetime.TotalSeconds),
            ConnectionPruningInterval = Math.Min(10, (int)Math.Ceiling(ConnectionIdleLifetime.TotalSeconds)),
            ApplicationName = applicationName,
        }.ConnectionString;
}
