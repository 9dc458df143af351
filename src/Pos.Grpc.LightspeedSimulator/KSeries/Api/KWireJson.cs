using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pos.Grpc.LightspeedSimulator.KSeries.Domain;

namespace Pos.Grpc.LightspeedSimulator.KSeries.Api;

/// <summary>Which spelling of the sale's fields to write: Financial V2, or V1 financials with their own names and local offsets.</summary>
public sealed record SaleSpelling(bool V1, string V1CloseFieldName, TimeZoneInfo Zone)
{
    public static SaleSpelling V2(TimeZoneInfo zone) => new(false, "", zone);
}

/// <summary>
/// K-Series JSON: money and quantities as strings with fixed decimals ("11.00", "8.800000", "1.000"), ids as JSON
/// numbers except the payment's deviceId (a string), nbCovers as a number with a decimal ("2.0"), V2 timestamps in
/// UTC with milliseconds and "Z", V1 ones with the location's local offset.
/// </summary>
public static class KWireJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Line amounts: at least two decimals, up to six.</summary>
    public static string Amount(decimal d) => d.ToString("0.00####", CultureInfo.InvariantCulture);

    public static string Cents(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Quantity(decimal d) => d.ToString("0.000", CultureInfo.InvariantCulture);

    public static string UtcTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string LocalTime(DateTimeOffset t, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary>A business-day boundary: local, whole seconds, offset ("2023-07-28T05:30:00-05:00").</summary>
    public static string DayBoundary(DateTimeOffset t, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static byte[] Build(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>/f/data/businesses in HAL shape; the self link keeps the documentation's triple slash.</summary>
    public static byte[] Businesses(IEnumerable<KLocation> locations, string locationIdField) => Build(w =>
    {
        w.WriteStartObject("_embedded");
        w.WriteStartArray("businessList");
        foreach (var business in locations.GroupBy(l => l.BusinessId).OrderBy(g => g.Key))
        {
            var first = business.First();
            w.WriteStartObject();
            w.WriteString("businessName", first.BusinessName);
            w.WriteNumber("businessId", business.Key);
            w.WriteString("currencyCode", first.CurrencyCode);
            w.WriteStartArray("businessLocations");
            foreach (var l in business)
            {
                w.WriteStartObject();
                w.WriteString("blName", l.Name);
                w.WriteNumber(locationIdField, l.BusinessLocationId);
                w.WriteString("country", l.Country);
                w.WriteString("timezone", l.TimeZone);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("_links");
        w.WriteStartObject("self");
        w.WriteString("href", "https:///api.ikentoo.com/data/businesses");
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static void Sales(Utf8JsonWriter w, IEnumerable<KSale> sales, bool includePayments, SaleSpelling spelling)
    {
        w.WriteStartArray("sales");
        foreach (var sale in sales) Sale(w, sale, includePayments, spelling);
        w.WriteEndArray();
    }

    public static void Sale(Utf8JsonWriter w, KSale s, bool includePayments, SaleSpelling spelling)
    {
        string Time(DateTimeOffset t) => spelling.V1 ? LocalTime(t, spelling.Zone) : UtcTime(t);
        var close = spelling.V1CloseFieldName;
        // V1 spells the other time fields the same way as its close field (timeof... or timeOf...).
        var v1Prefix = close.StartsWith("timeof", StringComparison.Ordinal) ? "timeof" : "timeOf";
        w.WriteStartObject();
        w.WriteString("accountReference", s.AccountReference);
        w.WriteString("accountFiscId", s.AccountFiscId);
        w.WriteString("receiptId", s.ReceiptId);
        w.WriteStartObject("source");
        if (s.InitialAccountId is not null) w.WriteString("initialAccountId", s.InitialAccountId);
        if (s.PreviousAccountId is not null) w.WriteString("previousAccountId", s.PreviousAccountId);
        w.WriteEndObject();
        w.WriteStartArray("salesLines");
        foreach (var line in s.Lines) Line(w, line, Time, spelling.V1 ? v1Prefix + "Sale" : "timeOfSale");
        w.WriteEndArray();
        if (includePayments)
        {
            w.WriteStartArray("payments");
            foreach (var p in s.Payments) Payment(w, p, Time);
            w.WriteEndArray();
        }
        w.WriteString(spelling.V1 ? v1Prefix + "Opening" : "timeOfOpening", Time(s.TimeOfOpening));
        w.WriteString(spelling.V1 ? close : "timeClosed", Time(s.TimeClosed));
        w.WriteBoolean("cancelled", s.Cancelled);
        w.WriteString("externalFiscalNumber", "");
        w.WriteString("tableNumber", s.TableNumber);
        w.WriteString("tableName", s.TableNumber == "" ? "Bar" : $"Dining Room, Table {s.TableNumber}");
        w.WriteString("ownerName", s.StaffName);
        w.WriteNumber("ownerId", s.StaffId);
        w.WriteString("type", s.Type);
        w.WritePropertyName("nbCovers");
        w.WriteRawValue(s.NbCovers.ToString("0.0##", CultureInfo.InvariantCulture));
        w.WriteBoolean("dineIn", s.DineIn);
        w.WriteNumber("deviceId", s.Device.DeviceId);
        w.WriteString("deviceName", s.Device.Name);
        w.WriteEndObject();
    }

    private static void Line(Utf8JsonWriter w, KLine l, Func<DateTimeOffset, string> time, string timeOfSaleField)
    {
        w.WriteStartObject();
        w.WriteString("id", l.Id);
        if (l.ParentLineId is not null) w.WriteString("parentLineId", l.ParentLineId);
        w.WriteString("totalNetAmountWithTax", Amount(l.TotalNetAmountWithTax));
        w.WriteString("totalNetAmountWithoutTax", Amount(l.TotalNetAmountWithoutTax));
        w.WriteString("menuListPrice", Amount(l.Item.UnitPrice));
        w.WriteString("unitCostPrice", Amount(Math.Round(l.Item.UnitPrice * 0.3m, 2)));
        w.WriteString("serviceCharge", Amount(l.ServiceCharge));
        w.WriteString("serviceChargeType", l.ServiceChargeRate > 0 ? "UNTAXED" : "NO_SERVICE_CHARGE");
        w.WriteString("serviceChargeRate", Cents(l.ServiceChargeRate * 100));
        w.WriteString("discountAmount", Amount(l.DiscountAmount));
        w.WriteString("taxCode", $"VAT{l.TaxRate * 100:0}");
        w.WriteString("taxAmount", Amount(l.TaxAmount));
        w.WriteString("taxRatePercentage", Cents(l.TaxRate * 100));
        w.WriteStartArray("taxLines");
        w.WriteStartObject();
        w.WriteString("taxId", "41910290874374");
        w.WriteString("taxCode", $"VAT{l.TaxRate * 100:0}");
        w.WriteString("taxRate", (1 + l.TaxRate).ToString("0.0###", CultureInfo.InvariantCulture));
        w.WriteString("taxAmount", Amount(l.TaxAmount));
        w.WriteBoolean("taxIncluded", l.TaxIncluded);
        w.WriteEndObject();
        w.WriteEndArray();
        if (l.DiscountAmount != 0) w.WriteString("discountType", "DISCOUNT");
        w.WriteString("accountDiscountAmount", Amount(l.AccountDiscountAmount));
        if (l.AccountDiscountAmount != 0)
        {
            w.WriteString("accountDiscountCode", "Staff 20%");
            w.WriteString("accountDiscountName", "Staff Discount");
        }
        w.WriteString("totalDiscountAmount", Amount(l.TotalDiscountAmount));
        w.WriteString("sku", l.Item.Sku);
        w.WriteString("name", l.Item.Name);
        w.WriteString("quantity", Quantity(l.Quantity));
        w.WriteStartObject("accountingGroup");
        w.WriteNumber("accountingGroupId", l.Item.AccountingGroupId);
        w.WriteString("name", l.Item.AccountingGroup);
        w.WriteEndObject();
        w.WriteString(timeOfSaleField, time(l.TimeOfSale));
        w.WriteNumber("deviceId", l.Device.DeviceId);
        w.WriteString("deviceName", l.Device.Name);
        w.WriteString("revenueCenter", "Fixed POS");
        w.WriteNumber("revenueCenterId", 141948669132822);
        if (l.VoidReason is not null) w.WriteString("voidReason", l.VoidReason);
        w.WriteEndObject();
    }

    private static void Payment(Utf8JsonWriter w, KPayment p, Func<DateTimeOffset, string> time)
    {
        w.WriteStartObject();
        w.WriteString("code", p.Code);
        w.WriteString("description", p.Description);
        w.WriteNumber("paymentMethodId", p.PaymentMethodId);
        w.WriteString("netAmountWithTax", Cents(p.NetAmountWithTax));
        w.WriteString("currency", "DKK");
        w.WriteString("tip", Cents(p.Tip));
        w.WriteString("type", "NORMAL");
        w.WriteString("deviceId", p.Device.DeviceId.ToString(CultureInfo.InvariantCulture));
        w.WriteString("deviceName", p.Device.Name);
        w.WriteString("revenueCenter", "Fixed POS");
        w.WriteNumber("revenueCenterId", 141948669132822);
        w.WriteString("fiscId", p.FiscId);
        w.WriteString("fiscDate", time(p.FiscDate));
        w.WriteString("surcharge", Cents(p.Surcharge));
        if (p.RoundingAmount != 0) w.WriteString("roundingAmount", Cents(p.RoundingAmount));
        w.WriteEndObject();
    }
}
