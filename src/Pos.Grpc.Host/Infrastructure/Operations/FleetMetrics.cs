using System.Diagnostics.Metrics;
using Npgsql;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Scheduling;

namespace Pos.Grpc.Host.Infrastructure.Operations;

/// <summary>
/// The fleet's state as gauges (meter "Pos.Grpc.Fleet"), read from PostgreSQL every <see cref="RefreshInterval"/> by one
/// query batch, so a scrape costs nothing: jobs by trigger and state, connections by state, the clients whose night
/// ended after their confirm time (or has not ended past it) and by how much, and how old each client's newest
/// imported day is, as counts per age band. Every instance reports the same numbers (alert on max, not sum). Which
/// client it is comes from the health RPC; no client id is ever a label.
/// </summary>
public sealed class FleetMetrics : BackgroundService
{
    public const string Name = "Pos.Grpc.Fleet";
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(15);

    /// <summary>Bands of "days since the newest imported day": 1 is a client whose yesterday is in.</summary>
    public static readonly IReadOnlyList<(string Band, int Min, int Max)> AgeBands =
        [("0-1", int.MinValue, 1), ("2", 2, 2), ("3-7", 3, 7), ("8+", 8, int.MaxValue)];

    private readonly PosDatabase _database;
    private readonly DatabaseState _state;
    private readonly ILogger<FleetMetrics> _logger;
    private volatile Snapshot _snapshot = Snapshot.Empty;

    public FleetMetrics(IMeterFactory meters, PosDatabase database, DatabaseState state, ILogger<FleetMetrics> logger)
    {
        _database = database;
        _state = state;
        _logger = logger;
        var meter = meters.Create(Name);
        meter.CreateObservableGauge("pos.import.jobs", () => _snapshot.Jobs, "{job}",
            "Import jobs QUEUED or RUNNING now, or ended in the last 24 hours, by trigger and state");
        meter.CreateObservableGauge("pos.connections", () => _snapshot.Connections, "{connection}", "POS connections by state");
        meter.CreateObservableGauge("pos.import.night.clients", () => _snapshot.NightClients, "{client}",
            "Clients with a scheduled import (a night) in the last two days");
        meter.CreateObservableGauge("pos.import.night.late_clients", () => _snapshot.LateClients, "{client}",
            "Clients whose last night ended after their confirm time, or has not ended and the confirm time has passed");
        meter.CreateObservableGauge("pos.import.night.lag.max", () => _snapshot.MaxLagSeconds, "s",
            "The largest lag of a night behind its client's confirm time (0 when every night ended in time)");
        meter.CreateObservableGauge("pos.import.clients.newest_day_age", () => _snapshot.AgeBands, "{client}",
            "Clients with POS import by the age in days of their newest imported day (band 0-1: yesterday is in)");
        meter.CreateObservableGauge("pos.import.newest_day.age.max", () => _snapshot.MaxAgeDays, "d",
            "Days since the newest imported day of the client that is furthest behind");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        do
        {
            if (!_state.IsMigrated) continue;
            try
            {
                _snapshot = await ReadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The gauges keep their last values; readiness says when the database is gone.
                _logger.LogWarning("Fleet metrics could not be read ({Message})", e.Message);
            }
        } while (await timer.NextTickAsync(stoppingToken));
    }

    /// <summary>Reads the fleet now (the first refresh also runs at start-up; tests call it to skip the wait).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken) => _snapshot = await ReadAsync(cancellationToken);

    private async Task<Snapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.Pool.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("""
                    SELECT trigger, state, count(*)::int FROM import_jobs
                    WHERE state IN (@queued, @running) OR finished_at > now() - interval '24 hours'
                    GROUP BY trigger, state
                    """),
                new("SELECT state, count(*)::int FROM lightspeed_connections GROUP BY state"),
                // Each client's last night: late when it ended (or, unfinished, now is) past its retry_until, the confirm time.
                new("""
                    SELECT count(*)::int,
                           count(*) FILTER (WHERE COALESCE(finished_at, now()) > retry_until)::int,
                           COALESCE(max(EXTRACT(EPOCH FROM COALESCE(finished_at, now()) - retry_until))
                                    FILTER (WHERE COALESCE(finished_at, now()) > retry_until), 0)::float8
                    FROM (SELECT DISTINCT ON (client_id) client_id, finished_at, retry_until FROM import_jobs
                          WHERE trigger = @scheduled AND scheduled_for >= current_date - 1 AND retry_until IS NOT NULL
                          ORDER BY client_id, scheduled_for DESC) AS nights
                    """),
                // Per client with POS import on: days since its newest imported day (none imported: no row of its own).
                new("""
                    SELECT current_date - max(newest.date)
                    FROM general_settings s
                    JOIN departments d ON d.client_id = s.client_id AND d.pos_client_number IS NOT NULL
                    JOIN LATERAL (SELECT max(i.date) AS date FROM imported_days i WHERE i.department_id = d.id) newest ON true
                    WHERE s.pos_import_enabled
                    GROUP BY s.client_id
                    HAVING max(newest.date) IS NOT NULL
                    """),
            },
        };
        batch.BatchCommands[0].Parameters.Add(new NpgsqlParameter("queued", ImportStates.Queued));
        batch.BatchCommands[0].Parameters.Add(new NpgsqlParameter("running", ImportStates.Running));
        batch.BatchCommands[2].Parameters.Add(new NpgsqlParameter("scheduled", (int)ImportTrigger.Scheduled));

        var jobs = new List<Measurement<int>>();
        var connections = new List<Measurement<int>>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            jobs.Add(new(reader.GetInt32(2), new("trigger", TriggerName(reader.GetInt32(0))), new("state", JobStateName(reader.GetInt32(1)))));
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            connections.Add(new(reader.GetInt32(1), new KeyValuePair<string, object?>("state", ConnectionStateName(reader.GetInt32(0)))));
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (nights, late, lag) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetDouble(2));
        await reader.NextResultAsync(cancellationToken);
        var ages = new List<int>();
        while (await reader.ReadAsync(cancellationToken)) ages.Add(reader.GetInt32(0));

        var bands = AgeBands.Select(b => new Measurement<int>(ages.Count(a => a >= b.Min && a <= b.Max), new KeyValuePair<string, object?>("age", b.Band))).ToList();
        return new Snapshot(jobs, connections, nights, late, lag, bands, ages.Count == 0 ? 0 : ages.Max());
    }

    private static string TriggerName(int trigger) => ((ImportTrigger)trigger).ToString().ToLowerInvariant();

    private static string JobStateName(int state) => ((ImportJobState)state).ToString().ToLowerInvariant();

    private static string ConnectionStateName(int state) => state switch
    {
        (int)ConnectionState.PendingConsent => "pending_consent",
        (int)ConnectionState.ReauthorizationRequired => "reauthorization_required",
        _ => ((ConnectionState)state).ToString().ToLowerInvariant(),
    };

    private sealed record Snapshot(
        IReadOnlyList<Measurement<int>> Jobs, IReadOnlyList<Measurement<int>> Connections, int NightClients, int LateClients,
        double MaxLagSeconds, IReadOnlyList<Measurement<int>> AgeBands, int MaxAgeDays)
    {
        public static readonly Snapshot Empty = new([], [], 0, 0, 0, [], 0);
    }
}
