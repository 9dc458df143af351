using Microsoft.EntityFrameworkCore;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Locks;

/// <summary>
/// The department's lock, held for the rest of the caller's transaction. Confirmation changes take it, so "approve
/// needs every day confirmed" and "unconfirm not in an approved week" cannot interleave (write skew); the import's
/// checkpoint takes it, so "spare approved numbers" cannot race a day being confirmed, and two writes of one
/// department-day take turns. FOR NO KEY UPDATE does not block the foreign-key checks of concurrent value writes.
/// </summary>
public static class DepartmentLock
{
    public static async Task AcquireAsync(PosDbContext db, long departmentId, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("The department lock is held by a transaction; begin one first.");
        await db.Database.ExecuteSqlAsync($"SELECT id FROM departments WHERE id = {departmentId} FOR NO KEY UPDATE", cancellationToken);
    }
}
