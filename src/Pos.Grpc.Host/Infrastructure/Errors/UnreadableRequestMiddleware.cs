using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Pos.Grpc.Host.Infrastructure.Auth;

namespace Pos.Grpc.Host.Infrastructure.Errors;

/// <summary>
/// gRPC calls whose request message cannot be read. grpc-dotnet reads (and parses) the request before any interceptor
/// runs, and answers what it cannot read itself: UNKNOWN "Exception was thrown by handler." with the parser's stack
/// trace in the log for malformed protobuf (a truncated varint, wire type 7, tag 0, a length past the end), INTERNAL
/// for bad framing (two messages in a unary call, a cut message, a compressed flag without an encoding). This runs
/// around the endpoint and, for a call that failed before it reached <see cref="ErrorMappingInterceptor"/> (so only
/// the framework's reading ran), answers INVALID_ARGUMENT with the usual details instead, or RESOURCE_EXHAUSTED
/// MESSAGE_TOO_LARGE for a message over the size limit, and tallies the refusal in the <see cref="RefusalLog"/>.
/// The framework's own per-call log lines are switched off in appsettings.json
/// ("Grpc.AspNetCore.Server.ServerCallHandler": "None"): what they said is said here, once per caller and interval.
/// The call was admitted by the caller's rate limit before it was read, so it counts against it like any other.
/// </summary>
public sealed class UnreadableRequestMiddleware(RequestDelegate next, RefusalLog refusals)
{
    public async Task InvokeAsync(HttpContext http)
    {
        await next(http);
        if (http.Features.Get<IServerCallContextFeature>()?.ServerCallContext is not { } call
            || call.Status.StatusCode == StatusCode.OK || ErrorMappingInterceptor.Reached(http)) return;

        // Nothing was sent yet (the request was never read), so the status is still in the headers.
        if (!http.Response.HasStarted && Answer(call) is { } status)
        {
            HeadersOnlyAnswer.Write(http.Response, status);
            refusals.Record(CallerKeys.Of(http), call.Method, (StatusCode)status.Code, status.GetDetail<ErrorInfo>()!.Reason, status.Message);
            return;
        }
        refusals.Record(CallerKeys.Of(http), call.Method, call.Status.StatusCode, call.Status.StatusCode.ToString(), call.Status.Detail);
    }

    /// <summary>
    /// Our answer to what the framework could not read; null keeps the framework's (a deadline, a cancelled call).
    /// Only the framework's reading of the request ran, so whatever it threw is about the bytes the caller sent.
    /// </summary>
    private static Google.Rpc.Status? Answer(ServerCallContext call) => call.Status switch
    {
        { StatusCode: StatusCode.Unknown, DebugException: Google.Protobuf.InvalidProtocolBufferException e } =>
            Refusal($"is not a valid protobuf message of {MethodName(call)}: {e.Message}"),
        { StatusCode: StatusCode.Unknown } unreadable =>
            Refusal($"is not one gRPC message: {unreadable.DebugException?.Message ?? unreadable.Detail}"),
        // The framework's framing checks: more than one message in a unary call, a cut message, compression without an encoding.
        { StatusCode: StatusCode.Internal } framing => Refusal($"is not one gRPC message: {framing.Detail}"),
        { StatusCode: StatusCode.ResourceExhausted } tooLarge => ErrorMappingInterceptor.Status(Code.ResourceExhausted, "MESSAGE_TOO_LARGE", tooLarge.Detail),
        _ => null,
    };

    private static Google.Rpc.Status Refusal(string description) =>
        ErrorMappingInterceptor.FromPosException(InvalidArgumentException.For("request", description));

    private static string MethodName(ServerCallContext call) => call.Method[(call.Method.LastIndexOf('/') + 1)..];
}
