using System.Globalization;
using System.Text.Json;
using Pos.Grpc.LightspeedSimulator.Domain;
using Pos.Grpc.LightspeedSimulator.OAuth;

namespace Pos.Grpc.LightspeedSimulator.Api;

/// <summary>What one authenticated API request may look at.</summary>
public sealed record ApiCall(HttpRequest Request, SimAccount Account, AccessTokenClaims Claims, string BaseUrl);

/// <summary>A computed answer, not yet metered by the bucket: status, JSON body, drips it costs.</summary>
public sealed record ApiAnswer(int Status, byte[] Body, double Cost);

/// <summary>/API/...: Account, Session, Shop, Register, Sale and Sale/{id}.</summary>
public static class ApiEndpoints
{
    public static void MapLightspeedApi(this WebApplication app)
    {
        app.MapGet("/API/V3/Account.json", (HttpContext c, ApiPipeline p) => p.RunAsync(c, null, AccountJson));
        app.MapGet("/API/V3/Session.json", (HttpContext c, ApiPipeline p) => p.RunAsync(c, null, SessionJson));
        app.MapGet("/API/Session.json", (HttpContext c, ApiPipeline p) => p.RunAsync(c, null, SessionJson));
        app.MapGet("/API/V3/Account/{accountId:long}/Shop.json",
            (HttpContext c, long accountId, ApiPipeline p) => p.RunAsync(c, accountId, ShopJson));
        app.MapGet("/API/V3/Account/{accountId:long}/Register.json",
            (HttpContext c, long accountId, ApiPipeline p) => p.RunAsync(c, accountId, RegisterJson));
        app.MapGet("/API/V3/Account/{accountId:long}/Sale.json",
            (HttpContext c, long accountId, ApiPipeline p, SalesCatalog catalog, SimulatorOptions o) =>
                p.RunAsync(c, accountId, call => SaleList(call, catalog, o)));
        app.MapGet("/API/V3/Account/{accountId:long}/Sale/{saleId:long}.json",
            (HttpContext c, long accountId, long saleId, ApiPipeline p, SalesCatalog catalog, SimulatorOptions o) =>
                p.RunAsync(c, accountId, call => SingleSale(call, saleId, catalog, o)));
    }

    private static ApiAnswer Ok(byte[] body, double cost = 1) => new(200, body, cost);

    private static ApiAnswer AccountJson(ApiCall call) => Ok(WireJson.Build(w =>
    {
        WireJson.Count(w, 1);
        w.WriteStartObject("Account");
        w.WriteString("accountID", WireJson.Id(call.Account.AccountId));
        w.WriteString("name", call.Account.Name);
        w.WriteStartObject("link");
        w.WriteStartObject("@attributes");
        w.WriteString("href", $"/API/V3/Account/{call.Account.AccountId}");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }));

    private static ApiAnswer SessionJson(ApiCall call) => Ok(WireJson.Build(w =>
    {
        w.WriteString("sessionID", call.Claims.Jti[..16]);
        w.WriteString("employeeID", call.Claims.Subject);
        w.WriteString("systemCustomerID", WireJson.Id(call.Account.AccountId));
        w.WriteString("systemUserID", call.Claims.Subject);
        w.WriteString("shopCount", WireJson.Id(call.Account.Shops.Count(s => !s.Archived)));
        w.WriteStartObject("Rights");
        foreach (var scope in call.Claims.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            w.WriteString(scope, "true");
        w.WriteEndObject();
    }));

    private static ApiAnswer ShopJson(ApiCall call)
    {
        var list = ListRequest.Parse(call.Request.Query, "shopID", ["shopID"]);
        var archived = Archived(call.Request.Query);
        var shops = call.Account.Shops.Where(s => archived(s.Archived)).OrderBy(s => s.ShopId).ToList();
        var page = Pager.Take(list,
            reversed => list.Descending ^ reversed ? Enumerable.Reverse(shops) : shops,
            (s, cursor) => (list.Descending ? -1 : 1) * s.ShopId.CompareTo(cursor[0].GetInt64()),
            s => ListRequest.EncodeCursor(w => w.WriteNumberValue(s.ShopId)),
            Pager.UrlBuilder(call.Request, call.BaseUrl, list));
        return Ok(WireJson.Build(w =>
        {
            WireJson.Attributes(w, page.Next, page.Previous);
            WireJson.OneOrMany(w, "Shop", page.Items, WireJson.Shop);
        }));
    }

    private static ApiAnswer RegisterJson(ApiCall call)
    {
        var q = call.Request.Query;
        var list = ListRequest.Parse(q, "registerID", ["registerID"]);
        var archived = Archived(q);
        var shopFilter = q["shopID"].ToString() is { Length: > 0 } raw ? QueryFilter<long>.Parse("shopID", raw, FilterValues.Id) : null;
        var registers = call.Account.Shops
            .SelectMany(s => s.Registers.Select(r => (Shop: s, Register: r)))
            .Where(x => archived(x.Register.Archived) && (shopFilter?.Matches(x.Shop.ShopId) ?? true))
            .OrderBy(x => x.Register.RegisterId)
            .ToList();
        var page = Pager.Take(list,
            reversed => list.Descending ^ reversed ? Enumerable.Reverse(registers) : registers,
            (x, cursor) => (list.Descending ? -1 : 1) * x.Register.RegisterId.CompareTo(cursor[0].GetInt64()),
            x => ListRequest.EncodeCursor(w => w.WriteNumberValue(x.Register.RegisterId)),
            Pager.UrlBuilder(call.Request, call.BaseUrl, list));
        return Ok(WireJson.Build(w =>
        {
            WireJson.Attributes(w, page.Next, page.Previous);
            WireJson.OneOrMany(w, "Register", page.Items, WireJson.Register);
        }));
    }

    private static ApiAnswer SaleList(ApiCall call, SalesCatalog catalog, SimulatorOptions options)
    {
        var query = SaleQuery.Parse(call.Request.Query);
        if (query.List.CountOnly)
        {
            var count = catalog.Ordered(call.Account, query.Sort, false, query.FromUtc, query.ToUtc).LongCount(query.Matches);
            return Ok(WireJson.Build(w => WireJson.Count(w, count)), 10);
        }
        var (from, to) = query.WalkBounds();
        var page = Pager.Take(query.List,
            reversed => catalog.Ordered(call.Account, query.Sort, query.List.Descending ^ reversed,
                    reversed ? query.FromUtc : from, reversed ? query.ToUtc : to, startAt: reversed ? null : query.AfterTime)
                .Where(query.Matches),
            query.CompareToCursor,
            query.CursorOf,
            Pager.UrlBuilder(call.Request, call.BaseUrl, query.List));
        var relationCost = options.RateLimit.RelationCosts ? 0.2 * query.RelationCount * 2 : 0;
        return Ok(WireJson.Build(w =>
        {
            WireJson.Attributes(w, page.Next, page.Previous);
            WireJson.OneOrMany(w, "Sale", page.Items,
                (sw, sale) => WireJson.Sale(sw, sale, query.WithLines, options.UpdateTimeFieldName));
        }), 1 + relationCost);
    }

    private static ApiAnswer SingleSale(ApiCall call, long saleId, SalesCatalog catalog, SimulatorOptions options)
    {
        var query = SaleQuery.Parse(call.Request.Query);
        var sale = catalog.Find(call.Account, saleId);
        if (sale is null)
            return new ApiAnswer(404, WireJson.Envelope(404, "Not Found",
                $"Object of type 'Sale' not found with primary ID '{saleId}'."), 1);
        var relationCost = options.RateLimit.RelationCosts ? 0.2 * query.RelationCount : 0;
        return Ok(WireJson.Build(w =>
        {
            WireJson.Count(w, 1);
            w.WritePropertyName("Sale");
            WireJson.Sale(w, sale, query.WithLines, options.UpdateTimeFieldName);
        }), 1 + relationCost);
    }

    /// <summary>archived=false (default) hides archived records, true shows all, only shows just them.</summary>
    private static Func<bool, bool> Archived(IQueryCollection q) => q["archived"].ToString() switch
    {
        "" or "false" or "0" => a => !a,
        "true" or "1" => _ => true,
        "only" => a => a,
        var other => throw new BadQueryException($"Invalid value '{other}' for archived."),
    };
}

/// <summary>
/// Everything around an API answer: bearer authentication (OAuth-style 401 body), the account check, the
/// fault switches, the leaky bucket and its headers, and the way the body goes out (whole, cut, garbled).
/// </summary>
public sealed class ApiPipeline(OAuthServer oauth, AccountStore accounts, RateLimiter limiter, SimulatorOptionsAccessor opts)
{
    private const string Denied = "The resource owner or authorization server denied the request.";

    public async Task RunAsync(HttpContext http, long? pathAccountId, Func<ApiCall, ApiAnswer> handler)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var bearer = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var (claims, hint) = oauth.Validate(bearer);
        var account = claims is null ? null : accounts.Find(claims.AccountId);
        if (claims is null || account is null)
        {
            if (pathAccountId is { } id && accounts.Find(id) is { } target) Interlocked.Increment(ref target.Stats.Unauthorized);
            await SimResponses.WriteJsonAsync(http, 401, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
            {
                ["error"] = "access_denied", ["error_description"] = Denied, ["hint"] = hint ?? "Access token could not be verified",
            }));
            return;
        }

        http.Response.Headers["X-LS-Acct-Id"] = WireJson.Id(account.AccountId);
        http.Response.Headers["X-LS-Oauth-Client-Id"] = claims.ClientId;
        if (pathAccountId is { } pathId && pathId != account.AccountId)
        {
            await SimResponses.WriteJsonAsync(http, 403, WireJson.Envelope(403, "Forbidden",
                $"The access token is not valid for account {pathId}.", "ForbiddenException"));
            return;
        }
        Interlocked.Increment(ref account.Stats.ApiRequests);

        var faults = account.Faults;
        if (faults.DelayMs > 0) await Task.Delay(faults.DelayMs, http.RequestAborted);
        if (faults.TakeRateLimit())
        {
            await RateLimitedAsync(http, limiter.Peek(account, claims.ClientId, 1) with { RetryAfterSeconds = 1 });
            return;
        }
        if (faults.TakeServerError())
        {
            await ServerErrorAsync(http);
            return;
        }

        ApiAnswer answer;
        try
        {
            answer = handler(new ApiCall(http.Request, account, claims, opts.BaseUrl(http.Request)));
        }
        catch (BadQueryException e)
        {
            answer = new ApiAnswer(400, WireJson.Envelope(400, "Bad Request", e.Message), 1);
        }

        var bucket = limiter.TryAdd(account, claims.ClientId, answer.Cost);
        if (!bucket.Allowed)
        {
            Interlocked.Increment(ref account.Stats.RateLimited);
            if (bucket.RefusedBy == RateLimiter.BurstLimiter) Interlocked.Increment(ref account.Stats.BurstLimited);
            await RateLimitedAsync(http, bucket);
            return;
        }
        BucketHeaders(http, bucket);

        if (answer.Status == 200 && faults.TakeCut())
        {
            await SimResponses.CutAsync(http, answer.Body);
            return;
        }
        var body = answer.Status == 200 && faults.TakeMalformed() ? SimResponses.Garble(answer.Body) : answer.Body;
        await SimResponses.WriteJsonAsync(http, answer.Status, body);
    }

    private static void BucketHeaders(HttpContext http, BucketAnswer b)
    {
        http.Response.Headers["X-LS-API-Bucket-Level"] = $"{WireJson.Num(Math.Round(b.Level, 9))}/{WireJson.Num(b.Size)}";
        http.Response.Headers["X-LS-API-Drip-Rate"] = WireJson.Num(b.DripRate);
        http.Response.Headers["X-LS-API-Request-Cost"] = WireJson.Num(b.Cost);
        if (b.BurstLimit > 0) http.Response.Headers["X-LS-API-Burst-Level"] = $"{b.BurstCount}/{b.BurstLimit}";
    }

    private static Task RateLimitedAsync(HttpContext http, BucketAnswer b)
    {
        BucketHeaders(http, b);
        http.Response.Headers.RetryAfter = b.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-LS-API-RateLimit-Type"] = b.RefusedBy;
        return SimResponses.WriteJsonAsync(http, 429, WireJson.Envelope(429, "Too Many Requests",
            b.RefusedBy == RateLimiter.BurstLimiter
                ? "Rate Limit Exceeded: burst rate limit exceeded. Please wait at least one second before sending more requests."
                : "Rate Limit Exceeded: Please decrease your request volume. To learn more about the rate limit, please see our API documentation.",
            "RateLimitedException"));
    }

    private static int _serverErrorFlip;

    /// <summary>500 and 503 in turn, with an HTML body as a proxy would send: clients must not expect JSON.</summary>
    private static Task ServerErrorAsync(HttpContext http) =>
        SimResponses.HtmlErrorAsync(http, Interlocked.Increment(ref _serverErrorFlip) % 2 == 0 ? 500 : 503);
}
