using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Features.FieldMapping;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Providers;
using System.Globalization;

namespace Pos.Grpc.Host.Features.Imports.Service;

/// <summary>
/// Turns job rows into <see cref="ImportJob"/> messages. Per-department status comes from import_units
/// grouped in the database, so a page of jobs costs the same three queries however many units they have.
/// </summary>
public sealed class ImportJobReader(PosDbContext db, PosProviders providers, TimeProvider clock)
{
    public async Task<ImportJobEntity?> FindAsync(Guid jobId, CancellationToken cancellationToken) =>
        await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken);

    public async Task<ImportJob> ToProtoAsync(ImportJobEntity job, CancellationToken cancellationToken) =>
        (await ToProtoAsync([job], cancellationToken))[0];

    public async Task<IReadOnlyList<ImportJob>> ToProtoAsync(IReadOnlyList<ImportJobEntity> jobs, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0) return [];
        var jobIds = jobs.Select(j => j.Id).ToArray();
        var unitGroups = await db.ImportUnits.AsNoTracking()
            .Where(u => jobIds.Contains(u.JobId))
            .GroupBy(u => new { u.JobId, u.DepartmentId, u.State })
            .Select(g => new UnitGroup(g.Key.JobId, g.Key.DepartmentId, g.Key.State, g.Count(), g.Max(u => u.Error)))
            .ToListAsync(cancellationToken);
        var byJob = unitGroups.ToLookup(g => g.JobId);

        var clientIds = jobs.Select(j => j.ClientId).Distinct().ToArray();
        var mappedTypes = await db.WeeklyBalanceFields.AsNoTracking()
            .Where(f => clientIds.Contains(f.ClientId) && f.PosFieldType != null)
            .Select(f => new { f.ClientId, Type = f.PosFieldType!.Value })
            .Distinct()
            .ToListAsync(cancellationToken);
        var services = await db.GeneralSettings.AsNoTracking().Where(s => clientIds.Contains(s.ClientId))
            .ToDictionaryAsync(s => s.ClientId, s => s.PosIntegrationService, cancellationToken);
        var notProvided = mappedTypes
            .Where(m => !providers.Provides(services.GetValueOrDefault(m.ClientId), (PosFieldType)m.Type))
            .ToLookup(m => m.ClientId, m => PosFieldTypeNames.FindValueByNumber(m.Type)?.Name ?? m.Type.ToString(CultureInfo.InvariantCulture));

        var now = clock.GetUtcNow();
        return jobs.Select(j => Map(j, byJob[j.Id].ToList(), notProvided[j.ClientId].Order(), now)).ToList();
    }

    /// <summary>The proto names ("POS_FIELD_TYPE_VISITORS"), as grpcurl and the generated clients show the enum.</summary>
    private static readonly Google.Protobuf.Reflection.EnumDescriptor PosFieldTypeNames =
        FieldMappingServiceReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("PosFieldType");

    private sealed record UnitGroup(Guid JobId, long DepartmentId, int State, int Count, string? Error);

    private static ImportJob Map(ImportJobEntity job, IReadOnlyList<UnitGroup> units, IEnumerable<string> notProvided, DateTimeOffset now)
    {
        var progress = new ImportProgress
        {
            DepartmentDaysTotal = job.DepartmentDaysTotal,
            DepartmentDaysDone = job.DepartmentDaysDone,
            SalesRead = job.SalesRead,
            ValuesWritten = job.ValuesWritten,
            ValuesSkippedApproved = job.ValuesSkippedApproved,
            ValuesOverwrittenApproved = job.ValuesOverwrittenApproved,
            RequestsMade = job.RequestsMade,
            RateLimitWaitMs = job.RateLimitWaitMs,
            EstimatedEndTime = EstimateEnd(job, units, now),
            Departments = { job.DepartmentIds.Select(d => Department(job, d, units.Where(u => u.DepartmentId == d).ToList())) },
            Errors = { ImportErrors.Parse(job.Errors) },
            NotProvidedFieldTypes = { notProvided },
            SkippedSales = { SkippedSales(job.SkippedSales) },
        };
        return new ImportJob
        {
            JobId = job.Id.ToString(),
            ClientId = job.ClientId,
            DepartmentIds = { job.DepartmentIds },
            FromDate = Dates.ToWire(job.FromDate),
            UntilDate = Dates.ToWire(job.UntilDate),
            OverwriteApproved = job.OverwriteApproved,
            Trigger = (ImportTrigger)job.Trigger,
            State = (ImportJobState)job.State,
            Progress = progress,
            CreatedBy = job.CreatedBy,
            CreateTime = Timestamp.FromDateTimeOffset(job.CreatedAt),
            StartTime = job.StartedAt is { } started ? Timestamp.FromDateTimeOffset(started) : null,
            EndTime = job.FinishedAt is { } finished ? Timestamp.FromDateTimeOffset(finished) : null,
        };
    }

    /// <summary>The job's skipped_sales jsonb ({"SPLIT": 3, ...}), most first, then by type.</summary>
    private static IEnumerable<SkippedSales> SkippedSales(string json) =>
        (System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(string.IsNullOrEmpty(json) ? "{}" : json) ?? [])
            .OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new SkippedSales { Type = s.Key, Count = s.Value });

    private static DepartmentProgress Department(ImportJobEntity job, long departmentId, IReadOnlyList<UnitGroup> units)
    {
        int Count(int state) => units.Where(u => u.State == state).Sum(u => u.Count);
        var done = Count(ImportStates.UnitDone);
        var failed = Count(ImportStates.UnitFailed);
        var pending = Count(ImportStates.UnitPending);
        // A department with a failed day is FAILED once nothing of it is left to do, even if other days were imported.
        var state = pending == 0 ? (failed > 0 ? DepartmentImportState.Failed : DepartmentImportState.Done)
            : done + failed > 0 && job.State == ImportStates.Running ? DepartmentImportState.Running
            : failed > 0 ? DepartmentImportState.Failed
            : DepartmentImportState.Pending;
        return new DepartmentProgress
        {
            DepartmentId = departmentId,
            State = state,
            DaysDone = done,
            DaysTotal = done + failed + pending,
            Error = units.FirstOrDefault(u => u.State == ImportStates.UnitFailed)?.Error ?? "",
        };
    }

    /// <summary>Linear in the department-days processed so far; unknown before the first one or once the job is no longer running.</summary>
    private static Timestamp? EstimateEnd(ImportJobEntity job, IReadOnlyList<UnitGroup> units, DateTimeOffset now)
    {
        if (job.State != ImportStates.Running || job.StartedAt is not { } started) return null;
        var processed = units.Where(u => u.State != ImportStates.UnitPending).Sum(u => u.Count);
        var remaining = units.Where(u => u.State == ImportStates.UnitPending).Sum(u => u.Count);
        var elapsed = now - started;
        if (processed == 0 || elapsed <= TimeSpan.Zero) return null;
        return Timestamp.FromDateTimeOffset(now + elapsed / processed * remaining);
    }
}
