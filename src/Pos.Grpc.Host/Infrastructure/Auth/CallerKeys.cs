namespace Pos.Grpc.Host.Infrastructure.Auth;

/// <summary>
/// How callers are told apart for their budgets (rate, open streams) and in the refusal log: the token's subject, or
/// the remote address for calls without a token. The address is the client's own when the request came through a
/// trusted proxy (ForwardedHeaders, see <c>Network:TrustedProxies</c>), the peer's otherwise.
/// </summary>
public static class CallerKeys
{
    public static string Of(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.FindFirst(PosClaims.Subject)?.Value is { Length: > 0 } subject
            ? "subject:" + subject
            : AddressOf(http);

    public static string AddressOf(HttpContext http) => "address:" + http.Connection.RemoteIpAddress;
}
