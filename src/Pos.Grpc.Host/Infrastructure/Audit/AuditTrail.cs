using System.Text.Json;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Audit;

/// <summary>Records who changed what. Entries are added to the caller's unit of work, so they commit with the change or not at all.</summary>
public static class AuditTrail
{
    public static void Record(PosDbContext db, string actor, long clientId, long? departmentId, string action,
        string resourceType, string resourceId, object? details, DateTimeOffset at) =>
        db.AuditEntries.Add(new AuditEntryEntity
        {
            ClientId = clientId,
            DepartmentId = departmentId,
            Actor = actor,
            Action = action,
            ResourceType = resourceType,
            ResourceId = resourceId,
            Details = JsonSerializer.Serialize(details ?? new { }),
            At = at,
        });

    public static void Record(PosDbContext db, Caller caller, long clientId, long? departmentId, string action,
        string resourceType, string resourceId, object? details, DateTimeOffset at) =>
        Record(db, caller.Subject, clientId, departmentId, action, resourceType, resourceId, details, at);
}
