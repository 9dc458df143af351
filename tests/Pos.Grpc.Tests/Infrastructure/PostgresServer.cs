using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pos.Grpc.Host;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for the whole test run (initdb + pg_ctl in a temp folder, fsync off),
/// or the server named by POS_TEST_DATABASE. The real migrations are applied once to a template
/// database; every test class gets its own copy (CREATE DATABASE ... TEMPLATE), so no test sees another's data.
/// </summary>
public sealed class PostgresServer
{
    private const string TemplateDatabase = "pos_template";
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private readonly NpgsqlConnectionStringBuilder _admin;
    private readonly string? _dataDirectory;
    private int _databaseCounter;

    private PostgresServer(NpgsqlConnectionStringBuilder admin, string? dataDirectory)
    {
        _admin = admin;
        _dataDirectory = dataDirectory;
    }

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    public int Port => _admin.Port;

    public string? DataDirectory => _dataDirectory;

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = database, Pooling = true }.ConnectionString;

    /// <summary>A new database holding the migrated, empty schema.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"pos_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}";
        await ExecuteAdminAsync($"CREATE DATABASE {name} TEMPLATE {TemplateDatabase}");
        return ConnectionString(name);
    }

    public async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Stops the cluster abruptly and starts it again on the same port (the fault tests' restart), after
    /// <paramref name="downFor"/> if given: an outage longer than a blink.
    /// </summary>
    public async Task RestartAsync(TimeSpan? downFor = null)
    {
        if (_dataDirectory is null) throw new InvalidOperationException("Only a cluster the tests started can be restarted.");
        await RunAsync("pg_ctl", $"-D {_dataDirectory} -m immediate -w stop");
        if (downFor is { } pause) await Task.Delay(pause);
        await RunAsync("pg_ctl", StartArguments(_dataDirectory, Port));
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable("POS_TEST_DATABASE");
        if (string.IsNullOrEmpty(configured)) return await StartPrivateAsync();
        var server = new PostgresServer(new NpgsqlConnectionStringBuilder(configured) { Database = "postgres" }, null);
        await server.CreateTemplateAsync();
        return server;
    }

    /// <summary>
    /// A cluster of the caller's own, never shared: for a test that restarts PostgreSQL, which would break every
    /// other test class using the shared one. Always started here (POS_TEST_DATABASE cannot be restarted). The
    /// caller stops it with <see cref="StopAsync"/>; it is stopped at process exit in any case.
    /// </summary>
    public static async Task<PostgresServer> StartPrivateAsync()
    {
        SweepAbandonedClusters();
        var directory = Path.Combine(Path.GetTempPath(), $"pos-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        if (IsRoot()) await RunAsync("chown", $"postgres {directory}", asPostgres: false);
        await RunAsync("initdb", $"-D {directory} -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync");
        var port = await StartOnFreePortAsync(directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopCluster(directory);
        var server = new PostgresServer(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", Pooling = true,
        }, directory);
        await server.CreateTemplateAsync();
        return server;
    }

    /// <summary>Stops a cluster the tests started and deletes its files.</summary>
    public Task StopAsync()
    {
        if (_dataDirectory is null) throw new InvalidOperationException("Only a cluster the tests started can be stopped.");
        return Task.Run(() => StopCluster(_dataDirectory));
    }

    /// <summary>A port found free can be taken by someone else before PostgreSQL binds it: try a few.</summary>
    private static async Task<int> StartOnFreePortAsync(string directory)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeTcpPort();
            try
            {
                await RunAsync("pg_ctl", StartArguments(directory, port));
                return port;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
            }
        }
    }

    private static string StartArguments(string directory, int port) =>
        $"-D {directory} -l {directory}/server.log -w -t 60 -o \"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start";

    private async Task CreateTemplateAsync()
    {
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {TemplateDatabase}");
        await ExecuteAdminAsync($"CREATE DATABASE {TemplateDatabase}");
        var options = new DbContextOptionsBuilder<PosDbContext>();
        PersistenceExtensions.ConfigureNpgsql(options, ConnectionString(TemplateDatabase) + ";Pooling=false");
        await using (var db = new PosDbContext(options.Options))
        {
            await db.Database.MigrateAsync();
        }
    }

    /// <summary>
    /// Clusters whose test process is gone: a test host that was killed (a timeout, Ctrl+C, a runner that does not wait
    /// for ProcessExit) leaves its cluster running and its files in the temp folder, a few hundred MB each. Each
    /// folder is named after the process that made it, so a live one is never touched.
    /// </summary>
    private static void SweepAbandonedClusters()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "pos-pg-*"))
        {
            var parts = Path.GetFileName(directory).Split('-');
            if (parts.Length < 4 || !int.TryParse(parts[2], out var owner) || IsAlive(owner)) continue;
            StopCluster(directory);
        }
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void StopCluster(string directory)
    {
        try
        {
            // A cluster that is not running (its postmaster.pid gone) needs no stop; its files go either way.
            if (File.Exists(Path.Combine(directory, "postmaster.pid")))
                RunAsync("pg_ctl", $"-D {directory} -m immediate -w stop").GetAwaiter().GetResult();
            Directory.Delete(directory, recursive: true);
        }
        catch
        {
            // Best effort at process exit: the folder is in the temp directory either way.
        }
    }

    private static bool IsRoot() => Environment.UserName == "root";

    private static async Task RunAsync(string program, string arguments, bool asPostgres = true)
    {
        var info = asPostgres && IsRoot()
            ? new ProcessStartInfo("runuser", $"-u postgres -- {program} {arguments}")
            : new ProcessStartInfo(program, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {await output} {await error}");
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
