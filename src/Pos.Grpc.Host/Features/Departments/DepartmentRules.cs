using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Features.Departments;

/// <summary>Rules that span departments of a client.</summary>
public static class DepartmentRules
{
    /// <summary>Multi cash registers can only be turned off when no department of the client has terminal numbers.</summary>
    public static async Task EnsureNoTerminalNumbersAsync(PosDbContext db, long clientId, CancellationToken cancellationToken)
    {
        var withTerminals = await db.Departments
            .Where(d => d.ClientId == clientId && d.Registers.Any())
            .OrderBy(d => d.Id).Select(d => d.Id).Take(10).ToListAsync(cancellationToken);
        if (withTerminals.Count > 0)
            throw new PreconditionFailedException("TERMINAL_NUMBERS_IN_USE", withTerminals.Select(id => new PreconditionViolation(
                "DEPARTMENT", $"departments/{id}/pos_terminal_numbers",
                "Multi cash registers cannot be turned off while departments have POS terminal numbers; clear them first.")).ToArray());
    }
}
