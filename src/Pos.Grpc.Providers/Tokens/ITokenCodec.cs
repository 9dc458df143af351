namespace Pos.Grpc.Providers;

/// <summary>What the token manager must know of a provider's token record.</summary>
public interface IAccessTokens
{
    /// <summary>The bearer token API requests carry. A credential: never log it.</summary>
    string AccessToken { get; }

    /// <summary>When the access token stops working.</summary>
    DateTimeOffset ExpiresAt { get; }
}

/// <summary>Turns a provider's token record into the opaque text an <see cref="IConnectionTokenStore"/> keeps, and back.</summary>
public interface ITokenCodec<TTokens>
{
    string Serialize(TTokens tokens);

    TTokens Deserialize(string serialized);
}

/// <summary>Obtains a new token record with the refresh token of the current one (one provider's token call).</summary>
public interface ITokenRefresher<TTokens>
{
    /// <summary>
    /// Throws the provider's own "reauthorisation required" error when the refresh token is dead; the manager
    /// lets it through untouched.
    /// </summary>
    Task<TTokens> RefreshAsync(TTokens current, CancellationToken ct);
}

/// <summary>The connection has no stored tokens (never authorised, or removed): only a new authorisation helps.</summary>
public sealed class ConnectionTokensMissingException(string connectionKey)
    : Exception($"No tokens stored for connection '{connectionKey}'.")
{
    public string ConnectionKey { get; } = connectionKey;
}
