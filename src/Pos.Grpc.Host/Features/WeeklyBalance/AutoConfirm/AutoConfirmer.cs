using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Nightly;
using Pos.Grpc.Host.Features.WeeklyBalance;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using System.Globalization;

namespace Pos.Grpc.Host.Features.WeeklyBalance.AutoConfirm;

/// <summary>
/// Auto-confirm (docs/domain.md section 3). Once a day per client, as soon as its confirm_days_at has passed in its
/// own time zone, the finished days of the trailing window (yesterday and the
/// <see cref="NightlyOptions.TrailingDays"/> days before it, in each department's zone) are confirmed per
/// register when their import completed and every mandatory field has a value. Every other open register day
/// gets the reason in open_day_reasons, which GetWeeklyBalance shows.
///
/// "Once a day" is recorded as an audit entry of the client, written in the same transaction under the client's
/// lock: several instances, or a run every few minutes, confirm at most once, and a day somebody unconfirmed
/// after the run is not confirmed again behind their back the same day. A day whose import completes after the
/// run stays open with its reason until the next day's run (or until somebody confirms it).
/// </summary>
public sealed class AutoConfirmer(PosDbContext db, TimeProvider clock, IOptions<NightlyOptions> options, ILogger<AutoConfirmer> logger)
{
    public const string Actor = "auto-confirm";
    private const string RunAction = "weekly_balance.auto_confirm_run";
    private const int MaxReasonLength = 1000;

    /// <summary>Runs every client that is due and has not run today; returns how many clients ran.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var clients = await db.GeneralSettings.AsNoTracking()
            .Where(s => s.AutoConfirmWeeklyBalance && s.PosImportEnabled)
            .OrderBy(s => s.ClientId)
            .ToListAsync(cancellationToken);
        var ran = 0;
        foreach (var settings in clients)
        {
            var localNow = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZones.Find(settings.TimeZone));
            if (TimeOnly.FromDateTime(localNow.DateTime) < settings.ConfirmDaysAt) continue;
            try
            {
                if (await RunClientAsync(settings, DateOnly.FromDateTime(localNow.DateTime), cancellationToken)) ran++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Auto-confirm of client {ClientId} failed; the next run retries it", settings.ClientId);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
        return ran;
    }

    private async Task<bool> RunClientAsync(GeneralSettingsEntity settings, DateOnly runDate, CancellationToken cancellationToken)
    {
        var clientId = settings.ClientId;
        var runName = $"clients/{clientId}/auto_confirm/{Dates.ToWire(runDate)}";
        await using var transaction = await ClientConfigurationLock.BeginAsync(db, clientId, cancellationToken);
        if (await db.AuditEntries.AnyAsync(a => a.ClientId == clientId && a.Action == RunAction && a.ResourceId == runName, cancellationToken))
            return false;

        var departments = await db.Departments.AsNoTracking().Include(d => d.Registers)
            .Where(d => d.ClientId == clientId && d.PosClientNumber != null)
            .OrderBy(d => d.Id)
            .ToListAsync(cancellationToken);
        var zones = await ConnectionDirectory.AccountZonesAsync(db, clientId, cancellationToken);
        var now = clock.GetStorableUtcNow();
        var (confirmed, leftOpen) = (0, 0);
        foreach (var entity in departments)
        {
            var department = new BalanceDepartment(entity,
                TimeZones.ForDepartment(entity.TimeZone, zones.GetValueOrDefault(entity.PosClientNumber ?? ""), settings.TimeZone));
            var (c, o) = await ConfirmDepartmentAsync(department, now, cancellationToken);
            confirmed += c;
            leftOpen += o;
        }
        AuditTrail.Record(db, Actor, clientId, null, RunAction, "auto_confirm_run", runName,
            new { confirmed_register_days = confirmed, left_open_register_days = leftOpen }, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Auto-confirm of client {ClientId}: {Confirmed} register days confirmed, {Open} left open", clientId, confirmed, leftOpen);
        return true;
    }

    private async Task<(int Confirmed, int LeftOpen)> ConfirmDepartmentAsync(BalanceDepartment department, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var departmentId = department.Id;
        var until = TimeZones.Today(clock, department.Zone).AddDays(-1);
        var from = until.AddDays(-options.Value.TrailingDays);
        await DepartmentLock.AcquireAsync(db, departmentId, cancellationToken);

        var confirmedDays = (await db.ConfirmedDays.AsNoTracking()
            .Where(c => c.DepartmentId == departmentId && c.Date >= from && c.Date <= until)
            .Select(c => new { c.RegisterNumber, c.Date })
            .ToListAsync(cancellationToken))
            .Select(c => new RegisterDay(c.RegisterNumber, c.Date))
            .ToHashSet();
        var importedAt = await db.ImportedDays.AsNoTracking()
            .Where(i => i.DepartmentId == departmentId && i.Date >= from && i.Date <= until)
            .ToDictionaryAsync(i => i.Date, i => i.ImportedAt, cancellationToken);
        var missing = await WeeklyBalanceRules.MissingMandatoryFieldsAsync(db, department, 1, department.RegisterCount, from, until, cancellationToken);
        var reasons = await db.OpenDayReasons
            .Where(o => o.DepartmentId == departmentId && o.Date >= from && o.Date <= until)
            .ToDictionaryAsync(o => new RegisterDay(o.RegisterNumber, o.Date), cancellationToken);

        var confirmed = new List<string>();
        var leftOpen = new List<string>();
        for (var date = from; date <= until; date = date.AddDays(1))
        for (var register = 1; register <= department.RegisterCount; register++)
        {
            var day = new RegisterDay(register, date);
            if (confirmedDays.Contains(day)) continue;
            var reason = ReasonToLeaveOpen(department, day, importedAt, missing);
            reasons.TryGetValue(day, out var openReason);
            if (reason is null)
            {
                db.ConfirmedDays.Add(new ConfirmedDayEntity
                {
                    DepartmentId = departmentId, RegisterNumber = register, Date = date, ConfirmedBy = Actor, ConfirmedAt = now,
                });
                if (openReason is not null) db.OpenDayReasons.Remove(openReason);
                confirmed.Add($"{register}/{Dates.ToWire(date)}");
                continue;
            }
            if (openReason is null)
                db.OpenDayReasons.Add(new OpenDayReasonEntity { DepartmentId = departmentId, RegisterNumber = register, Date = date, Reason = reason, RecordedAt = now });
            else if (openReason.Reason != reason)
            {
                openReason.Reason = reason;
                openReason.RecordedAt = now;
            }
            leftOpen.Add($"{register}/{Dates.ToWire(date)}");
        }

        if (confirmed.Count > 0 || leftOpen.Count > 0)
            AuditTrail.Record(db, Actor, department.ClientId, departmentId, "weekly_balance.auto_confirm", "department", departmentId.ToString(CultureInfo.InvariantCulture),
                new { from = Dates.ToWire(from), until = Dates.ToWire(until), confirmed, left_open = leftOpen }, now);
        return (confirmed.Count, leftOpen.Count);
    }

    /// <summary>Null when the register day may be confirmed; otherwise why not, in plain words for the weekly balance.</summary>
    private static string? ReasonToLeaveOpen(BalanceDepartment department, RegisterDay day,
        IReadOnlyDictionary<DateOnly, DateTimeOffset> importedAt, IReadOnlyDictionary<RegisterDay, IReadOnlyList<MandatoryField>> missing)
    {
        var date = Dates.ToWire(day.Date);
        if (!importedAt.TryGetValue(day.Date, out var at))
            return $"Not confirmed automatically: the POS import of {date} has not completed.";
        // Imported while the day was still going on (a manual import up to today): later sales are missing.
        if (at < TimeZones.StartOfDayUtc(day.Date.AddDays(1), department.Zone))
            return $"Not confirmed automatically: {date} was imported before the day ended; the next import completes it.";
        if (!missing.TryGetValue(day, out var fields)) return null;
        var reason = $"Not confirmed automatically: mandatory field{(fields.Count == 1 ? "" : "s")} "
                     + string.Join(", ", fields.Select(f => $"{f.Id} \"{f.Name}\"")) + $" {(fields.Count == 1 ? "has" : "have")} no value on {date}.";
        return reason.Length <= MaxReasonLength ? reason : reason[..(MaxReasonLength - 1)] + "…";
    }
}
