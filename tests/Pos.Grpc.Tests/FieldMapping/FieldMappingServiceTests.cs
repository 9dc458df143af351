using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.FieldMapping;

public sealed class FieldMappingServiceTests(PosHostFixture host) : IClassFixture<PosHostFixture>
{
    private readonly FieldMappingService.FieldMappingServiceClient _service =
        host.Client<FieldMappingService.FieldMappingServiceClient>(PosHostFixture.Service());

    private FieldMappingService.FieldMappingServiceClient Supervisor(long clientId) =>
        host.Client<FieldMappingService.FieldMappingServiceClient>(PosHostFixture.Supervisor(clientId));

    private async Task<WeeklyBalanceField> CreateFieldAsync(long clientId, long fieldId, string name = "Gross sales", bool mandatory = false) =>
        (await _service.CreateWeeklyBalanceFieldAsync(new()
        {
            Field = new WeeklyBalanceField { ClientId = clientId, FieldId = fieldId, Name = name, Code = "GS", Mandatory = mandatory },
        })).Field;

    [Fact]
    public async Task UpdateFieldMapping_GrossSalesSplit_IsStoredAndShownInReport()
    {
        var field = await CreateFieldAsync(401, 5266);
        var mapped = (await Supervisor(401).UpdateFieldMappingAsync(new()
        {
            FieldId = 5266, PosFieldType = PosFieldType.GrossSales, SplitIntoIntervals = true, Etag = field.Etag,
        })).Field;

        Assert.Equal(PosFieldType.GrossSales, mapped.PosFieldType);
        Assert.True(mapped.SplitIntoIntervals);
        Assert.Equal("2", mapped.Etag);

        var report = await Supervisor(401).GetMappingReportAsync(new() { ClientId = 401 });
        var gross = Assert.Single(report.Entries, e => e.PosFieldType == PosFieldType.GrossSales);
        Assert.Equal(5266, gross.FieldId);
        Assert.Equal("Gross sales", gross.FieldName);
        Assert.True(gross.SplitIntoIntervals);
        Assert.Equal(8, report.Entries.Count);
        Assert.DoesNotContain(PosFieldType.GrossSales, report.UnmappedProvidedTypes);
        Assert.Contains(PosFieldType.NetSales, report.UnmappedProvidedTypes);
        Assert.DoesNotContain(PosFieldType.Visitors, report.UnmappedProvidedTypes);
        Assert.False(report.Entries.Single(e => e.PosFieldType == PosFieldType.Visitors).ProvidedByPos);
        Assert.False(report.Complete);
    }

    [Fact]
    public async Task GetMappingReport_EveryProvidedTypeMapped_IsComplete()
    {
        var types = new[]
        {
            PosFieldType.GrossSales, PosFieldType.NetSales, PosFieldType.Discounts, PosFieldType.Returns,
            PosFieldType.Transactions, PosFieldType.GoodsSold, PosFieldType.ReturnedGoods,
        };
        for (var i = 0; i < types.Length; i++)
        {
            await CreateFieldAsync(402, 4020 + i, $"Field {i}");
            await Supervisor(402).UpdateFieldMappingAsync(new() { FieldId = 4020 + i, PosFieldType = types[i] });
        }

        var report = await Supervisor(402).GetMappingReportAsync(new() { ClientId = 402 });
        Assert.True(report.Complete);
        Assert.Empty(report.UnmappedProvidedTypes);
    }

    [Fact]
    public async Task UpdateFieldMapping_TypeAlreadyMappedOnAnotherField_IsAlreadyExistsAndChangesNothing()
    {
        await CreateFieldAsync(403, 4031);
        await CreateFieldAsync(403, 4032, "Gross sales 2");
        await Supervisor(403).UpdateFieldMappingAsync(new() { FieldId = 4031, PosFieldType = PosFieldType.GrossSales });

        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () =>
            Supervisor(403).UpdateFieldMappingAsync(new() { FieldId = 4032, PosFieldType = PosFieldType.GrossSales }));

        await using var db = host.NewDbContext();
        Assert.Null((await db.WeeklyBalanceFields.SingleAsync(f => f.Id == 4032)).PosFieldType);
    }

    [Fact]
    public async Task UpdateFieldMapping_RemapSameField_IsAllowed()
    {
        await CreateFieldAsync(404, 4041);
        await Supervisor(404).UpdateFieldMappingAsync(new() { FieldId = 4041, PosFieldType = PosFieldType.GrossSales });
        var again = await Supervisor(404).UpdateFieldMappingAsync(new() { FieldId = 4041, PosFieldType = PosFieldType.GrossSales, SplitIntoIntervals = true });
        Assert.True(again.Field.SplitIntoIntervals);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(42)]
    public async Task UpdateFieldMapping_UnspecifiedOrUnknownType_IsInvalidArgument(int type)
    {
        await CreateFieldAsync(405, 4050 + type);
        await RpcAssert.InvalidArgumentAsync(() =>
            Supervisor(405).UpdateFieldMappingAsync(new() { FieldId = 4050 + type, PosFieldType = (PosFieldType)type }), "pos_field_type");
    }

    [Fact]
    public async Task UpdateFieldMapping_StaleEtag_IsAborted()
    {
        var field = await CreateFieldAsync(406, 4061);
        await Supervisor(406).UpdateFieldMappingAsync(new() { FieldId = 4061, PosFieldType = PosFieldType.NetSales, Etag = field.Etag });
        await RpcAssert.FailsAsync(StatusCode.Aborted, () =>
            Supervisor(406).UpdateFieldMappingAsync(new() { FieldId = 4061, PosFieldType = PosFieldType.Returns, Etag = field.Etag }));
    }

    [Fact]
    public async Task ClearFieldMapping_FreesTheTypeForAnotherField()
    {
        await CreateFieldAsync(407, 4071);
        await CreateFieldAsync(407, 4072);
        await Supervisor(407).UpdateFieldMappingAsync(new() { FieldId = 4071, PosFieldType = PosFieldType.Transactions, SplitIntoIntervals = true });

        var cleared = (await Supervisor(407).ClearFieldMappingAsync(new() { FieldId = 4071 })).Field;
        Assert.Equal(PosFieldType.Unspecified, cleared.PosFieldType);
        Assert.False(cleared.SplitIntoIntervals);
        var moved = await Supervisor(407).UpdateFieldMappingAsync(new() { FieldId = 4072, PosFieldType = PosFieldType.Transactions });
        Assert.Equal(PosFieldType.Transactions, moved.Field.PosFieldType);

        await using var db = host.NewDbContext();
        var actions = await db.AuditEntries.Where(a => a.ClientId == 407).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Equal(["field.create", "field.create", "field.map", "field.unmap", "field.map"], actions);
    }

    [Fact]
    public async Task CreateWeeklyBalanceField_DuplicateId_IsAlreadyExists()
    {
        await CreateFieldAsync(408, 4081);
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => CreateFieldAsync(408, 4081));
    }

    [Fact]
    public async Task CreateWeeklyBalanceField_MissingIdsAndName_NamesEveryField()
    {
        await RpcAssert.InvalidArgumentAsync(() => _service.CreateWeeklyBalanceFieldAsync(new() { Field = new WeeklyBalanceField { Name = "  " } }),
            "field.field_id", "field.client_id", "field.name");
        await RpcAssert.InvalidArgumentAsync(() => _service.CreateWeeklyBalanceFieldAsync(new()), "field");
    }

    [Fact]
    public async Task CreateWeeklyBalanceField_BySupervisor_IsPermissionDenied()
    {
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => Supervisor(409).CreateWeeklyBalanceFieldAsync(new()
        {
            Field = new WeeklyBalanceField { ClientId = 409, FieldId = 4091, Name = "X" },
        }).ResponseAsync);
    }

    [Fact]
    public async Task UpdateFieldMapping_OtherClientsField_IsNotFound()
    {
        await CreateFieldAsync(410, 4101);
        var exception = await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            Supervisor(411).UpdateFieldMappingAsync(new() { FieldId = 4101, PosFieldType = PosFieldType.GrossSales }));
        Assert.Equal("fields/4101", RpcAssert.Detail<Google.Rpc.ResourceInfo>(exception).ResourceName);
    }

    [Fact]
    public async Task UpdateFieldMapping_RegionalSupervisor_ReadsButCannotMap()
    {
        await CreateFieldAsync(412, 4121);
        var regional = host.Client<FieldMappingService.FieldMappingServiceClient>(PosHostFixture.Token(PosRoles.RegionalSupervisor, 412, [4120]));
        Assert.Single((await regional.ListWeeklyBalanceFieldsAsync(new() { ClientId = 412 })).Fields);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () =>
            regional.UpdateFieldMappingAsync(new() { FieldId = 4121, PosFieldType = PosFieldType.GrossSales }));
    }

    [Fact]
    public async Task ListWeeklyBalanceFields_PagesThroughEveryFieldInIdOrder()
    {
        for (var i = 1; i <= 5; i++) await CreateFieldAsync(413, 4130 + i, $"F{i}");
        var seen = new List<long>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await Supervisor(413).ListWeeklyBalanceFieldsAsync(new() { ClientId = 413, PageSize = 2, PageToken = token });
            seen.AddRange(page.Fields.Select(f => f.FieldId));
            token = page.NextPageToken;
            pages++;
        } while (token != "");

        Assert.Equal([4131, 4132, 4133, 4134, 4135], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListWeeklyBalanceFields_BadPaging_IsInvalidArgument()
    {
        await RpcAssert.InvalidArgumentAsync(() => Supervisor(414).ListWeeklyBalanceFieldsAsync(new() { ClientId = 414, PageSize = -1 }), "page_size");
        await RpcAssert.InvalidArgumentAsync(() => Supervisor(414).ListWeeklyBalanceFieldsAsync(new() { ClientId = 414, PageToken = "not-a-token" }), "page_token");
    }
}
