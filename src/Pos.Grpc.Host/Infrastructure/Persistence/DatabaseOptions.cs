using Npgsql;

namespace Pos.Grpc.Host.Infrastructure.Persistence;

/// <summary>
/// How this instance uses PostgreSQL (section "Database"). <see cref="MaxConnections"/> is the instance's whole budget,
/// never exceeded however busy it is: one dedicated LISTEN connection plus one pool of the rest, shared by the RPCs,
/// the import engine (at most <see cref="EngineConnections"/> of them at once, so imports can never take the pool from
/// the RPCs) and token refreshes. N instances need N × MaxConnections (plus whatever else connects) within
/// PostgreSQL's max_connections (100 by default).
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

    /// <summary>Connections the import engine may use at once: half the pool.</summary>
    public int EngineConnections => Math.Max(1, PoolSize / 2);

    public IEnumerable<string> Problems()
    {
        if (MaxConnections < 4) yield return "MaxConnections must be at least 4 (the LISTEN connection, the RPCs, the engine)";
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
