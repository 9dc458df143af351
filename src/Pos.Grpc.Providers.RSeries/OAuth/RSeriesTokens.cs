namespace Pos.Grpc.Providers.RSeries;

/// <summary>
/// The tokens of one connection. Lightspeed rotates refresh tokens: after every refresh only the new pair is
/// valid, so the whole record is saved at once.
/// </summary>
public sealed record RSeriesTokens(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt)
{
    public bool ExpiresWithin(TimeSpan margin, DateTimeOffset now) => ExpiresAt - margin <= now;

    /// <summary>Never print tokens: they are credentials.</summary>
    public override string ToString() => $"RSeriesTokens {{ ExpiresAt = {ExpiresAt:O} }}";
}
