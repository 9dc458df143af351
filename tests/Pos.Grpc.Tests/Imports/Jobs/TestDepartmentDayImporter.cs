using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Features.Imports.Engine;
using Pos.Grpc.Host.Features.WeeklyBalance;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>
/// Stands in for the Lightspeed importer: each department-day writes one deterministic day value (register 1,
/// the client's gross-sales field) through the worker's transaction, so what was written, and how often, is
/// observable. Per department it can be made slow, fail (transiently a number of times, or permanently), write
/// nothing, or block the fetch or the write of chosen days until the test releases them. Tests use their own department ids, so one
/// instance serves every test of a host.
/// </summary>
public sealed class TestDepartmentDayImporter : IDepartmentDayImporter
{
    public const int SalesPerDay = 10;
    public const int RequestsPerDay = 2;

    private readonly ConcurrentDictionary<long, Behaviour> _behaviours = new();
    private readonly ConcurrentDictionary<(long, DateOnly), int> _prepares = new();
    private readonly ConcurrentDictionary<(long, DateOnly), int> _writes = new();

    /// <summary>The value the importer writes for a department-day.</summary>
    public static decimal ValueOf(long departmentId, DateOnly date) => departmentId % 1000 * 1000 + date.DayOfYear + 0.25m;

    public Behaviour For(long departmentId) => _behaviours.GetOrAdd(departmentId, _ => new Behaviour());

    public int Prepares(long departmentId, DateOnly date) => _prepares.GetValueOrDefault((departmentId, date));

    /// <summary>Write calls whose values were (or would have been) written; a rolled-back transaction counts too.</summary>
    public int Writes(long departmentId, DateOnly date) => _writes.GetValueOrDefault((departmentId, date));

    public async Task<PreparedDay> PrepareAsync(DepartmentDayWork work, CancellationToken cancellationToken)
    {
        _prepares.AddOrUpdate((work.DepartmentId, work.Date), 1, (_, n) => n + 1);
        var behaviour = For(work.DepartmentId);
        if (behaviour.GateOf(work.Date) is { } gate)
        {
            gate.Entered.TrySetResult();
            await gate.Released.Task.WaitAsync(cancellationToken);
        }
        if (behaviour.Delay > TimeSpan.Zero) await Task.Delay(behaviour.Delay, cancellationToken);
        if (behaviour.PermanentFailure is { } reason)
            throw new ImportUnitException(reason, $"Test failure of department {work.DepartmentId}.", permanent: true);
        if (behaviour.TakeTransientFailure())
            throw new ImportUnitException("TEST_TRANSIENT", "Test hiccup.", permanent: false);
        if (behaviour.TakeDatabaseFailure())
            throw new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));
        return new TestPreparedDay(work)
        {
            SalesRead = SalesPerDay,
            RequestsMade = RequestsPerDay,
            RateLimitWait = TimeSpan.FromMilliseconds(5),
            Value = ValueOf(work.DepartmentId, work.Date),
        };
    }

    public async Task<DayWriteResult> WriteAsync(PosDbContext db, PreparedDay day, CancellationToken cancellationToken)
    {
        var work = day.Work;
        _writes.AddOrUpdate((work.DepartmentId, work.Date), 1, (_, n) => n + 1);
        var behaviour = For(work.DepartmentId);
        if (behaviour.WriteGateOf(work.Date) is { } gate)
        {
            gate.Entered.TrySetResult();
            await gate.Released.Task.WaitAsync(cancellationToken);
        }
        if (behaviour.WriteNothing) return new DayWriteResult(0, 0, 0);
        var fieldId = await db.WeeklyBalanceFields
            .Where(f => f.ClientId == work.ClientId && f.PosFieldType == (int)PosFieldType.GrossSales)
            .Select(f => (long?)f.Id)
            .SingleOrDefaultAsync(cancellationToken);
        if (fieldId is null) return new DayWriteResult(0, 0, 0);

        var approved = await ApprovedNumbers.IsApprovedAsync(db, work.DepartmentId, 1, work.Date, cancellationToken);
        if (approved && !work.OverwriteApproved) return new DayWriteResult(0, 1, 0);
        await db.DayValues.Where(v => v.DepartmentId == work.DepartmentId && v.RegisterNumber == 1 && v.Date == work.Date && v.FieldId == fieldId)
            .ExecuteDeleteAsync(cancellationToken);
        db.DayValues.Add(new DayValueEntity
        {
            DepartmentId = work.DepartmentId, RegisterNumber = 1, Date = work.Date, FieldId = fieldId.Value,
            Value = ((TestPreparedDay)day).Value, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new DayWriteResult(1, 0, approved ? 1 : 0);
    }

    private sealed class TestPreparedDay(DepartmentDayWork work) : PreparedDay(work)
    {
        public decimal Value { get; init; }
    }

    /// <summary>What one department's days do.</summary>
    public sealed class Behaviour
    {
        private readonly ConcurrentDictionary<DateOnly, Gate> _gates = new();
        private readonly ConcurrentDictionary<DateOnly, Gate> _writeGates = new();
        private int _transientFailures;
        private int _databaseFailures;

        public TimeSpan Delay { get; set; }
        public string? PermanentFailure { get; set; }
        public bool WriteNothing { get; set; }

        /// <summary>The next <paramref name="times"/> attempts (of any of the department's days) fail transiently.</summary>
        public void FailTransiently(int times) => Interlocked.Exchange(ref _transientFailures, times);

        /// <summary>The next <paramref name="times"/> attempts fail as if PostgreSQL were unreachable (as the setup query of a real day would).</summary>
        public void FailWithUnreachableDatabase(int times) => Interlocked.Exchange(ref _databaseFailures, times);

        /// <summary>The day's fetch waits until the gate is released (or the unit's token is cancelled).</summary>
        public Gate BlockOn(DateOnly date) => _gates.GetOrAdd(date, _ => new Gate());

        internal Gate? GateOf(DateOnly date) => _gates.GetValueOrDefault(date);

        /// <summary>The day's write (inside the checkpoint transaction) waits until the gate is released.</summary>
        public Gate BlockWriteOn(DateOnly date) => _writeGates.GetOrAdd(date, _ => new Gate());

        internal Gate? WriteGateOf(DateOnly date) => _writeGates.GetValueOrDefault(date);

        internal bool TakeTransientFailure() => Take(ref _transientFailures);

        internal bool TakeDatabaseFailure() => Take(ref _databaseFailures);

        private static bool Take(ref int counter)
        {
            while (true)
            {
                var left = Volatile.Read(ref counter);
                if (left <= 0) return false;
                if (Interlocked.CompareExchange(ref counter, left - 1, left) == left) return true;
            }
        }
    }

    public sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}
