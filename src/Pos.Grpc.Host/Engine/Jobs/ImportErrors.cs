using System.Text.Json;
using Pos.Grpc.Contracts.Imports.V1;

namespace Pos.Grpc.Host.Engine.Jobs;

/// <summary>One entry of import_jobs.errors (a JSON array).</summary>
/// <param name="DepartmentId">0 = the whole job.</param>
/// <param name="Date">"YYYY-MM-DD", or empty when it is not about one day.</param>
public sealed record ImportErrorRecord(long DepartmentId, string Date, string Reason, string Message);

public static class ImportErrors
{
    /// <summary>A job keeps at most this many errors: a long range failing day after day would otherwise grow the row without bound.</summary>
    public const int MaxStored = 200;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A one-element JSON array, ready to be appended with jsonb's || operator.</summary>
    public static string ToJsonArray(ImportErrorRecord error) => JsonSerializer.Serialize(new[] { error }, Json);

    public static IEnumerable<ImportError> Parse(string json) =>
        (JsonSerializer.Deserialize<ImportErrorRecord[]>(json, Json) ?? []).Select(e => new ImportError
        {
            DepartmentId = e.DepartmentId,
            Date = e.Date,
            Reason = e.Reason,
            Message = e.Message,
        });
}
