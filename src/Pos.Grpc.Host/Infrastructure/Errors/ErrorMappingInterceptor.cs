using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Pos.Grpc.Host.Infrastructure.Errors;

/// <summary>
/// The one place where failures become gRPC statuses (Google error model: ErrorInfo plus BadRequest,
/// PreconditionFailure, ResourceInfo or RetryInfo details). Handlers hold no try/catch.
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public const string ErrorDomain = "pos.samesystem.com";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

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
            Pos.Grpc.Providers.RSeries.RSeriesApiException or HttpRequestException =>
                Status(Code.Unavailable, "LIGHTSPEED_UNAVAILABLE", $"Lightspeed did not answer as expected: {exception.Message}"),
            _ when IsDatabaseUnavailable(exception) =>
                Status(Code.Unavailable, "DATABASE_UNAVAILABLE", "The database is unavailable; retry later."),
            _ => null,
        };
        if (status is null)
        {
            logger.LogError(exception, "Unhandled error in {Method}", context.Method);
            status = Status(Code.Internal, "INTERNAL", "An internal error occurred; it has been logged.");
        }
        else
        {
            logger.LogInformation("{Method} rejected: {Code} {Message}", context.Method, (Code)status.Code, status.Message);
        }
        var rpcException = status.ToRpcException();
        // gRPC clients with a retry policy for this code wait exactly this long before retrying (gRFC A6 pushback).
        if (exception is RateLimitedException limited)
            rpcException.Trailers.Add(RetryPushbackTrailer, ((long)Math.Ceiling(limited.RetryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture));
        return rpcException;
    }

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

    private static Google.Rpc.Status FromPosException(PosException exception)
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
            _ => (Code.Internal, (Any?)null),
        };
        var status = Status(code, exception.Reason, exception.Message);
        if (detail is not null) status.Details.Add(detail);
        return status;
    }

    /// <summary>
    /// Statuses travel in HTTP headers: a hostile request must not make them huge by having its own input
    /// echoed back, so every text is capped.
    /// </summary>
    private const int MaxTextLength = 500;

    private static string Cap(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength] + "…";

    private static Google.Rpc.Status Status(Code code, string reason, string message) => new()
    {
        Code = (int)code,
        Message = Cap(message),
        Details = { Any.Pack(new ErrorInfo { Reason = reason, Domain = ErrorDomain }) },
    };
}
