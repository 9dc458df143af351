using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.WeeklyBalance.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.WeeklyBalance;

/// <summary>
/// Reads a department's ISO week and confirms days / approves weeks per register. Changes run in a
/// transaction holding the department's lock (<see cref="ChangeUnderLockAsync"/>); every
/// rule is checked before anything is written, so a rejected request changes nothing. Repeating a change
/// that is already in place answers OK with the current state and writes no audit entry.
/// </summary>
public sealed class WeeklyBalanceGrpcService(PosDbContext db, TimeProvider clock) : WeeklyBalanceService.WeeklyBalanceServiceBase
{
    public override async Task<GetWeeklyBalanceResponse> GetWeeklyBalance(GetWeeklyBalanceRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        new Violations().RequirePositiveId(request.DepartmentId, "department_id").RequireWeek(request.IsoYear, request.IsoWeek).ThrowIfAny();
        var department = await BalanceDepartment.LoadAsync(db, request.DepartmentId, cancellationToken);
        AccessPolicy.EnsureDepartment(context.GetCaller(), department.ClientId, department.Id, Capability.Read);

        var monday = IsoWeeks.Monday(request.IsoYear, request.IsoWeek);
        var registers = await WeeklyBalanceReader.ReadAsync(db, department, 1, department.RegisterCount, monday, monday.AddDays(6), cancellationToken);
        return new GetWeeklyBalanceResponse
        {
            WeeklyBalance = new Contracts.WeeklyBalance.V1.WeeklyBalance
            {
                DepartmentId = department.Id,
                IsoYear = request.IsoYear,
                IsoWeek = request.IsoWeek,
                TimeZone = department.Zone.Id,
                Registers = { registers },
            },
        };
    }

    public override async Task<ConfirmDayResponse> ConfirmDay(ConfirmDayRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        new Violations().RequirePositiveId(request.DepartmentId, "department_id").RequireRegisterNumber(request.RegisterNumber)
            .RequireDate(request.Date, out var date).ThrowIfAny();
        var caller = context.GetCaller();
        var register = request.RegisterNumber;
        var department = await LoadForChangeAsync(request.DepartmentId, register, caller, cancellationToken);

        var day = await ChangeUnderLockAsync(department, async () =>
        {
            var alreadyConfirmed = await db.ConfirmedDays.AnyAsync(
                c => c.DepartmentId == department.Id && c.RegisterNumber == register && c.Date == date, cancellationToken);
            if (alreadyConfirmed) return;
            WeeklyBalanceRules.EnsureDayEnded(department, register, date, clock);
            await WeeklyBalanceRules.EnsureMandatoryFieldsPresentAsync(db, department, register, date, cancellationToken);

            var now = clock.GetStorableUtcNow();
            db.ConfirmedDays.Add(new ConfirmedDayEntity
            {
                DepartmentId = department.Id, RegisterNumber = register, Date = date, ConfirmedBy = caller.Subject, ConfirmedAt = now,
            });
            // A confirmed day is no longer open, so the reason auto-confirm left it open no longer applies.
            var openReason = await db.OpenDayReasons.SingleOrDefaultAsync(
                o => o.DepartmentId == department.Id && o.RegisterNumber == register && o.Date == date, cancellationToken);
            if (openReason is not null) db.OpenDayReasons.Remove(openReason);
            AuditTrail.Record(db, caller, department.ClientId, department.Id, "weekly_balance.confirm_day", "register_day",
                RegisterDay.NameOf(department.Id, register, date),
                new { register_number = register, date = Dates.ToWire(date), cleared_open_reason = openReason?.Reason }, now);
            await db.SaveChangesAsync(cancellationToken);
        }, () => ReadDayAsync(department, register, date, cancellationToken), cancellationToken);
        return new ConfirmDayResponse { Day = day };
    }

    public override async Task<UnconfirmDayResponse> UnconfirmDay(UnconfirmDayRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        new Violations().RequirePositiveId(request.DepartmentId, "department_id").RequireRegisterNumber(request.RegisterNumber)
            .RequireDate(request.Date, out var date).ThrowIfAny();
        var caller = context.GetCaller();
        var register = request.RegisterNumber;
        var department = await LoadForChangeAsync(request.DepartmentId, register, caller, cancellationToken);

        var day = await ChangeUnderLockAsync(department, async () =>
        {
            await WeeklyBalanceRules.EnsureWeekNotApprovedAsync(db, department, register, date, cancellationToken);
            var confirmation = await db.ConfirmedDays.SingleOrDefaultAsync(
                c => c.DepartmentId == department.Id && c.RegisterNumber == register && c.Date == date, cancellationToken);
            if (confirmation is null) return;
            db.ConfirmedDays.Remove(confirmation);
            AuditTrail.Record(db, caller, department.ClientId, department.Id, "weekly_balance.unconfirm_day", "register_day",
                RegisterDay.NameOf(department.Id, register, date),
                new { register_number = register, date = Dates.ToWire(date), confirmed_by = confirmation.ConfirmedBy }, clock.GetStorableUtcNow());
            await db.SaveChangesAsync(cancellationToken);
        }, () => ReadDayAsync(department, register, date, cancellationToken), cancellationToken);
        return new UnconfirmDayResponse { Day = day };
    }

    public override async Task<ApproveWeekResponse> ApproveWeek(ApproveWeekRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        new Violations().RequirePositiveId(request.DepartmentId, "department_id").RequireRegisterNumber(request.RegisterNumber)
            .RequireWeek(request.IsoYear, request.IsoWeek).ThrowIfAny();
        var caller = context.GetCaller();
        var register = request.RegisterNumber;
        var department = await LoadForChangeAsync(request.DepartmentId, register, caller, cancellationToken);
        var monday = IsoWeeks.Monday(request.IsoYear, request.IsoWeek);

        var week = await ChangeUnderLockAsync(department, async () =>
        {
            var alreadyApproved = await db.ApprovedWeeks.AnyAsync(
                a => a.DepartmentId == department.Id && a.RegisterNumber == register && a.WeekStart == monday, cancellationToken);
            if (alreadyApproved) return;
            await WeeklyBalanceRules.EnsureAllDaysConfirmedAsync(db, department, register, monday, cancellationToken);
            var now = clock.GetStorableUtcNow();
            db.ApprovedWeeks.Add(new ApprovedWeekEntity
            {
                DepartmentId = department.Id, RegisterNumber = register, WeekStart = monday, ApprovedBy = caller.Subject, ApprovedAt = now,
            });
            AuditTrail.Record(db, caller, department.ClientId, department.Id, "weekly_balance.approve_week", "register_week",
                WeeklyBalanceMapper.WeekName(department.Id, register, monday),
                new { register_number = register, iso_year = request.IsoYear, iso_week = request.IsoWeek }, now);
            await db.SaveChangesAsync(cancellationToken);
        }, () => ReadWeekAsync(department, register, monday, cancellationToken), cancellationToken);
        return new ApproveWeekResponse { Week = week };
    }

    public override async Task<UnapproveWeekResponse> UnapproveWeek(UnapproveWeekRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        new Violations().RequirePositiveId(request.DepartmentId, "department_id").RequireRegisterNumber(request.RegisterNumber)
            .RequireWeek(request.IsoYear, request.IsoWeek).ThrowIfAny();
        var caller = context.GetCaller();
        var register = request.RegisterNumber;
        var department = await LoadForChangeAsync(request.DepartmentId, register, caller, cancellationToken);
        var monday = IsoWeeks.Monday(request.IsoYear, request.IsoWeek);

        var week = await ChangeUnderLockAsync(department, async () =>
        {
            var approval = await db.ApprovedWeeks.SingleOrDefaultAsync(
                a => a.DepartmentId == department.Id && a.RegisterNumber == register && a.WeekStart == monday, cancellationToken);
            if (approval is null) return;
            db.ApprovedWeeks.Remove(approval);
            AuditTrail.Record(db, caller, department.ClientId, department.Id, "weekly_balance.unapprove_week", "register_week",
                WeeklyBalanceMapper.WeekName(department.Id, register, monday),
                new { register_number = register, iso_year = request.IsoYear, iso_week = request.IsoWeek, approved_by = approval.ApprovedBy },
                clock.GetStorableUtcNow());
            await db.SaveChangesAsync(cancellationToken);
        }, () => ReadWeekAsync(department, register, monday, cancellationToken), cancellationToken);
        return new UnapproveWeekResponse { Week = week };
    }

    /// <summary>Loads the department and checks, in this order, that the caller may see it, may change it, and that it has the register.</summary>
    private async Task<BalanceDepartment> LoadForChangeAsync(long departmentId, int registerNumber, Caller caller, CancellationToken cancellationToken)
    {
        var department = await BalanceDepartment.LoadAsync(db, departmentId, cancellationToken);
        AccessPolicy.EnsureDepartment(caller, department.ClientId, department.Id, Capability.ConfirmWeeklyBalance);
        // After the access check, so a caller learns nothing about the registers of departments it cannot see.
        WeeklyBalanceRules.EnsureRegisterExists(department, registerNumber);
        return department;
    }

    /// <summary>
    /// One confirmation change, in a transaction holding the department's lock, so "approve needs every day confirmed"
    /// and "unconfirm not in an approved week" cannot interleave. The answer is read in the same transaction: it shows
    /// exactly what the change left.
    /// </summary>
    private async Task<T> ChangeUnderLockAsync<T>(BalanceDepartment department, Func<Task> change, Func<Task<T>> read,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await DepartmentLock.AcquireAsync(db, department.Id, cancellationToken);
        await change();
        var answer = await read();
        await transaction.CommitAsync(cancellationToken);
        return answer;
    }

    private async Task<DayBalance> ReadDayAsync(BalanceDepartment department, int register, DateOnly date, CancellationToken cancellationToken) =>
        (await WeeklyBalanceReader.ReadAsync(db, department, register, register, date, date, cancellationToken))[0].Days[0];

    private async Task<RegisterWeek> ReadWeekAsync(BalanceDepartment department, int register, DateOnly monday, CancellationToken cancellationToken) =>
        (await WeeklyBalanceReader.ReadAsync(db, department, register, register, monday, monday.AddDays(6), cancellationToken))[0];
}
