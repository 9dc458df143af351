using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Engine.Days;

/// <summary>One department-day to write: whose it is, which fields take which numbers, and whether approved numbers give way.</summary>
/// <param name="Fields">The client's mapped fields whose numbers the POS provides (<see cref="MappedFields.Classify"/>).</param>
/// <param name="Actor">Who the audit trail names: the job's creator or "scheduler".</param>
public sealed record DayWrite(
    long ClientId,
    long DepartmentId,
    Guid JobId,
    string Actor,
    bool OverwriteApproved,
    IReadOnlyList<MappedField> Fields,
    DayNumbers Numbers);

/// <summary>What a day's write changed: day values put in place, and approved ones left alone or replaced.</summary>
public sealed record DayWriteResult(int ValuesWritten, int ValuesSkippedApproved, int ValuesOverwrittenApproved);

/// <summary>
/// Replaces one department-day's imported values inside the caller's transaction, set-based: the
/// approved-numbers lookup, then one batched command (stale intervals deleted, intervals and day values
/// upserted), whatever the number of registers and fields. Recording the day as imported is the caller's
/// checkpoint.
/// <para>What it writes, for every mapped field the POS provides and every register 1..RegisterCount:</para>
/// <list type="bullet">
/// <item>a day value, also for a register without sales (0): the day was imported and had none, which is
/// what makes its mandatory fields present for auto-confirm;</item>
/// <item>for split fields, one interval row per hour in which the register had at least one counted sale
/// (0 where that field has nothing in such an hour); hours without sales have no row, their value is 0
/// and the day value is the sum of the rows. Every other interval row of the day for these fields is
/// removed (hours that no longer have sales, fields no longer split);</item>
/// <item>a value row is only updated when its value changes, so re-importing the same numbers leaves
/// every row, including its updated_at, as it was.</item>
/// </list>
/// Register days with approved numbers (<see cref="ApprovedNumbers"/>) are left untouched unless the job
/// overwrites them; either way their values are counted and one audit entry per register day says so.
/// </summary>
public sealed class DayValuesWriter(TimeProvider clock)
{
    public const string SkipApprovedAction = "import.skip_approved";
    public const string OverwriteApprovedAction = "import.overwrite_approved";

    // One round trip. Stale intervals go first; "stale" is anything of these registers and fields on this
    // day that the new numbers do not have. The day is matched by its date and by its UTC window, so rows
    // written while the department was in another time zone do not linger.
    private const string ReplaceSql = """
        DELETE FROM interval_values AS iv
        WHERE iv.department_id = @department_id
          AND iv.register_number = ANY(@registers)
          AND iv.field_id = ANY(@field_ids)
          AND (iv.date = @date OR (iv.start_utc >= @start_utc AND iv.start_utc < @end_utc))
          AND NOT EXISTS (
              SELECT 1 FROM unnest(@interval_registers, @interval_fields, @interval_starts) AS n(register_number, field_id, start_utc)
              WHERE n.register_number = iv.register_number AND n.field_id = iv.field_id AND n.start_utc = iv.start_utc);

        INSERT INTO interval_values AS iv (department_id, register_number, field_id, start_utc, date, value, updated_at)
        SELECT @department_id, n.register_number, n.field_id, n.start_utc, @date, n.value, @now
        FROM unnest(@interval_registers, @interval_fields, @interval_starts, @interval_values) AS n(register_number, field_id, start_utc, value)
        ON CONFLICT (department_id, register_number, field_id, start_utc) DO UPDATE
        SET date = excluded.date, value = excluded.value, updated_at = excluded.updated_at
        WHERE iv.value <> excluded.value OR iv.date <> excluded.date;

        INSERT INTO day_values AS dv (department_id, register_number, date, field_id, value, updated_at)
        SELECT @department_id, n.register_number, @date, n.field_id, n.value, @now
        FROM unnest(@day_registers, @day_fields, @day_values) AS n(register_number, field_id, value)
        ON CONFLICT (department_id, register_number, date, field_id) DO UPDATE
        SET value = excluded.value, updated_at = excluded.updated_at
        WHERE dv.value <> excluded.value;
        """;

    /// <summary>
    /// Writes the day in <paramref name="db"/>'s open transaction (it does not commit), which holds the
    /// department's lock (<see cref="DepartmentLock.AcquireAsync"/>; the job's checkpoint takes it), so a day
    /// cannot be confirmed between the approved-numbers check and the write. Audit entries are saved here too.
    /// </summary>
    /// <returns>
    /// ValuesWritten: day values put in place (changed or not; approved ones overwritten included);
    /// ValuesSkippedApproved / ValuesOverwrittenApproved: day values of approved register days left alone / replaced.
    /// Interval rows are parts of their field's day value and are not counted separately.
    /// </returns>
    public async Task<DayWriteResult> WriteAsync(PosDbContext db, DayWrite write, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("DayValuesWriter writes inside the caller's transaction; begin one first.");
        var numbers = write.Numbers;
        var date = numbers.Date;
        var fields = write.Fields;

        var approved = await ApprovedNumbers.InRangeAsync(db, write.DepartmentId, date, date, cancellationToken);

        var registers = new List<int>();
        var approvedRegisters = new List<int>();
        for (var register = 1; register <= numbers.RegisterCount; register++)
        {
            var isApproved = approved.Contains(new RegisterDay(register, date));
            if (isApproved) approvedRegisters.Add(register);
            if (!isApproved || write.OverwriteApproved) registers.Add(register);
        }

        var now = clock.GetStorableUtcNow();
        await db.Database.ExecuteSqlRawAsync(ReplaceSql, Parameters(write, fields, registers, now), cancellationToken);

        var approvedValues = approvedRegisters.Count * fields.Count;
        if (approvedValues > 0)
        {
            foreach (var register in approvedRegisters)
                AuditTrail.Record(db, write.Actor, write.ClientId, write.DepartmentId,
                    write.OverwriteApproved ? OverwriteApprovedAction : SkipApprovedAction, "register_day",
                    RegisterDay.NameOf(write.DepartmentId, register, date),
                    new
                    {
                        job_id = write.JobId,
                        register_number = register,
                        date = Dates.ToWire(date),
                        values = fields.Count,
                        field_ids = fields.Select(f => f.FieldId).ToArray(),
                    }, now);
            await db.SaveChangesAsync(cancellationToken);
        }

        return new DayWriteResult(
            ValuesWritten: registers.Count * fields.Count,
            ValuesSkippedApproved: write.OverwriteApproved ? 0 : approvedValues,
            ValuesOverwrittenApproved: write.OverwriteApproved ? approvedValues : 0);
    }

    /// <summary>The rows to write as parallel arrays, unnested server-side: one parameter per column, not per row.</summary>
    private static NpgsqlParameter[] Parameters(DayWrite write, IReadOnlyList<MappedField> fields, IReadOnlyList<int> registers, DateTimeOffset now)
    {
        var numbers = write.Numbers;
        var dayRegisters = new List<int>();
        var dayFields = new List<long>();
        var dayValues = new List<decimal>();
        var intervalRegisters = new List<int>();
        var intervalFields = new List<long>();
        var intervalStarts = new List<DateTimeOffset>();
        var intervalValues = new List<decimal>();
        foreach (var register in registers)
        {
            foreach (var field in fields)
            {
                dayRegisters.Add(register);
                dayFields.Add(field.FieldId);
                dayValues.Add(numbers.Day(register, field.Type));
                if (!field.SplitIntoIntervals) continue;
                foreach (var hour in numbers.Hours(register, field.Type))
                {
                    intervalRegisters.Add(register);
                    intervalFields.Add(field.FieldId);
                    intervalStarts.Add(hour.StartUtc);
                    intervalValues.Add(hour.Value);
                }
            }
        }

        return
        [
            new NpgsqlParameter<long>("department_id", write.DepartmentId),
            new NpgsqlParameter<DateOnly>("date", numbers.Date),
            new NpgsqlParameter<DateTimeOffset>("start_utc", numbers.StartUtc.ToUniversalTime()),
            new NpgsqlParameter<DateTimeOffset>("end_utc", numbers.EndUtc.ToUniversalTime()),
            new NpgsqlParameter<DateTimeOffset>("now", now),
            new NpgsqlParameter<int[]>("registers", registers.ToArray()),
            new NpgsqlParameter<long[]>("field_ids", fields.Select(f => f.FieldId).ToArray()),
            new NpgsqlParameter<int[]>("day_registers", dayRegisters.ToArray()),
            new NpgsqlParameter<long[]>("day_fields", dayFields.ToArray()),
            new NpgsqlParameter<decimal[]>("day_values", dayValues.ToArray()),
            new NpgsqlParameter<int[]>("interval_registers", intervalRegisters.ToArray()),
            new NpgsqlParameter<long[]>("interval_fields", intervalFields.ToArray()),
            new NpgsqlParameter<DateTimeOffset[]>("interval_starts", intervalStarts.Select(s => s.ToUniversalTime()).ToArray()),
            new NpgsqlParameter<decimal[]>("interval_values", intervalValues.ToArray()),
        ];
    }
}
