using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Host.Infrastructure.Audit;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Caching;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;
using System.Globalization;

namespace Pos.Grpc.Host.Features.FieldMapping;

public sealed class FieldMappingGrpcService(
    PosDbContext db, TimeProvider clock, ClientConfigurationCache cache, ClientConfigurationChanges changes, PosProviders providers) : FieldMappingService.FieldMappingServiceBase
{

    public override async Task<ListWeeklyBalanceFieldsResponse> ListWeeklyBalanceFields(ListWeeklyBalanceFieldsRequest request, ServerCallContext context)
    {
        var violations = new Violations().RequirePositiveId(request.ClientId, "client_id");
        var pageSize = Paging.ResolvePageSize(request.PageSize, violations);
        // The token names its client's list, so one of another client's list is rejected, not misread.
        var listName = $"clients/{request.ClientId}/fields";
        var after = Paging.DecodeLongToken(request.PageToken, listName, violations);
        violations.ThrowIfAny();
        AccessPolicy.EnsureClient(context.GetCaller(), request.ClientId, Capability.Read);

        var configuration = await cache.GetAsync(request.ClientId, context.CancellationToken);
        var page = configuration.Fields.Where(f => after == null || f.Id > after).Take(pageSize + 1).ToList();
        var response = new ListWeeklyBalanceFieldsResponse { Fields = { page.Take(pageSize).Select(f => f.ToProto()) } };
        if (page.Count > pageSize) response.NextPageToken = Paging.EncodeToken(listName, page[pageSize - 1].Id.ToString(CultureInfo.InvariantCulture));
        return response;
    }

    public override async Task<CreateWeeklyBalanceFieldResponse> CreateWeeklyBalanceField(CreateWeeklyBalanceFieldRequest request, ServerCallContext context)
    {
        var field = request.Field;
        var violations = new Violations();
        if (field is null) violations.Add("field", "is required").ThrowIfAny();
        violations.RequirePositiveId(field!.FieldId, "field.field_id").RequirePositiveId(field.ClientId, "field.client_id");
        var name = violations.RequireText(field.Name, "field.name", FieldRules.MaxNameLength);
        var code = violations.RequireText(field.Code, "field.code", FieldRules.MaxCodeLength, required: false);
        violations.ThrowIfAny();
        var caller = context.GetCaller();
        AccessPolicy.EnsureClient(caller, field.ClientId, Capability.ManageFields);

        if (await db.WeeklyBalanceFields.AnyAsync(f => f.Id == field.FieldId, context.CancellationToken))
            throw new AlreadyExistsException("weekly_balance_field", $"fields/{field.FieldId}", $"Weekly-balance field {field.FieldId} exists already.");
        var now = clock.GetStorableUtcNow();
        // Mapping is output only here (AIP-203): it is set with UpdateFieldMapping, where its rules live.
        var entity = new WeeklyBalanceFieldEntity
        {
            Id = field.FieldId, ClientId = field.ClientId, Name = name, Code = code, Mandatory = field.Mandatory,
            Version = 1, CreatedAt = now, UpdatedAt = now,
        };
        db.WeeklyBalanceFields.Add(entity);
        AuditTrail.Record(db, caller, entity.ClientId, null, "field.create", "weekly_balance_field", entity.Id.ToString(CultureInfo.InvariantCulture),
            new { entity.Name, entity.Code, entity.Mandatory }, now);
        await changes.SaveAsync(db, entity.ClientId, transaction: null, context.CancellationToken);
        return new CreateWeeklyBalanceFieldResponse { Field = entity.ToProto() };
    }

    public override async Task<UpdateFieldMappingResponse> UpdateFieldMapping(UpdateFieldMappingRequest request, ServerCallContext context)
    {
        var violations = new Violations().RequirePositiveId(request.FieldId, "field_id");
        violations.AddIf(request.PosFieldType == PosFieldType.Unspecified, "pos_field_type", "must be specified; use ClearFieldMapping to stop importing")
            .AddIf(!System.Enum.IsDefined(request.PosFieldType), "pos_field_type", $"unknown value {(int)request.PosFieldType}");
        violations.ThrowIfAny();
        var (caller, field) = await LoadForMappingAsync(request.FieldId, request.Etag, context);

        var type = (int)request.PosFieldType;
        var taken = await db.WeeklyBalanceFields.AsNoTracking()
            .Where(f => f.ClientId == field.ClientId && f.PosFieldType == type && f.Id != field.Id)
            .Select(f => (long?)f.Id).FirstOrDefaultAsync(context.CancellationToken);
        if (taken is { } other)
            throw new AlreadyExistsException("pos_field_mapping", $"fields/{other}",
                $"{request.PosFieldType} is already imported into field {other}; one field per POS field type. Clear that mapping first.");

        return new UpdateFieldMappingResponse
        {
            Field = await SaveMappingAsync(caller, field, type, request.SplitIntoIntervals, "field.map", context.CancellationToken),
        };
    }

    public override async Task<ClearFieldMappingResponse> ClearFieldMapping(ClearFieldMappingRequest request, ServerCallContext context)
    {
        new Violations().RequirePositiveId(request.FieldId, "field_id").ThrowIfAny();
        var (caller, field) = await LoadForMappingAsync(request.FieldId, request.Etag, context);
        return new ClearFieldMappingResponse
        {
            Field = await SaveMappingAsync(caller, field, null, false, "field.unmap", context.CancellationToken),
        };
    }

    public override async Task<GetMappingReportResponse> GetMappingReport(GetMappingReportRequest request, ServerCallContext context)
    {
        new Violations().RequirePositiveId(request.ClientId, "client_id").ThrowIfAny();
        AccessPolicy.EnsureClient(context.GetCaller(), request.ClientId, Capability.Read);
        var configuration = await cache.GetAsync(request.ClientId, context.CancellationToken);
        var mapped = configuration.Fields.Where(f => f.PosFieldType != null).ToDictionary(f => (PosFieldType)f.PosFieldType!.Value);

        var response = new GetMappingReportResponse();
        foreach (var type in PosFieldTypes.All)
        {
            var entry = new MappingReportEntry { PosFieldType = type, ProvidedByPos = providers.Provides(configuration.Settings.PosIntegrationService, type) };
            if (mapped.TryGetValue(type, out var field))
            {
                entry.FieldId = field.Id;
                entry.FieldName = field.Name;
                entry.SplitIntoIntervals = field.SplitIntoIntervals;
            }
            else if (entry.ProvidedByPos)
            {
                response.UnmappedProvidedTypes.Add(type);
            }
            response.Entries.Add(entry);
        }
        response.Complete = response.UnmappedProvidedTypes.Count == 0;
        return response;
    }

    private async Task<(Caller Caller, WeeklyBalanceFieldEntity Field)> LoadForMappingAsync(long fieldId, string etag, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var field = await db.WeeklyBalanceFields.SingleOrDefaultAsync(f => f.Id == fieldId, context.CancellationToken)
            ?? throw new NotFoundException("weekly_balance_field", $"fields/{fieldId}");
        AccessPolicy.EnsureClientResource(caller, field.ClientId, Capability.EditFieldMapping, "weekly_balance_field", $"fields/{fieldId}");
        Etags.EnsureCurrent(etag, field.Version, $"fields/{fieldId}");
        return (caller, field);
    }

    private async Task<WeeklyBalanceField> SaveMappingAsync(Caller caller, WeeklyBalanceFieldEntity field, int? type, bool split, string action, CancellationToken cancellationToken)
    {
        var now = clock.GetStorableUtcNow();
        var before = new { field.PosFieldType, field.SplitIntoIntervals };
        field.PosFieldType = type;
        field.SplitIntoIntervals = split;
        field.Version++;
        field.UpdatedAt = now;
        AuditTrail.Record(db, caller, field.ClientId, null, action, "weekly_balance_field", field.Id.ToString(CultureInfo.InvariantCulture),
            new { before, after = new { field.PosFieldType, field.SplitIntoIntervals } }, now);
        await changes.SaveAsync(db, field.ClientId, transaction: null, cancellationToken);
        return field.ToProto();
    }
}
