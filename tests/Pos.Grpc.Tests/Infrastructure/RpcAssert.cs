using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;

namespace Pos.Grpc.Tests.Infrastructure;

/// <summary>Assertions on gRPC failures and their Google error-model details.</summary>
public static class RpcAssert
{
    public static async Task<RpcException> FailsAsync(StatusCode expected, Func<Task> call)
    {
        var exception = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(expected == exception.StatusCode, $"Expected {expected} but got {exception.StatusCode}: {exception.Status.Detail}");
        return exception;
    }

    public static Task<RpcException> FailsAsync<T>(StatusCode expected, Func<AsyncUnaryCall<T>> call) =>
        FailsAsync(expected, async () => await call());

    /// <summary>INVALID_ARGUMENT whose BadRequest names exactly these fields.</summary>
    public static async Task<BadRequest> InvalidArgumentAsync<T>(Func<AsyncUnaryCall<T>> call, params string[] fields)
    {
        var exception = await FailsAsync(StatusCode.InvalidArgument, call);
        var badRequest = Detail<BadRequest>(exception);
        Assert.Equal(fields.Order(), badRequest.FieldViolations.Select(v => v.Field).Distinct().Order());
        Assert.All(badRequest.FieldViolations, v => Assert.False(string.IsNullOrWhiteSpace(v.Description)));
        return badRequest;
    }

    /// <summary>FAILED_PRECONDITION whose PreconditionFailure has a violation on each subject.</summary>
    public static async Task<PreconditionFailure> FailedPreconditionAsync<T>(Func<AsyncUnaryCall<T>> call, params string[] subjects)
    {
        var exception = await FailsAsync(StatusCode.FailedPrecondition, call);
        var failure = Detail<PreconditionFailure>(exception);
        Assert.Equal(subjects.Order(), failure.Violations.Select(v => v.Subject).Order());
        return failure;
    }

    public static T Detail<T>(RpcException exception) where T : class, IMessage<T>, new()
    {
        var status = exception.GetRpcStatus();
        Assert.NotNull(status);
        var errorInfo = status.GetDetail<ErrorInfo>();
        Assert.NotNull(errorInfo);
        Assert.Equal("pos.samesystem.com", errorInfo.Domain);
        var detail = status.GetDetail<T>();
        Assert.True(detail is not null, $"Expected a {typeof(T).Name} detail in {status}");
        return detail;
    }

    public static string Reason(RpcException exception) => exception.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason;
}
