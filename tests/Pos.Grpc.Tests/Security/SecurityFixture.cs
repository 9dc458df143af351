using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.DataProtection;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>A host plus fresh targets (client, department, mapped field) seeded straight into its database.</summary>
public class SecurityFixture : PosHostFixture
{
    private long _next = 10;

    /// <summary>No import workers: the seeded job must stay as seeded while a test compares snapshots.</summary>
    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Imports:Engine:Enabled"] = "false";
        return settings;
    }

    public async Task<TargetIds> SeedTargetAsync()
    {
        var clientId = Interlocked.Increment(ref _next);
        var now = DateTimeOffset.UtcNow;
        // Signed by the host, as BeginAuthorization signs its states: an unsigned one would be unknown at once.
        var target = new TargetIds(clientId, clientId * 100 + 1, clientId * 100 + 2,
            Services.GetRequiredService<Host.Features.LightspeedAuth.OAuthStateSigner>().Issue(now.AddMinutes(10)));
        await using var db = NewDbContext();
        db.GeneralSettings.Add(new GeneralSettingsEntity { ClientId = clientId, MultiCashRegisters = true, Version = 1, UpdatedAt = now });
        db.Departments.Add(new DepartmentEntity
        {
            Id = target.DepartmentId, ClientId = clientId, Name = $"Department of {clientId}", PosClientNumber = $"{clientId}",
            Version = 1, CreatedAt = now, UpdatedAt = now,
        });
        db.WeeklyBalanceFields.Add(new WeeklyBalanceFieldEntity
        {
            Id = target.FieldId, ClientId = clientId, Name = "Gross sales", PosFieldType = (int)PosFieldType.GrossSales,
            Version = 1, CreatedAt = now, UpdatedAt = now,
        });
        // An AUTHORIZED connection, and a usable OAuth state begun by "test-user" (the matrix's token subject).
        db.LightspeedConnections.Add(new LightspeedConnectionEntity
        {
            Id = Guid.Parse(RpcCatalogue.ConnectionIdOf(target)), ClientId = clientId, AccountId = $"{clientId}", AccountName = "Shop",
            State = (int)Contracts.LightspeedAuth.V1.ConnectionState.Authorized, AuthorizedBy = "test-user", AuthorizedAt = now, CreatedAt = now, UpdatedAt = now,
            Accounts = [new LightspeedConnectionAccountEntity { AccountId = $"{clientId}", Name = "Shop" }],
        });
        var pending = Guid.NewGuid();
        db.LightspeedConnections.Add(new LightspeedConnectionEntity
        {
            Id = pending, ClientId = clientId, State = (int)Contracts.LightspeedAuth.V1.ConnectionState.PendingConsent, AuthorizedBy = "test-user",
            CreatedAt = now, UpdatedAt = now,
        });
        db.OAuthStates.Add(new OAuthStateEntity
        {
            StateHash = Host.Features.LightspeedAuth.LightspeedAuthorizationFlow.Hash(target.OAuthState), ClientId = clientId,
            ConnectionId = pending, CreatedBy = "test-user",
            ProtectedCodeVerifier = Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>()
                .CreateProtector(Host.Features.LightspeedAuth.LightspeedAuthorizationFlow.VerifierProtectorPurpose).Protect("verifier"), CreatedAt = now, ExpiresAt = now.AddMinutes(10),
        });
        // A queued import job of the target's department, under the id the catalogue's job calls use.
        var jobId = Guid.Parse(RpcCatalogue.JobIdOf(target));
        var day = DateOnly.ParseExact(TargetIds.PastDate, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        db.ImportJobs.Add(new ImportJobEntity
        {
            Id = jobId, ClientId = clientId, DepartmentIds = [target.DepartmentId], FromDate = day, UntilDate = day,
            Trigger = 1, State = 1, CreatedBy = "seeded", CreatedAt = now, UpdatedAt = now, DepartmentDaysTotal = 1, ProgressVersion = 1,
        });
        db.ImportUnits.Add(new ImportUnitEntity { JobId = jobId, DepartmentId = target.DepartmentId, Date = day });
        await db.SaveChangesAsync();
        return target;
    }

    /// <summary>Everything a call could change about a target, as one comparable string.</summary>
    public async Task<string> SnapshotAsync(TargetIds target)
    {
        await using var db = NewDbContext();
        var settings = await db.GeneralSettings.AsNoTracking().SingleOrDefaultAsync(s => s.ClientId == target.ClientId);
        var departments = await db.Departments.AsNoTracking().Where(d => d.ClientId == target.ClientId)
            .OrderBy(d => d.Id).Select(d => $"{d.Id}:{d.Version}:{d.PosClientNumber}").ToListAsync();
        var fields = await db.WeeklyBalanceFields.AsNoTracking().Where(f => f.ClientId == target.ClientId)
            .OrderBy(f => f.Id).Select(f => $"{f.Id}:{f.Version}:{f.PosFieldType}").ToListAsync();
        var confirmed = await db.ConfirmedDays.CountAsync(c => c.DepartmentId == target.DepartmentId);
        var approved = await db.ApprovedWeeks.CountAsync(a => a.DepartmentId == target.DepartmentId);
        var audit = await db.AuditEntries.CountAsync(a => a.ClientId == target.ClientId);
        var connections = await db.LightspeedConnections.AsNoTracking().Where(c => c.ClientId == target.ClientId)
            .OrderBy(c => c.Id).Select(c => $"{c.Id}:{c.State}:{c.TokenVersion}").ToListAsync();
        var states = await db.OAuthStates.CountAsync(s => s.ClientId == target.ClientId && s.ConsumedAt == null);
        var jobs = await db.ImportJobs.AsNoTracking().Where(j => j.ClientId == target.ClientId)
            .OrderBy(j => j.Id).Select(j => $"{j.Id}:{j.State}:{j.CancelRequested}:{j.ProgressVersion}").ToListAsync();
        return $"settings {settings?.Version}; departments {string.Join(",", departments)}; fields {string.Join(",", fields)}; " +
               $"confirmed {confirmed}; approved {approved}; audit {audit}; connections {string.Join(",", connections)}; open states {states}; " +
               $"import jobs {string.Join(",", jobs)}";
    }
}
