using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Pos.Grpc.Client;

/// <summary>
/// Gives a call without a deadline the configured default, so a hung server or network never hangs a caller
/// for ever (gRPC itself has no default). A deadline the caller sets always wins.
/// </summary>
public sealed class DefaultDeadlineInterceptor(TimeSpan? unaryDeadline, TimeSpan? streamingDeadline) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDefault(context, unaryDeadline));

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDefault(context, unaryDeadline));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDefault(context, streamingDeadline));

    private static ClientInterceptorContext<TRequest, TResponse> WithDefault<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, TimeSpan? deadline)
        where TRequest : class where TResponse : class =>
        context.Options.Deadline is not null || deadline is null
            ? context
            : new(context.Method, context.Host, context.Options.WithDeadline(DateTime.UtcNow + deadline.Value));
}
