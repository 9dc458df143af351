using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pos.Grpc.Host.Infrastructure.Auth;

namespace Pos.Grpc.Host.Infrastructure.Errors;

/// <summary>
/// The one place where failures become gRPC statuses (Google error model: ErrorInfo plus BadRequest,
/// PreconditionFailure, ResourceInfo or RetryInfo details). Handlers hold no try/catch.
/// </summary>
public sealed class ErrorMappingInterceptor(RefusalLog refusals, ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public const string ErrorDomain = "pos.samesystem.com";

    private static readonly object ReachedKey = new();

    /// <summary>Whether the call got as far as the service's interceptors (its request message could be read).</summary>
    public static bool Reached(HttpContext http) => http.Items.ContainsKey(ReachedKey);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        HandleAsync(context, () => continuation(request, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        HandleAsync(context, () => continuation(request, responseStream, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        HandleAsync(context, () => continuation(requestStream, context));

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        HandleAsync(context, () => continuation(requestStream, responseStream, context));

    private async Task HandleAsync(ServerCallContext context, Func<Task> call) =>
        await HandleAsync(context, async () => { await call(); return true; });

    private async Task<T> HandleAsync<T>(ServerCallContext context, Func<Task<T>> call)
    {
        MarkReached(context);
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    /// <summary>Plain words for the caller; what happened on the wire for the log.</summary>
    private Google.Rpc.Status FromLightspeedFailure(PosException refusal, Exception failure, ServerCallContext context)
    {
        logger.LogWarning("{Method}: Lightspeed failed ({Reason}): {Detail}", context.Method, refusal.Reason, ProviderFailures.Detail(failure));
        return FromPosException(refusal);
    }

    private static void MarkReached(ServerCallContext context) => context.GetHttpContext().Items[ReachedKey] = true;

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        var status = exception switch
        {
            PosException pos => FromPosException(pos),
            DbUpdateConcurrencyException => FromPosException(ConflictException.StaleEtag("the resource")),
            DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg } =>
                Status(Code.AlreadyExists, "UNIQUE_VIOLATION", $"A resource with the same unique key exists already ({pg.ConstraintName})."),
            OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
                Status(Code.Cancelled, "CANCELLED", "The call was cancelled."),
            _ when ProviderFailures.ForCaller(exception) is { } lightspeed => FromLightspeedFailure(lightspeed, exception, context),
            _ when IsDatabaseUnavailable(exception) =>
                Status(Code.Unavailable, "DATABASE_UNAVAILABLE", "The database is unavailable; retry later."),
            _ => null,
        };
        if (status is null)
        {
            logger.LogError(exception, "Unhandled error in {Method}", context.Method);
            status = InternalError();
        }
        else
        {
            var reason = status.GetDetail<ErrorInfo>()?.Reason ?? "";
            refusals.Record(CallerKeys.Of(context.GetHttpContext()), context.Method, (StatusCode)status.Code, reason, status.Message);
        }
        var rpcException = status.ToRpcException();
        if (RetryPushbackOf(exception) is { } pushback) rpcException.Trailers.Add(RetryPushbackTrailer, pushback);
        return rpcException;
    }

    /// <summary>gRPC clients with a retry policy for this code wait exactly this long before retrying (gRFC A6 pushback).</summary>
    internal static string? RetryPushbackOf(Exception exception) => exception is RateLimitedException limited
        ? ((long)Math.Ceiling(limited.RetryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture)
        : null;

    internal static Google.Rpc.Status InternalError() => Status(Code.Internal, "INTERNAL", "An internal error occurred; it has been logged.");

    public const string RetryPushbackTrailer = "grpc-retry-pushback-ms";

    /// <summary>EF wraps connection failures differently per call site; look through the whole chain.</summary>
    private static bool IsDatabaseUnavailable(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is NpgsqlException { IsTransient: true } or TimeoutException or System.Net.Sockets.SocketException) return true;
        }
        return false;
    }

    /// <summary>The status of a refusal found outside an RPC handler (a request message that cannot be read).</summary>
    internal static Google.Rpc.Status FromPosException(PosException exception)
    {
        var (code, detail) = exception switch
        {
            InvalidArgumentException e => (Code.InvalidArgument, Any.Pack(new BadRequest
            {
                FieldViolations = { e.Violations.Select(v => new BadRequest.Types.FieldViolation { Field = Cap(v.Field), Description = Cap(v.Description) }) },
            })),
            PreconditionFailedException e => (Code.FailedPrecondition, Any.Pack(new PreconditionFailure
            {
                Violations = { e.Violations.Select(v => new PreconditionFailure.Types.Violation { Type = v.Type, Subject = Cap(v.Subject), Description = Cap(v.Description) }) },
            })),
            NotFoundException e => (Code.NotFound, Any.Pack(new ResourceInfo { ResourceType = e.ResourceType, ResourceName = Cap(e.ResourceName), Description = Cap(e.Message) })),
            AlreadyExistsException e => (Code.AlreadyExists, Any.Pack(new ResourceInfo { ResourceType = e.ResourceType, ResourceName = Cap(e.ResourceName), Description = Cap(e.Message) })),
            ConflictException => (Code.Aborted, null),
            PermissionDeniedException => (Code.PermissionDenied, null),
            UnavailableException => (Code.Unavailable, null),
            RateLimitedException e => (Code.ResourceExhausted, Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(e.RetryAfter) })),
            InFlightLimitException e => (Code.ResourceExhausted, Any.Pack(new QuotaFailure
            {
                Violations = { new QuotaFailure.Types.Violation { Subject = $"{e.What.Replace(' ', '_')}/{e.Scope}", Description = $"at most {e.Limit} {e.What} per {e.Scope}" } },
            })),
            DeadlineExceededException => (Code.DeadlineExceeded, null),
            _ => (Code.Internal, (Any?)null),
        };
        var status = Status(code, exception.Reason, exception.Message, exception.Metadata);
        if (detail is not null) status.Details.Add(detail);
        return status;
    }

    /// <summary>
    /// Statuses travel in HTTP headers: a hostile request must not make them huge by having its own input
    /// echoed back, so every text is capped.
    /// </summary>
    private const int MaxTextLength = 500;

    private static string Cap(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength] + "…";

    internal static Google.Rpc.Status Status(Code code, string reason, string message, IReadOnlyDictionary<string, string>? metadata = null) => new()
    {
        Code = (int)code,
        Message = Cap(message),
        Details = { Any.Pack(new ErrorInfo { Reason = reason, Domain = ErrorDomain, Metadata = { metadata?.ToDictionary() ?? [] } }) },
    };
}
