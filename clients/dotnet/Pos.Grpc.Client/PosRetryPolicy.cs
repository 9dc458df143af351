using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client.Configuration;

namespace Pos.Grpc.Client;

/// <summary>
/// The channel's service config: retries of idempotent reads only, on UNAVAILABLE and on RESOURCE_EXHAUSTED (the
/// caller's rate limit refused the call before any work; its grpc-retry-pushback-ms trailer says when to come back,
/// and gRPC waits exactly that long). A read that reached a server twice does no harm; a mutating call retried after
/// a lost answer could apply twice (StartImport has its request_id, but ConfirmDay or UpdateDepartment do not), so
/// mutating calls are never retried here.
/// </summary>
public static class PosRetryPolicy
{
    /// <summary>The services of Pos.Grpc, from the generated contracts.</summary>
    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
    [
        Contracts.Settings.V1.SettingsService.Descriptor,
        Contracts.Departments.V1.DepartmentService.Descriptor,
        Contracts.FieldMapping.V1.FieldMappingService.Descriptor,
        Contracts.LightspeedAuth.V1.LightspeedAuthService.Descriptor,
        Contracts.Imports.V1.ImportService.Descriptor,
        Contracts.Imports.V1.ImportHealthService.Descriptor,
        Contracts.WeeklyBalance.V1.WeeklyBalanceService.Descriptor,
    ];

    /// <summary>
    /// The retried methods, as "package.Service/Method": unary Get*/List* (AIP-131/132 reads). Streams are
    /// left out: WatchImportJob is re-opened by the caller, who knows what it already saw.
    /// </summary>
    public static IReadOnlyList<string> IdempotentReadMethods { get; } = Services
        .SelectMany(service => service.Methods)
        .Where(method => !method.IsClientStreaming && !method.IsServerStreaming)
        .Where(method => method.Name.StartsWith("Get", StringComparison.Ordinal) || method.Name.StartsWith("List", StringComparison.Ordinal))
        .Select(method => $"{method.Service.FullName}/{method.Name}")
        .ToArray();

    /// <summary>The service config for GrpcChannelOptions.ServiceConfig; null when retries are off.</summary>
    public static ServiceConfig? ServiceConfig(PosGrpcClientOptions options)
    {
        if (options.ReadMaxAttempts <= 1) return null;
        var reads = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = options.ReadMaxAttempts,
                InitialBackoff = options.RetryInitialBackoff,
                MaxBackoff = options.RetryMaxBackoff,
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable, StatusCode.ResourceExhausted },
            },
        };
        foreach (var name in IdempotentReadMethods)
        {
            var (service, method) = (name[..name.IndexOf('/')], name[(name.IndexOf('/') + 1)..]);
            reads.Names.Add(new MethodName { Service = service, Method = method });
        }
        return new ServiceConfig { MethodConfigs = { reads } };
    }
}
