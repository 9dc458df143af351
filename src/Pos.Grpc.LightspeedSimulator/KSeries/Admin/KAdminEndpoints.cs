using Pos.Grpc.LightspeedSimulator.KSeries.Api;
using Pos.Grpc.LightspeedSimulator.KSeries.Domain;
using Pos.Grpc.LightspeedSimulator.KSeries.OAuth;

namespace Pos.Grpc.LightspeedSimulator.KSeries.Admin;

/// <summary>
/// /__sim/kseries/*: the K-Series simulator's own control surface (not part of Lightspeed): locations, injected and
/// edited sales, fault switches, counters, OAuth clients and the rate limit. The clock is the shared /__sim/clock.
/// </summary>
public static class KAdminEndpoints
{
    public static void MapKSeriesAdmin(this WebApplication app)
    {
        var admin = app.MapGroup("/__sim/kseries");
        admin.MapGet("/locations", (KLocationStore store) => Results.Json(store.All.Select(Describe)));
        admin.MapPut("/locations/{blId:long}", (long blId, KLocationDefinition body, KLocationStore store, KSeriesSimulatorOptions o, SimClock clock) =>
        {
            try
            {
                var location = body.ToLocation(blId, o, clock);
                store.Put(location);
                return Results.Json(Describe(location));
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or ArgumentException or InvalidTimeZoneException)
            {
                return Results.BadRequest(new { error = e.Message });
            }
        });
        admin.MapDelete("/locations/{blId:long}", (long blId, KLocationStore store) => store.Remove(blId) ? Results.NoContent() : Results.NotFound());

        admin.MapPost("/locations/{blId:long}/sales", (long blId, List<KFixedSaleInput> body, KLocationStore store, KSeriesSimulatorOptions o) =>
        {
            if (store.Find(blId) is not { } location) return Results.NotFound();
            try
            {
                var sales = body.Select(s => s.ToSale(location, o)).ToList();
                location.AddFixed(sales);
                return Results.Json(new { accountFiscIds = sales.Select(s => s.AccountFiscId) });
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(new { error = e.Message });
            }
        });
        admin.MapDelete("/locations/{blId:long}/sales", (long blId, KLocationStore store) =>
        {
            if (store.Find(blId) is not { } location) return Results.NotFound();
            location.ClearFixed();
            return Results.NoContent();
        });
        admin.MapGet("/locations/{blId:long}/sales/{accountFiscId}", (long blId, string accountFiscId, KLocationStore store, KSalesCatalog catalog) =>
            store.Find(blId) is { } location && catalog.Find(location, accountFiscId) is { } sale
                ? Results.Bytes(KWireJson.Build(w =>
                {
                    w.WritePropertyName("sale");
                    KWireJson.Sale(w, sale, true, SaleSpelling.V2(location.Zone));
                }), "application/json")
                : Results.NotFound());
        admin.MapMethods("/locations/{blId:long}/sales/{accountFiscId}", ["PATCH"],
            (long blId, string accountFiscId, KSaleEdit body, KLocationStore store, KSalesCatalog catalog) =>
            {
                if (store.Find(blId) is not { } location || catalog.Find(location, accountFiscId) is not { } sale) return Results.NotFound();
                try
                {
                    location.Replace(body.Apply(sale.Copy(), location));
                    return Results.NoContent();
                }
                catch (ArgumentException e)
                {
                    return Results.BadRequest(new { error = e.Message });
                }
            });

        admin.MapGet("/locations/{blId:long}/faults", (long blId, KLocationStore store) =>
            store.Find(blId) is { } l ? Results.Json(l.Faults.Snapshot()) : Results.NotFound());
        admin.MapPut("/locations/{blId:long}/faults", (long blId, KFaultsInput body, KLocationStore store, SimClock clock) =>
        {
            if (store.Find(blId) is not { } location) return Results.NotFound();
            location.Faults.Set(body.RateLimitStorm, body.ServerErrors, body.CutConnections, body.MalformedPages, body.DelayMs);
            location.StormRetryAfterSeconds = Math.Max(0, body.RetryAfterSeconds);
            if (body.RevokeTokens) location.TokensRevokedAt = clock.UtcNow;
            return Results.Json(location.Faults.Snapshot());
        });
        admin.MapGet("/locations/{blId:long}/stats", (long blId, KLocationStore store) => store.Find(blId) is { } l
            ? Results.Json(new
            {
                apiRequests = Interlocked.Read(ref l.Stats.ApiRequests), salesPages = Interlocked.Read(ref l.Stats.SalesPages),
                rateLimited = Interlocked.Read(ref l.Stats.RateLimited), serverErrors = Interlocked.Read(ref l.Stats.ServerErrors),
                unauthorized = Interlocked.Read(ref l.Stats.Unauthorized), forbidden = Interlocked.Read(ref l.Stats.Forbidden),
                badRequests = Interlocked.Read(ref l.Stats.BadRequests), longestRangeDays = l.Stats.LongestRangeDays,
            })
            : Results.NotFound());

        admin.MapPut("/clients/{clientId}", (string clientId, KClientInput body, KOAuthServer oauth) =>
        {
            if (!Enum.TryParse<KGeneration>(body.Generation ?? "V2", ignoreCase: true, out var generation))
                return Results.BadRequest(new { error = "generation is V1 or V2" });
            oauth.PutClient(new KClient(clientId, body.ClientSecret ?? "", generation, body.RedirectUri ?? "", body.LocationIds ?? [],
                body.UserEmail ?? "owner@sandbox.example"));
            return Results.NoContent();
        });
        admin.MapGet("/clients/{clientId}/stats", (string clientId, KOAuthServer oauth) => oauth.FindClient(clientId) is { } c
            ? Results.Json(new
            {
                codeExchanges = Interlocked.Read(ref c.Stats.CodeExchanges), refreshes = Interlocked.Read(ref c.Stats.Refreshes),
                invalidGrants = Interlocked.Read(ref c.Stats.InvalidGrants), invalidClients = Interlocked.Read(ref c.Stats.InvalidClients),
                parametersInQuery = Interlocked.Read(ref c.Stats.ParametersInQuery), parametersInBody = Interlocked.Read(ref c.Stats.ParametersInBody),
            })
            : Results.NotFound());

        admin.MapPut("/rate-limit", (KSeriesRateLimitOptions body, KRateLimiter limiter) =>
        {
            limiter.Configure(body.Enabled, body.Capacity, body.RefillPerSecond);
            return Results.Json(limiter.Settings);
        });
    }

    private static object Describe(KLocation l) => new
    {
        blID = l.BusinessLocationId, name = l.Name, businessId = l.BusinessId, businessName = l.BusinessName, timezone = l.TimeZone,
        taxIncluded = l.TaxIncluded, taxRate = l.TaxRate, openedOn = l.OpenedOn, generate = l.Generate, salesPerDay = l.SalesPerDay,
        fixedSales = l.FixedSales.Count, devices = l.Devices.Select(d => new { deviceId = d.DeviceId, name = d.Name }),
    };
}
