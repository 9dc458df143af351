using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Contracts.LightspeedAuth.V1;
using Pos.Grpc.Host.Features.Imports.Engine;
using Pos.Grpc.Host.Features.Imports.Numbers;
using Pos.Grpc.Host.Features.LightspeedAuth;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host.Infrastructure.Lightspeed;

/// <summary>
/// Sales of a department-day from Lightspeed, through the client's ACTIVE connection for the account, mapped
/// to the POS-neutral model page by page. Lightspeed failures become <see cref="ImportUnitException"/>s that
/// say whether retrying can help.
/// </summary>
public sealed class LightspeedSalesSource(IServiceScopeFactory scopes, RSeriesApiClient api, ConnectionHealth health) : ISalesSource
{
    public async IAsyncEnumerable<PosSale> GetSalesAsync(SalesWindow window, SalesFetchStats stats, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = await FindActiveConnectionAsync(window, cancellationToken);
        var query = new RSeriesSalesQuery(window.FromUtc, window.UntilUtcExclusive)
        {
            ShopId = window.ShopId is { } shop ? long.Parse(shop, CultureInfo.InvariantCulture) : null,
            RegisterIds = window.RegisterIds.Select(r => long.Parse(r, CultureInfo.InvariantCulture)).ToArray(),
        };
        var requestStats = new RSeriesRequestStats();
        await using var sales = api.GetSalesAsync(connection, query, requestStats, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (await NextAsync(sales, connection, cancellationToken)) yield return ToPosSale(sales.Current);
        }
        finally
        {
            for (var i = 0; i < requestStats.Requests; i++) stats.RecordRequest();
            stats.RecordRateLimitWait(requestStats.RateLimitWait);
        }
    }

    private async Task<RSeriesConnection> FindActiveConnectionAsync(SalesWindow window, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
        var connection = await LightspeedConnections.FindActiveAsync(db, window.ClientId, window.AccountId, cancellationToken);
        if (connection is not null) return new RSeriesConnection(connection.Id.ToString(), long.Parse(window.AccountId, CultureInfo.InvariantCulture));

        // A connection that lost its authorisation (found out by this job's department before, or by another) gets the
        // same reason as the department that found out: every department of the account fails for one cause, with one remedy.
        var state = await db.LightspeedConnections.AsNoTracking()
            .Where(c => c.ClientId == window.ClientId && c.AccountId == window.AccountId)
            .Select(c => (int?)c.State)
            .SingleOrDefaultAsync(cancellationToken);
        if (state == (int)ConnectionState.ReauthorizationRequired) throw ReauthorizationRequired(null);
        throw new ImportUnitException("NO_ACTIVE_CONNECTION",
            $"Lightspeed account {window.AccountId} has no ACTIVE connection for this client: authorise and activate it first.", permanent: true);
    }

    private static ImportUnitException ReauthorizationRequired(Exception? cause) =>
        new("LIGHTSPEED_REAUTHORIZATION_REQUIRED",
            "Lightspeed no longer accepts this connection's authorisation: the client must authorise SameSystem again.", permanent: true, cause);

    /// <summary>One step of the stream, with Lightspeed's failures translated for the import.</summary>
    private async Task<bool> NextAsync(IAsyncEnumerator<RSeriesSale> sales, RSeriesConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await sales.MoveNextAsync();
        }
        catch (RSeriesReauthorizationRequiredException ex)
        {
            await health.MarkReauthorizationRequiredAsync(Guid.Parse(connection.ConnectionKey), ex.Message);
            throw ReauthorizationRequired(ex);
        }
        catch (RSeriesAuthorizationException ex)
        {
            throw new ImportUnitException("LIGHTSPEED_UNAUTHORIZED", $"Lightspeed refused the connection's token: {ex.Message}", permanent: true, ex);
        }
        catch (RSeriesForbiddenException ex)
        {
            throw new ImportUnitException("LIGHTSPEED_FORBIDDEN", $"Lightspeed refused access to the sales: {ex.Message}", permanent: true, ex);
        }
        catch (RSeriesApiException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ImportUnitException("LIGHTSPEED_UNAVAILABLE", $"Lightspeed failed after retries: {ex.Message}", permanent: false, ex);
        }
    }

    private static PosSale ToPosSale(RSeriesSale sale) => new(
        sale.SaleId,
        sale.CompleteTime ?? DateTimeOffset.MinValue,
        sale.Completed,
        sale.Voided,
        sale.Archived,
        sale.RegisterId.ToString(CultureInfo.InvariantCulture),
        sale.ShopId.ToString(CultureInfo.InvariantCulture),
        sale.Lines.Select(l => new PosSaleLine(l.SaleLineId, l.UnitQuantity, l.CalcTotal, l.CalcTax1, l.CalcTax2,
            l.CalcLineDiscount, l.CalcTransactionDiscount, l.ParentSaleLineId)).ToArray());
}
