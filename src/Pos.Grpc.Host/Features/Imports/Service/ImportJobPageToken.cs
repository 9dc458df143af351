using System.Globalization;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.Imports.Service;

/// <summary>The key of the last job of a page, newest first: its creation time, then its id for jobs created at the same instant.</summary>
public readonly record struct ImportJobPageToken(DateTimeOffset CreatedAt, Guid Id)
{
    public static string Encode(ImportJobEntity last) =>
        $"{last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}_{last.Id:D}";

    public static ImportJobPageToken? Decode(string? key, Violations violations)
    {
        if (key is null) return null;
        var parts = key.Split('_');
        if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(parts[1], "D", out var id))
            return new ImportJobPageToken(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        violations.Add("page_token", "is not a token this list issued");
        return null;
    }
}
