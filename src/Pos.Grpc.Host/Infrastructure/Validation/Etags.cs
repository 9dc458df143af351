using Pos.Grpc.Host.Infrastructure.Errors;

namespace Pos.Grpc.Host.Infrastructure.Validation;

/// <summary>Etags are the row version as text; an empty etag on a write skips the check.</summary>
public static class Etags
{
    public static string Format(int version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static void EnsureCurrent(string? given, int currentVersion, string resource)
    {
        if (!string.IsNullOrEmpty(given) && given != Format(currentVersion)) throw ConflictException.StaleEtag(resource);
    }
}
