using Pos.Grpc.LightspeedSimulator.Domain;
using Pos.Grpc.LightspeedSimulator.OAuth;

namespace Pos.Grpc.LightspeedSimulator.Admin;

/// <summary>
/// /__sim/*: the simulator's own control surface (not part of Lightspeed): health, accounts, injected sales,
/// fault switches, counters, OAuth clients and the clock. No authentication: it binds to 127.0.0.1.
/// </summary>
public static class AdminEndpoints
{
    public static void MapSimulatorAdmin(this WebApplication app)
    {
        var admin = app.MapGroup("/__sim");
        admin.MapGet("/health", (AccountStore accounts, SimClock clock) =>
            Results.Json(new { status = "ok", utcNow = clock.UtcNow, accounts = accounts.All.Select(a => a.AccountId) }));

        admin.MapGet("/accounts", (AccountStore accounts) => Results.Json(accounts.All.Select(Describe)));
        admin.MapPut("/accounts/{accountId:long}", (long accountId, AccountDefinition body, AccountStore accounts, SimulatorOptions o) =>
        {
            try
            {
                var account = body.ToAccount(accountId, o);
                accounts.Put(account);
                return Results.Json(Describe(account));
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or ArgumentException)
            {
                return Results.BadRequest(new { error = e.Message });
            }
        });

        admin.MapDelete("/accounts/{accountId:long}", (long accountId, AccountStore accounts) =>
            accounts.Remove(accountId) ? Results.NoContent() : Results.NotFound());

        admin.MapPost("/accounts/{accountId:long}/sales", (long accountId, List<FixedSaleInput> body, AccountStore accounts) =>
        {
            if (accounts.Find(accountId) is not { } account) return Results.NotFound();
            try
            {
                var sales = body.Select(s => s.ToSale(account)).ToList();
                account.AddFixed(sales);
                return Results.Json(new { saleIDs = sales.Select(s => s.SaleId) });
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(new { error = e.Message });
            }
        });
        admin.MapDelete("/accounts/{accountId:long}/sales", (long accountId, AccountStore accounts) =>
        {
            if (accounts.Find(accountId) is not { } account) return Results.NotFound();
            account.ClearFixed();
            return Results.NoContent();
        });

        // After the fact: a sale is voided or a line's quantity edited later; its timeStamp becomes the simulator's now.
        admin.MapPost("/accounts/{accountId:long}/sales/{saleId:long}/change",
            (long accountId, long saleId, SaleChangeInput body, AccountStore accounts, SalesCatalog catalog, SimClock clock) =>
            {
                if (accounts.Find(accountId) is not { } account) return Results.NotFound();
                if (catalog.Find(account, saleId) is not { } sale) return Results.NotFound(new { error = $"No sale {saleId}." });
                var changed = body.Apply(sale, clock.UtcNow);
                account.Change(changed);
                return Results.Json(new { saleID = changed.SaleId, timeStamp = changed.TimeStamp, voided = changed.Voided });
            });
        // Many at once (benchmarks): voids `count` completed sales picked by `seed` among the given local days of every shop.
        admin.MapPost("/accounts/{accountId:long}/changes/random",
            (long accountId, RandomChangesInput body, AccountStore accounts, SalesCatalog catalog, SimClock clock) =>
            {
                if (accounts.Find(accountId) is not { } account) return Results.NotFound();
                var candidates = body.Days.SelectMany(day => account.Shops.SelectMany(shop =>
                    {
                        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), shop.Zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue)));
                        return catalog.Ordered(account, SaleSortField.CompleteTime, false, from, from.AddDays(1))
                            .Where(s => s.ShopId == shop.ShopId && s.Completed && !s.Voided && !s.Archived && s.Lines.Count > 0 && s.CompleteTime is { } t
                                        && DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, shop.Zone).DateTime) == day);
                    }))
                    .ToList();
                var random = new Random(body.Seed);
                var picked = candidates.OrderBy(_ => random.Next()).Take(body.Count).ToList();
                foreach (var sale in picked) account.Change(new SaleChangeInput { Voided = true }.Apply(sale, clock.UtcNow));
                return Results.Json(new { saleIDs = picked.Select(s => s.SaleId) });
            });
        admin.MapDelete("/accounts/{accountId:long}/changes", (long accountId, AccountStore accounts) =>
        {
            if (accounts.Find(accountId) is not { } account) return Results.NotFound();
            account.ClearChanges();
            return Results.NoContent();
        });

        admin.MapGet("/accounts/{accountId:long}/faults", (long accountId, AccountStore accounts) =>
            accounts.Find(accountId) is { } account ? Results.Json(account.Faults.Snapshot()) : Results.NotFound());
        admin.MapPut("/accounts/{accountId:long}/faults", (long accountId, FaultsInput body, AccountStore accounts, OAuthServer oauth) =>
        {
            if (accounts.Find(accountId) is not { } account) return Results.NotFound();
            account.Faults.Set(body.RateLimitStorm, body.ServerErrors, body.CutConnections, body.MalformedPages, body.DelayMs);
            if (body.RevokeTokens) oauth.RevokeAccountTokens(accountId);
            return Results.Json(account.Faults.Snapshot());
        });
        admin.MapPost("/accounts/{accountId:long}/revoke-tokens", (long accountId, AccountStore accounts, OAuthServer oauth) =>
        {
            if (accounts.Find(accountId) is null) return Results.NotFound();
            oauth.RevokeAccountTokens(accountId);
            return Results.NoContent();
        });

        admin.MapGet("/accounts/{accountId:long}/stats", (long accountId, AccountStore accounts) =>
            accounts.Find(accountId) is { } a
                ? Results.Json(new
                {
                    apiRequests = Interlocked.Read(ref a.Stats.ApiRequests),
                    rateLimited = Interlocked.Read(ref a.Stats.RateLimited),
                    burstLimited = Interlocked.Read(ref a.Stats.BurstLimited),
                    refreshes = Interlocked.Read(ref a.Stats.Refreshes),
                    codeExchanges = Interlocked.Read(ref a.Stats.CodeExchanges),
                    invalidGrants = Interlocked.Read(ref a.Stats.InvalidGrants),
                    unauthorized = Interlocked.Read(ref a.Stats.Unauthorized),
                })
                : Results.NotFound());

        admin.MapPut("/clients/{clientId}", (string clientId, ClientInput body, OAuthServer oauth) =>
        {
            oauth.PutClient(new SimClient(clientId, body.ClientSecret ?? "", body.RedirectUri ?? "", body.AccountId));
            return Results.NoContent();
        });

        admin.MapGet("/clock", (SimClock clock) => Results.Json(new { utcNow = clock.UtcNow }));
        admin.MapPost("/clock/advance", (ClockInput body, SimClock clock) =>
        {
            clock.Advance(TimeSpan.FromSeconds(body.Seconds));
            return Results.Json(new { utcNow = clock.UtcNow });
        });
    }

    private static object Describe(SimAccount a) => new
    {
        accountID = a.AccountId, name = a.Name, generate = a.Generate, salesPerShopPerDay = a.SalesPerShopPerDay,
        fixedSales = a.FixedSales.Count,
        shops = a.Shops.Select(s => new
        {
            shopID = s.ShopId, name = s.Name, timeZone = s.TimeZone, tax1Rate = s.Tax1Rate, tax2Rate = s.Tax2Rate, archived = s.Archived,
            registers = s.Registers.Select(r => new { registerID = r.RegisterId, name = r.Name, archived = r.Archived }),
        }),
    };
}

public sealed class AccountDefinition
{
    public string? Name { get; init; }
    /// <summary>Generated sales on top of injected ones; off by default so hand-computed tests see only theirs.</summary>
    public bool Generate { get; init; }
    public int? SalesPerShopPerDay { get; init; }
    public int Seed { get; init; }
    public List<ShopDefinition> Shops { get; init; } = [];

    public SimAccount ToAccount(long accountId, SimulatorOptions options)
    {
        if (Shops.Count is 0 or > 99) throw new ArgumentException("An account needs 1 to 99 shops.");
        return new SimAccount
        {
            AccountId = accountId,
            Name = Name ?? $"Account {accountId}",
            Generate = Generate,
            SalesPerShopPerDay = SalesPerShopPerDay ?? options.SalesPerShopPerDay,
            Seed = Seed,
            Shops = Shops.Select(s => new SimShop(s.ShopId, s.Name ?? $"Shop {s.ShopId}", s.TimeZone, s.Tax1Rate, s.Tax2Rate,
                s.Registers.Select(r => new SimRegister(r.RegisterId, r.Name ?? $"Register {r.RegisterId}", r.Archived)).ToList(),
                s.Archived)).ToList(),
        };
    }
}

public sealed class ShopDefinition
{
    public long ShopId { get; init; }
    public string? Name { get; init; }
    public string TimeZone { get; init; } = "Europe/Copenhagen";
    public decimal Tax1Rate { get; init; }
    public decimal Tax2Rate { get; init; }
    public bool Archived { get; init; }
    public List<RegisterDefinition> Registers { get; init; } = [];
}

public sealed class RegisterDefinition
{
    public long RegisterId { get; init; }
    public string? Name { get; init; }
    public bool Archived { get; init; }
}

/// <summary>An injected sale. Calc fields are computed by the simulator with Lightspeed's arithmetic.</summary>
/// <summary>A change made to a sale after it was completed.</summary>
public sealed class SaleChangeInput
{
    /// <summary>Void (or un-void) the sale.</summary>
    public bool? Voided { get; init; }

    /// <summary>New quantities of some of its lines, by saleLineID.</summary>
    public Dictionary<long, int>? LineQuantities { get; init; }

    public SimSale Apply(SimSale sale, DateTimeOffset now)
    {
        var lines = sale.Lines.Select(l => new SimSaleLine
        {
            SaleLineId = l.SaleLineId, ItemId = l.ItemId,
            UnitQuantity = LineQuantities is { } quantities && quantities.TryGetValue(l.SaleLineId, out var q) ? q : l.UnitQuantity,
            UnitPrice = l.UnitPrice, DiscountAmount = l.DiscountAmount, DiscountPercent = l.DiscountPercent, Tax = l.Tax,
            ParentSaleLineId = l.ParentSaleLineId, DiscountId = l.DiscountId, AvgCost = l.AvgCost,
        }).ToList();
        return SaleCalculator.Complete(new SimSale
        {
            SaleId = sale.SaleId, ShopId = sale.ShopId, RegisterId = sale.RegisterId, EmployeeId = sale.EmployeeId, CustomerId = sale.CustomerId,
            Completed = sale.Completed, Voided = Voided ?? sale.Voided, Archived = sale.Archived, CreateTime = sale.CreateTime,
            CompleteTime = sale.CompleteTime, TimeStamp = now > sale.TimeStamp ? now : sale.TimeStamp.AddSeconds(1),
            DiscountPercent = sale.DiscountPercent, Tax1Rate = sale.Tax1Rate, Tax2Rate = sale.Tax2Rate, Lines = lines,
        });
    }
}

/// <summary>Voids <see cref="Count"/> completed sales of the given local days, picked by <see cref="Seed"/>.</summary>
public sealed class RandomChangesInput
{
    public List<DateOnly> Days { get; init; } = [];
    public int Count { get; init; }
    public int Seed { get; init; }
}

public sealed class FixedSaleInput
{
    public long? SaleId { get; init; }
    public long ShopId { get; init; }
    public long RegisterId { get; init; }
    public long EmployeeId { get; init; } = 1;
    public long CustomerId { get; init; }
    public DateTimeOffset? CompleteTime { get; init; }
    public DateTimeOffset? CreateTime { get; init; }
    public bool Completed { get; init; } = true;
    public bool Voided { get; init; }
    public bool Archived { get; init; }
    public decimal DiscountPercent { get; init; }
    public List<FixedLineInput> Lines { get; init; } = [];

    public SimSale ToSale(SimAccount account)
    {
        var shop = account.Shops.FirstOrDefault(s => s.ShopId == ShopId)
            ?? throw new ArgumentException($"Account {account.AccountId} has no shop {ShopId}.");
        if (Completed && CompleteTime is null) throw new ArgumentException("A completed sale needs a completeTime.");
        var saleId = SaleId ?? account.NextFixedSaleId();
        var created = CreateTime ?? CompleteTime ?? DateTimeOffset.UtcNow;
        var lineNo = 0;
        return SaleCalculator.Complete(new SimSale
        {
            SaleId = saleId, ShopId = ShopId, RegisterId = RegisterId, EmployeeId = EmployeeId, CustomerId = CustomerId,
            Completed = Completed, Voided = Voided, Archived = Archived,
            CreateTime = created, CompleteTime = Completed ? CompleteTime : null, TimeStamp = CompleteTime ?? created,
            DiscountPercent = DiscountPercent, Tax1Rate = shop.Tax1Rate, Tax2Rate = shop.Tax2Rate,
            Lines = Lines.Select(l => new SimSaleLine
            {
                SaleLineId = l.SaleLineId ?? saleId * 100 + ++lineNo,
                ItemId = l.ItemId, UnitQuantity = l.UnitQuantity, UnitPrice = l.UnitPrice,
                DiscountAmount = l.DiscountAmount, DiscountPercent = l.DiscountPercent, Tax = l.Tax,
                ParentSaleLineId = l.ParentSaleLineId,
            }).ToList(),
        });
    }
}

public sealed class FixedLineInput
{
    public long? SaleLineId { get; init; }
    public long ItemId { get; init; } = 1;
    public int UnitQuantity { get; init; } = 1;
    public decimal UnitPrice { get; init; }
    public decimal DiscountAmount { get; init; }
    public decimal DiscountPercent { get; init; }
    public bool Tax { get; init; } = true;
    public long ParentSaleLineId { get; init; }
}

public sealed class FaultsInput
{
    /// <summary>The next N API requests answer 429 (Retry-After: 1).</summary>
    public int RateLimitStorm { get; init; }
    /// <summary>The next N API requests answer 503/500 in turn with an HTML body.</summary>
    public int ServerErrors { get; init; }
    /// <summary>The next N successful API answers send half their body, then drop the connection.</summary>
    public int CutConnections { get; init; }
    /// <summary>The next N successful API answers are 200 with a body that is not JSON.</summary>
    public int MalformedPages { get; init; }
    /// <summary>Every API request waits this long before answering, until set back to 0.</summary>
    public int DelayMs { get; init; }
    /// <summary>Kills every token issued so far for the account: API → 401, refresh → invalid_grant.</summary>
    public bool RevokeTokens { get; init; }
}

public sealed class ClientInput
{
    public string? ClientSecret { get; init; }
    public string? RedirectUri { get; init; }
    public long AccountId { get; init; }
}

public sealed class ClockInput
{
    public double Seconds { get; init; }
}
