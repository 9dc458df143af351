namespace Pos.Grpc.Host.Infrastructure.Errors;

/// <summary>
/// A request the service refuses, with a machine-readable <see cref="Reason"/>. Handlers throw these;
/// <see cref="ErrorMappingInterceptor"/> alone turns them into gRPC statuses with rich details.
/// </summary>
public abstract class PosException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;

    /// <summary>Facts a client can act on without parsing the message, carried in ErrorInfo's metadata.</summary>
    public virtual IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>();
}

/// <summary>INVALID_ARGUMENT: the request itself is malformed; every bad field is named.</summary>
public sealed class InvalidArgumentException(IReadOnlyList<FieldViolation> violations)
    : PosException("INVALID_ARGUMENT", "The request has invalid fields: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    public static InvalidArgumentException For(string field, string description) => new([new FieldViolation(field, description)]);
}

public sealed record FieldViolation(string Field, string Description);

/// <summary>FAILED_PRECONDITION: the request is well formed but the system is not in a state that allows it.</summary>
public sealed class PreconditionFailedException(string reason, IReadOnlyList<PreconditionViolation> violations)
    : PosException(reason, string.Join("; ", violations.Select(v => v.Description)))
{
    public IReadOnlyList<PreconditionViolation> Violations { get; } = violations;

    public PreconditionFailedException(string reason, string type, string subject, string description)
        : this(reason, [new PreconditionViolation(type, subject, description)]) { }
}

/// <param name="Type">The kind of precondition, e.g. "SETTINGS" or "MANDATORY_FIELDS".</param>
/// <param name="Subject">What it concerns, e.g. "clients/1/settings/multi_cash_registers".</param>
public sealed record PreconditionViolation(string Type, string Subject, string Description);

/// <summary>NOT_FOUND: the resource does not exist, or belongs to a client the caller may not see.</summary>
public sealed class NotFoundException(string resourceType, string resourceName)
    : PosException("NOT_FOUND", $"{resourceType} '{resourceName}' was not found.")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceName { get; } = resourceName;
}

/// <summary>ALREADY_EXISTS: the resource, or the unique thing it claims, exists already.</summary>
public sealed class AlreadyExistsException(string resourceType, string resourceName, string message)
    : PosException("ALREADY_EXISTS", message)
{
    public string ResourceType { get; } = resourceType;
    public string ResourceName { get; } = resourceName;
}

/// <summary>ABORTED: a concurrency conflict (stale etag, an overlapping running job); retry after re-reading.</summary>
public sealed class ConflictException(string reason, string message) : PosException(reason, message)
{
    public static ConflictException StaleEtag(string resource) =>
        new("STALE_ETAG", $"The etag of {resource} is stale: it was changed since you read it. Read it again and retry.");
}

/// <summary>PERMISSION_DENIED: the caller is known but its roles do not allow this.</summary>
public sealed class PermissionDeniedException(string message) : PosException("PERMISSION_DENIED", message);

/// <summary>UNAVAILABLE: this instance cannot serve the call now (e.g. it is shutting down); the client retries, maybe elsewhere.</summary>
public sealed class UnavailableException(string reason, string message) : PosException(reason, message);

/// <summary>RESOURCE_EXHAUSTED: the caller made more calls than its rate allows; it may call again after <see cref="RetryAfter"/>.</summary>
public sealed class RateLimitedException(TimeSpan retryAfter)
    : PosException("RATE_LIMITED", $"Too many calls from this caller; retry in {Math.Ceiling(retryAfter.TotalSeconds):0} s.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// RESOURCE_EXHAUSTED: the caller (or the whole instance) has as many of these in flight as it may (open streams,
/// register listings); it may start another once one has ended.
/// </summary>
/// <param name="what">What is counted, in words: "open streams".</param>
/// <param name="scope">Whose limit was reached: "caller" or "instance".</param>
public sealed class InFlightLimitException(string reason, string what, string scope, int limit)
    : PosException(reason, $"Too many {what} at once: at most {limit} per {scope}. Wait for one to end before starting another.")
{
    public string What { get; } = what;
    public string Scope { get; } = scope;
    public int Limit { get; } = limit;

    public override IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>
    {
        ["scope"] = Scope, ["limit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>DEADLINE_EXCEEDED: the service's own deadline for the call passed (a slow dependency), not the caller's.</summary>
public sealed class DeadlineExceededException(string reason, string message) : PosException(reason, message);
