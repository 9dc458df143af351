namespace Pos.Grpc.Providers.KSeries;

/// <summary>
/// The tokens of one K-Series connection. Refresh tokens are single use and rotate: after every refresh only the
/// new pair is valid, so the whole record is saved at once. <see cref="Generation"/> says which OAuth server
/// issued them (and so refreshes them), whatever the configuration says today.
/// </summary>
/// <param name="RefreshExpiresAt">When the refresh token dies unused; null for a V2 offline token (no fixed expiry).</param>
public sealed record KSeriesTokens(
    string AccessToken,
    string RefreshToken,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RefreshExpiresAt,
    KSeriesTokenGeneration Generation,
    string Scope) : IAccessTokens
{
    /// <summary>Never print tokens: they are credentials.</summary>
    public override string ToString() =>
        $"KSeriesTokens {{ Generation = {Generation}, ExpiresAt = {ExpiresAt:O}, RefreshExpiresAt = {RefreshExpiresAt:O}, Scope = {Scope} }}";
}
