using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Features.Departments;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Features.Imports.Service;
using Pos.Grpc.Host.Features.Settings;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Features.Imports.Service;

/// <summary>
/// StartImport after its shape is checked: who may, whether the client and its departments are ready, and the
/// queued job. Nothing is written unless every check passed.
/// </summary>
public sealed class ImportJobStarter(PosDbContext db, ImportJobStore store, TimeProvider clock)
{
    public async Task<ImportJobEntity> StartAsync(Caller caller, StartImportCommand command, CancellationToken cancellationToken)
    {
        var clientId = command.ClientId;
        AccessPolicy.EnsureClient(caller, clientId, Capability.Read);
        var departments = await LoadDepartmentsAsync(caller, command, cancellationToken);

        var settings = await db.GetOrDefaultAsync(clientId, cancellationToken);
        var zone = TimeZones.Find(settings.TimeZone);
        var today = TimeZones.Today(clock, zone);
        if (command.Until > today)
            throw InvalidArgumentException.For("until_date", $"must not be in the future: today is {Dates.ToWire(today)} in {zone.Id}");

        // The client's configuration lock: of two identical or overlapping requests racing, the second sees the first's job.
        await using var transaction = await ClientConfigurationLock.BeginAsync(db, clientId, cancellationToken);
        var earlier = await db.ImportJobs.AsNoTracking()
            .SingleOrDefaultAsync(j => j.ClientId == clientId && j.RequestId == command.RequestId, cancellationToken);
        if (earlier is not null)
        {
            // AIP-155: a retry gets the job its first attempt created, whatever happened since.
            if (command.Matches(earlier)) return earlier;
            throw new AlreadyExistsException("import_job", ImportJobAccess.NameOf(earlier.Id),
                $"request_id {command.RequestId} was already used for job {earlier.Id} with other parameters; use a new request_id for a new import.");
        }

        var system = await EnsureReadyAsync(settings, departments, cancellationToken);
        await EnsureNoOverlapAsync(command, cancellationToken);

        var now = clock.GetStorableUtcNow();
        var accounts = departments.ToDictionary(d => d.Id, d => new PosAccount(system, d.PosClientNumber!).Key);
        var units = command.DepartmentIds.SelectMany(d => command.Days.Select(date => new DepartmentDay(d, date, accounts[d]))).ToList();
        var job = await store.CreateAsync(db,
            new NewImportJob(clientId, units, command.OverwriteApproved, ImportTrigger.Manual, caller.Subject, command.RequestId), now, cancellationToken);
        AuditTrail.Record(db, caller, clientId, departments.Count == 1 ? departments[0].Id : null, "import.start", "import_job", job.Id.ToString(),
            new
            {
                department_ids = command.DepartmentIds,
                from_date = Dates.ToWire(command.From),
                until_date = Dates.ToWire(command.Until),
                overwrite_approved = command.OverwriteApproved,
                request_id = command.RequestId,
            }, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return job;
    }

    /// <summary>
    /// The departments, each of this client and each one the caller may import: another client's department
    /// answers NOT_FOUND like a missing one; a role without the right, PERMISSION_DENIED.
    /// </summary>
    private async Task<IReadOnlyList<DepartmentEntity>> LoadDepartmentsAsync(Caller caller, StartImportCommand command, CancellationToken cancellationToken)
    {
        var ids = command.DepartmentIds.ToArray();
        var found = await db.Departments.AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);
        var departments = new List<DepartmentEntity>();
        foreach (var id in ids)
        {
            if (!found.TryGetValue(id, out var department) || department.ClientId != command.ClientId)
                throw new NotFoundException("department", $"departments/{id}");
            AccessPolicy.EnsureDepartment(caller, command.ClientId, id, Capability.RunImport);
            departments.Add(department);
        }
        return departments;
    }

    /// <summary>
    /// POS import on with a service this host speaks; every department with a POS client number whose account has an
    /// ACTIVE connection. Returns the client's POS.
    /// </summary>
    private async Task<PosSystem> EnsureReadyAsync(GeneralSettingsEntity settings, IReadOnlyList<DepartmentEntity> departments, CancellationToken cancellationToken)
    {
        var problems = new List<PreconditionViolation>();
        var settingsName = $"clients/{settings.ClientId}/settings";
        if (!settings.PosImportEnabled)
            problems.Add(new("SETTINGS", $"{settingsName}/pos_import_enabled", "POS import is not enabled in the client's general settings."));
        if (settings.PosIntegrationService == (int)PosIntegrationService.Unspecified)
            problems.Add(new("SETTINGS", $"{settingsName}/pos_integration_service", "No POS integration service is chosen in the client's general settings."));

        foreach (var department in departments.Where(d => d.PosClientNumber is null))
            problems.Add(new("DEPARTMENT", $"departments/{department.Id}/pos_client_number",
                $"Department {department.Id} '{department.Name}' has no POS client number (its Lightspeed account ID)."));

        var system = PosProviders.SystemOf(settings.PosIntegrationService) ?? PosSystem.LightspeedRSeries;
        var accounts = departments.Where(d => d.PosClientNumber is not null).Select(d => d.PosClientNumber!).Distinct().ToArray();
        var active = await ConnectionDirectory.ActiveAccountsAsync(db, settings.ClientId, system, cancellationToken);
        foreach (var account in accounts.Where(a => !active.Contains(a)).Order())
        {
            var named = string.Join(", ", departments.Where(d => d.PosClientNumber == account).Select(d => d.Id));
            problems.Add(new("LIGHTSPEED_CONNECTION", $"clients/{settings.ClientId}/lightspeed_accounts/{account}",
                $"Lightspeed account {account} (department {named}) has no ACTIVE connection: the client authorises SameSystem in Lightspeed, then the integration contact activates it."));
        }

        if (problems.Count > 0) throw new PreconditionFailedException("IMPORT_NOT_READY", problems);
        return system;
    }

    /// <summary>Two jobs importing the same department-day at once would race for no gain: the second is refused.</summary>
    private async Task EnsureNoOverlapAsync(StartImportCommand command, CancellationToken cancellationToken)
    {
        var ids = command.DepartmentIds.ToArray();
        var clash = await db.ImportUnits.AsNoTracking()
            .Where(u => ids.Contains(u.DepartmentId) && u.Date >= command.From && u.Date <= command.Until)
            .Join(db.ImportJobs.Where(j => j.ClientId == command.ClientId && ImportStates.Active.Contains(j.State)),
                u => u.JobId, j => j.Id, (u, j) => new { j.Id, u.DepartmentId, u.Date })
            .OrderBy(c => c.Date)
            .FirstOrDefaultAsync(cancellationToken);
        if (clash is not null)
            throw new ConflictException("IMPORT_OVERLAPS_ACTIVE_JOB",
                $"Job {clash.Id} is still queued or running for department {clash.DepartmentId} on {Dates.ToWire(clash.Date)}; "
                + "wait for it to end (or cancel it) before importing the same days again.");
    }
}
