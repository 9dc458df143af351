using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>A hash of every row of every table of the service: equal before and after means nothing changed.</summary>
public static class DatabaseFingerprint
{
    public static async Task<string> TakeAsync(PosHostFixture host)
    {
        await using var db = host.NewDbContext();
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()!).Where(t => t is not null).Distinct().Order().ToList();
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        var parts = new List<string>();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand(
                $"SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t", connection);
            parts.Add($"{table}={await command.ExecuteScalarAsync()}");
        }
        return string.Join("; ", parts);
    }
}
