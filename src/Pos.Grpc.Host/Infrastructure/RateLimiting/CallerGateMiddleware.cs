using Grpc.AspNetCore.Server;
using Grpc.Core;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Errors;

namespace Pos.Grpc.Host.Infrastructure.RateLimiting;

/// <summary>
/// Every gRPC call (unary, or the opening of any kind of stream) passes its caller's <see cref="CallerRateLimiter"/>
/// before any work, even before its request message is read: a caller over its rate is answered RESOURCE_EXHAUSTED
/// at once, whatever it sent, so a flood of malformed messages costs no more than a flood of good ones. A stream also
/// needs a slot of <see cref="OpenStreamLimiter"/> for as long as it is open.
/// </summary>
public sealed class CallerGateMiddleware(RequestDelegate next, CallerRateLimiter limiter, OpenStreamLimiter streams, RefusalLog refusals)
{
    /// <summary>
    /// Not counted: it needs no token, so its callers are told apart only by address, and a flood from one address
    /// (or a proxy, or a NAT) would make every probe behind it fail. It answers from a result cached for a second
    /// (<see cref="Persistence.DatabaseHealthCheck"/>), so it costs next to nothing. Reflection and Health/Watch have
    /// their own per-address budget, which Health/Check does not touch.
    /// </summary>
    public const string HealthCheck = "/grpc.health.v1.Health/Check";

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not { } grpc || grpc.Method.FullName == HealthCheck)
        {
            await next(http);
            return;
        }
        var caller = CallerKeys.Of(http);
        if (!limiter.TryAdmit(caller, out var retryAfter))
        {
            Refuse(http, caller, grpc, new RateLimitedException(retryAfter));
            return;
        }
        if (grpc.Method.Type == MethodType.Unary)
        {
            await next(http);
            return;
        }
        if (streams.TryOpen(caller) is { } tooMany)
        {
            Refuse(http, caller, grpc, tooMany);
            return;
        }
        try
        {
            await next(http);
        }
        finally
        {
            streams.Close(caller);
        }
    }

    private void Refuse(HttpContext http, string caller, GrpcMethodMetadata grpc, PosException refusal)
    {
        HeadersOnlyAnswer.Write(http.Response, refusal);
        refusals.Record(caller, grpc.Method.FullName, StatusCode.ResourceExhausted, refusal.Reason, refusal.Message);
    }
}
