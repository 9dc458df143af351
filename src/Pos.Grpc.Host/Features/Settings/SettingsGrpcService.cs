using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Features.Departments;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Caching;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Locks;
using Pos.Grpc.Host.Infrastructure.Validation;
using System.Globalization;

namespace Pos.Grpc.Host.Features.Settings;

public sealed class SettingsGrpcService(PosDbContext db, TimeProvider clock, ClientConfigurationCache cache, ClientConfigurationChanges changes) : SettingsService.SettingsServiceBase
{
    public override async Task<GetGeneralSettingsResponse> GetGeneralSettings(GetGeneralSettingsRequest request, ServerCallContext context)
    {
        new Violations().RequirePositiveId(request.ClientId, "client_id").ThrowIfAny();
        AccessPolicy.EnsureClient(context.GetCaller(), request.ClientId, Capability.Read);
        var configuration = await cache.GetAsync(request.ClientId, context.CancellationToken);
        return new GetGeneralSettingsResponse { Settings = configuration.Settings.ToProto() };
    }

    public override async Task<UpdateGeneralSettingsResponse> UpdateGeneralSettings(UpdateGeneralSettingsRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        if (request.Settings is null)
        {
            violations.Add("settings", "is required").ThrowIfAny();
        }
        violations.RequirePositiveId(request.Settings!.ClientId, "settings.client_id");
        var paths = FieldMasks.Resolve(request.UpdateMask, GeneralSettingsRules.WritableFields, violations);
        violations.ThrowIfAny();

        var caller = context.GetCaller();
        var clientId = request.Settings.ClientId;
        AccessPolicy.EnsureClient(caller, clientId, Capability.EditSettings);

        // The client's configuration lock: a department gaining terminal numbers or a shop id cannot slip past the checks below.
        await using var transaction = await ClientConfigurationLock.BeginAsync(db, clientId, context.CancellationToken);
        var settings = await db.GetOrDefaultAsync(clientId, context.CancellationToken);
        Etags.EnsureCurrent(request.Etag, settings.Version, $"clients/{clientId}/settings");
        var before = settings.ToProto();
        GeneralSettingsRules.Apply(request.Settings, paths, settings, violations);
        violations.ThrowIfAny();
        GeneralSettingsRules.EnsureConsistent(settings);
        if (!settings.MultiCashRegisters)
            await DepartmentRules.EnsureNoTerminalNumbersAsync(db, clientId, context.CancellationToken);
        if (!DepartmentRules.HasShops(settings.PosIntegrationService))
            await DepartmentRules.EnsureNoShopIdsAsync(db, clientId, context.CancellationToken);

        var now = clock.GetStorableUtcNow();
        settings.Version++;
        settings.UpdatedAt = now;
        if (db.Entry(settings).State == EntityState.Detached) db.GeneralSettings.Add(settings);
        AuditTrail.Record(db, caller, clientId, null, "settings.update", "general_settings", clientId.ToString(CultureInfo.InvariantCulture),
            new { fields = paths.Order().ToArray(), before = before.ToString(), after = settings.ToProto().ToString() }, now);
        await changes.SaveAsync(db, clientId, transaction, context.CancellationToken);
        return new UpdateGeneralSettingsResponse { Settings = settings.ToProto() };
    }
}
