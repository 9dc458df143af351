using Pos.Grpc.LightspeedSimulator.KSeries.Domain;

namespace Pos.Grpc.LightspeedSimulator.KSeries.Admin;

/// <summary>PUT /__sim/kseries/locations/{blId}: a location and its devices; no generated sales unless asked.</summary>
public sealed class KLocationDefinition
{
    public string? Name { get; init; }
    public long BusinessId { get; init; } = 1;
    public string? BusinessName { get; init; }
    public string CurrencyCode { get; init; } = "DKK";
    public string Country { get; init; } = "DK";
    public string Timezone { get; init; } = "Europe/Copenhagen";
    public bool TaxIncluded { get; init; } = true;
    public decimal TaxRate { get; init; } = 0.25m;
    /// <summary>"HH:mm", local.</summary>
    public string BusinessDayStart { get; init; } = "05:00";
    /// <summary>First operational day; default HistoryDays before today.</summary>
    public DateOnly? OpenedOn { get; init; }
    public bool Generate { get; init; }
    public int? SalesPerDay { get; init; }
    public int Seed { get; init; }
    public List<KDeviceInput> Devices { get; init; } = [];

    public KLocation ToLocation(long blId, KSeriesSimulatorOptions options, SimClock clock)
    {
        if (Devices.Count == 0) throw new ArgumentException("A location needs at least one device.");
        _ = TimeZoneInfo.FindSystemTimeZoneById(Timezone);
        return new KLocation
        {
            BusinessLocationId = blId, Name = Name ?? $"Location {blId}", BusinessId = BusinessId,
            BusinessName = BusinessName ?? $"Business {BusinessId}", CurrencyCode = CurrencyCode, Country = Country, TimeZone = Timezone,
            TaxIncluded = TaxIncluded, TaxRate = TaxRate, BusinessDayStart = TimeOnly.Parse(BusinessDayStart, System.Globalization.CultureInfo.InvariantCulture),
            OpenedOn = OpenedOn ?? DateOnly.FromDateTime(clock.UtcNow.UtcDateTime).AddDays(-options.HistoryDays),
            Devices = Devices.Select(d => new KDevice(d.DeviceId, d.Name ?? $"iPad {d.DeviceId}")).ToList(),
            Generate = Generate, SalesPerDay = SalesPerDay ?? options.SalesPerLocationPerDay, Seed = Seed,
        };
    }
}

public sealed class KDeviceInput
{
    public long DeviceId { get; init; }
    public string? Name { get; init; }
}

/// <summary>
/// POST /__sim/kseries/locations/{blId}/sales: an injected account. Amounts are computed by the simulator's
/// arithmetic (KSaleCalculator) from quantity × unit price and the discounts; a negative quantity makes a refund line.
/// SALE and REFUND accounts that are not cancelled get one payment of what is due (with tip and surcharge).
/// </summary>
public sealed class KFixedSaleInput
{
    public string? AccountFiscId { get; init; }
    public string Type { get; init; } = "SALE";
    public bool Cancelled { get; init; }
    public DateTimeOffset? TimeOfOpening { get; init; }
    public DateTimeOffset? TimeClosed { get; init; }
    public long? DeviceId { get; init; }
    public decimal NbCovers { get; init; }
    public string? InitialAccountId { get; init; }
    public string? PreviousAccountId { get; init; }
    /// <summary>An account-level discount (0.2 = 20 %), shared over the lines.</summary>
    public decimal AccountDiscountRate { get; init; }
    public decimal ServiceChargeRate { get; init; }
    public decimal Tip { get; init; }
    public decimal Surcharge { get; init; }
    public string PaymentCode { get; init; } = "CARD";
    public List<KFixedLineInput> Lines { get; init; } = [];

    public KSale ToSale(KLocation location, KSeriesSimulatorOptions options)
    {
        if (TimeClosed is not { } closed) throw new ArgumentException("An account needs a timeClosed.");
        var device = DeviceOf(location, DeviceId);
        var id = AccountFiscId ?? location.NextFixedId();
        var sale = new KSale
        {
            AccountFiscId = id, ReceiptId = "R" + id[1..], AccountReference = id, Type = Type, Cancelled = Cancelled,
            TimeOfOpening = TimeOfOpening ?? closed.AddMinutes(-30), TimeClosed = closed, Device = device, NbCovers = NbCovers,
            InitialAccountId = InitialAccountId, PreviousAccountId = PreviousAccountId, TableNumber = "1",
        };
        var n = 0;
        foreach (var input in Lines)
        {
            var line = new KLine
            {
                Id = input.Id ?? $"S{id[1..]}{++n:D2}", ParentLineId = input.ParentLineId,
                Item = KMenu.Find(input.Sku, input.Name, input.UnitPrice), Quantity = input.Quantity,
                Device = input.DeviceId is { } lineDevice ? DeviceOf(location, lineDevice) : device,
                TimeOfSale = sale.TimeOfOpening.AddMinutes(5), VoidReason = input.VoidReason,
            };
            KSaleCalculator.Compute(line, location, input.DiscountRate, input.DiscountAmount, AccountDiscountRate, ServiceChargeRate);
            sale.Lines.Add(line);
        }
        sale.Payments = Type is "SALE" or "REFUND" && !Cancelled ? [OnePayment(sale, Tip, Surcharge, PaymentCode)] : [];
        return sale;
    }

    public static KPayment OnePayment(KSale sale, decimal tip, decimal surcharge, string code) =>
        new(code, code == "CASH" ? "Cash" : "Card", code == "CASH" ? 141948669132824 : 141948669132825,
            KSaleCalculator.AmountDue(sale.Lines), tip, surcharge, 0, sale.Device, $"T{sale.AccountFiscId[1..]}1", sale.TimeClosed);

    private static KDevice DeviceOf(KLocation location, long? deviceId) =>
        deviceId is { } id
            ? location.Devices.FirstOrDefault(d => d.DeviceId == id) ?? new KDevice(id, $"iPad {id}")
            : location.Devices[0];
}

public sealed class KFixedLineInput
{
    public string? Id { get; init; }
    public string? ParentLineId { get; init; }
    public string? Sku { get; init; }
    public string? Name { get; init; }
    public decimal Quantity { get; init; } = 1;
    public decimal UnitPrice { get; init; }
    public decimal DiscountRate { get; init; }
    public decimal DiscountAmount { get; init; }
    public string? VoidReason { get; init; }
    public long? DeviceId { get; init; }
}

/// <summary>
/// PATCH /__sim/kseries/locations/{blId}/sales/{accountFiscId}: changes a sale after the fact (generated or injected):
/// void lines, cancel, change covers, type or timeClosed. The payment follows what is now due.
/// </summary>
public sealed class KSaleEdit
{
    public bool? Cancelled { get; init; }
    public decimal? NbCovers { get; init; }
    public string? Type { get; init; }
    public DateTimeOffset? TimeClosed { get; init; }
    public List<KVoidLineInput> VoidLines { get; init; } = [];

    public KSale Apply(KSale sale, KLocation location)
    {
        foreach (var v in VoidLines)
        {
            var line = sale.Lines.FirstOrDefault(l => l.Id == v.LineId) ?? throw new ArgumentException($"No line {v.LineId} in {sale.AccountFiscId}.");
            line.VoidReason = v.VoidReason ?? "User Mistake";
        }
        if (Cancelled is { } cancelled) sale.Cancelled = cancelled;
        if (NbCovers is { } covers) sale.NbCovers = covers;
        if (Type is { } type) sale.Type = type;
        if (TimeClosed is { } closed) sale.TimeClosed = closed;
        var tip = sale.Payments.Sum(p => p.Tip);
        sale.Payments = sale.Cancelled || sale.Payments.Count == 0 ? [] : [KFixedSaleInput.OnePayment(sale, tip, 0, sale.Payments[0].Code)];
        return sale;
    }
}

public sealed class KVoidLineInput
{
    public string LineId { get; init; } = "";
    public string? VoidReason { get; init; }
}

public sealed class KFaultsInput
{
    /// <summary>The next N API requests of the location answer 429 with Retry-After: RetryAfterSeconds.</summary>
    public int RateLimitStorm { get; init; }
    public int RetryAfterSeconds { get; init; } = 1;
    /// <summary>The next N API requests answer 503 (HTML) and 500 (Spring JSON) in turn.</summary>
    public int ServerErrors { get; init; }
    /// <summary>The next N successful answers send half their body, then drop the connection.</summary>
    public int CutConnections { get; init; }
    /// <summary>The next N successful answers are 200 with a body that is not JSON.</summary>
    public int MalformedPages { get; init; }
    /// <summary>Every API request of the location waits this long before answering, until set back to 0.</summary>
    public int DelayMs { get; init; }
    /// <summary>Kills every token issued so far whose consent covers the location: API → 401, refresh → invalid_grant.</summary>
    public bool RevokeTokens { get; init; }
}

public sealed class KClientInput
{
    public string? ClientSecret { get; init; }
    public string? Generation { get; init; }
    public string? RedirectUri { get; init; }
    public List<long>? LocationIds { get; init; }
    public string? UserEmail { get; init; }
}
