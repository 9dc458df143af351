using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pos.Grpc.LightspeedSimulator.Domain;

namespace Pos.Grpc.LightspeedSimulator.Api;

/// <summary>
/// Lightspeed's JSON, byte for byte in spirit: every scalar a string, minimal number format ("0", "90",
/// "0.0825"), UTC timestamps with "+00:00", "0" for empty foreign keys, and one record → object,
/// several → array, none → key omitted (nested SaleLines.SaleLine too).
/// </summary>
public static class WireJson
{
    // The default encoder would write '+' as \u002B; Lightspeed writes timestamps plainly.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Num(decimal d) => d == 0 ? "0" : d.ToString("0.############################", CultureInfo.InvariantCulture);

    public static string Num(double d) => d == 0 ? "0" : d.ToString("0.############", CultureInfo.InvariantCulture);

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset t) =>
        t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+00:00";

    public static string Bool(bool b) => b ? "true" : "false";

    /// <summary>Writes a document with the given writer callback and returns its UTF-8 bytes.</summary>
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

    public static void Attributes(Utf8JsonWriter w, string next, string previous)
    {
        w.WriteStartObject("@attributes");
        w.WriteString("next", next);
        w.WriteString("previous", previous);
        w.WriteEndObject();
    }

    public static void Count(Utf8JsonWriter w, long count)
    {
        w.WriteStartObject("@attributes");
        w.WriteString("count", Id(count));
        w.WriteEndObject();
    }

    /// <summary>The one-or-many quirk: nothing for none, an object for one, an array for several.</summary>
    public static void OneOrMany<T>(Utf8JsonWriter w, string key, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write)
    {
        if (items.Count == 0) return;
        w.WritePropertyName(key);
        if (items.Count == 1)
        {
            write(w, items[0]);
            return;
        }
        w.WriteStartArray();
        foreach (var item in items) write(w, item);
        w.WriteEndArray();
    }

    public static void Shop(Utf8JsonWriter w, SimShop s)
    {
        w.WriteStartObject();
        w.WriteString("shopID", Id(s.ShopId));
        w.WriteString("name", s.Name);
        w.WriteString("serviceRate", "0");
        w.WriteString("timeZone", s.TimeZone);
        w.WriteString("taxLabor", "false");
        w.WriteString("labelTitle", "Shop Name");
        w.WriteString("labelMsrp", "false");
        w.WriteString("archived", Bool(s.Archived));
        w.WriteString("timeStamp", "2021-03-03T15:53:45+00:00");
        w.WriteString("companyRegistrationNumber", "");
        w.WriteString("vatNumber", "");
        w.WriteString("zebraBrowserPrint", "false");
        w.WriteString("contactID", Id(s.ShopId + 1));
        w.WriteString("taxCategoryID", "1");
        w.WriteString("receiptSetupID", "1");
        w.WriteString("ccGatewayID", "0");
        w.WriteString("gatewayConfigID", "0");
        w.WriteString("priceLevelID", "1");
        w.WriteEndObject();
    }

    public static void Register(Utf8JsonWriter w, (SimShop Shop, SimRegister Register) x)
    {
        w.WriteStartObject();
        w.WriteString("registerID", Id(x.Register.RegisterId));
        w.WriteString("name", x.Register.Name);
        w.WriteString("open", Bool(!x.Register.Archived));
        w.WriteString("openTime", "2021-04-06T14:34:28+00:00");
        w.WriteString("archived", Bool(x.Register.Archived));
        w.WriteString("tipEnabled", "false");
        w.WriteString("openEmployeeID", x.Register.Archived ? "0" : "1");
        w.WriteString("shopID", Id(x.Shop.ShopId));
        w.WriteString("ccTerminalID", "0");
        w.WriteEndObject();
    }

    public static void Sale(Utf8JsonWriter w, SimSale s, bool withLines, string updateTimeName)
    {
        var completeTime = s.CompleteTime is { } ct ? Time(ct) : "";
        var taxTotal = s.CalcTax1 + s.CalcTax2;
        w.WriteStartObject();
        w.WriteString("saleID", Id(s.SaleId));
        w.WriteString("timeStamp", Time(s.TimeStamp));
        w.WriteString("discountPercent", Num(s.DiscountPercent));
        w.WriteString("completed", Bool(s.Completed));
        w.WriteString("archived", Bool(s.Archived));
        w.WriteString("voided", Bool(s.Voided));
        w.WriteString("enablePromotions", "true");
        w.WriteString("isTaxInclusive", "false");
        w.WriteString("createTime", Time(s.CreateTime));
        w.WriteString(updateTimeName, Time(s.TimeStamp));
        w.WriteString("completeTime", completeTime);
        w.WriteString("referenceNumber", "");
        w.WriteString("referenceNumberSource", "");
        w.WriteString("tax1Rate", Num(s.Tax1Rate));
        w.WriteString("tax2Rate", Num(s.Tax2Rate));
        w.WriteString("change", "0");
        w.WriteString("tipEnabled", "false");
        w.WriteString("receiptPreference", "printed");
        w.WriteString("displayableSubtotal", Num(s.CalcSubtotal - s.CalcDiscount));
        w.WriteString("ticketNumber", "22" + Id(s.SaleId).PadLeft(10, '0'));
        w.WriteString("calcDiscount", Num(s.CalcDiscount));
        w.WriteString("calcTotal", Num(s.CalcTotal));
        w.WriteString("calcSubtotal", Num(s.CalcSubtotal));
        w.WriteString("calcTaxable", Num(s.CalcTaxable));
        w.WriteString("calcNonTaxable", Num(s.CalcNonTaxable));
        w.WriteString("calcAvgCost", Num(s.CalcAvgCost));
        w.WriteString("calcFIFOCost", Num(s.CalcAvgCost));
        w.WriteString("calcTax1", Num(s.CalcTax1));
        w.WriteString("calcTax2", Num(s.CalcTax2));
        w.WriteString("calcPayments", Num(s.CalcPayments));
        w.WriteString("calcTips", "0");
        w.WriteString("total", Num(s.CalcTotal));
        w.WriteString("totalDue", Num(s.CalcTotal));
        w.WriteString("displayableTotal", Num(s.CalcTotal));
        w.WriteString("balance", Num(s.CalcTotal - s.CalcPayments));
        w.WriteString("customerID", Id(s.CustomerId));
        w.WriteString("discountID", "0");
        w.WriteString("employeeID", Id(s.EmployeeId));
        w.WriteString("tipEmployeeID", "0");
        w.WriteString("quoteID", "0");
        w.WriteString("registerID", Id(s.RegisterId));
        w.WriteString("shipToID", "0");
        w.WriteString("shopID", Id(s.ShopId));
        w.WriteString("taxCategoryID", "1");
        w.WriteString("taxTotal", Num(taxTotal));
        if (withLines && s.Lines.Count > 0)
        {
            w.WriteStartObject("SaleLines");
            OneOrMany(w, "SaleLine", s.Lines, (lw, line) => SaleLine(lw, s, line));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void SaleLine(Utf8JsonWriter w, SimSale s, SimSaleLine l)
    {
        w.WriteStartObject();
        w.WriteString("saleLineID", Id(l.SaleLineId));
        w.WriteString("createTime", Time(s.CreateTime));
        w.WriteString("timeStamp", Time(s.TimeStamp));
        w.WriteString("unitQuantity", Id(l.UnitQuantity));
        w.WriteString("unitPrice", Num(l.UnitPrice));
        w.WriteString("normalUnitPrice", "0");
        w.WriteString("discountAmount", Num(l.DiscountAmount));
        w.WriteString("discountPercent", Num(l.DiscountPercent));
        w.WriteString("avgCost", Num(l.AvgCost));
        w.WriteString("fifoCost", Num(l.AvgCost));
        w.WriteString("tax", Bool(l.Tax));
        w.WriteString("tax1Rate", Num(s.Tax1Rate));
        w.WriteString("tax2Rate", Num(s.Tax2Rate));
        w.WriteString("isLayaway", "false");
        w.WriteString("isWorkorder", "false");
        w.WriteString("isSpecialOrder", "false");
        w.WriteString("displayableSubtotal", Num(l.DisplayableSubtotal));
        w.WriteString("displayableUnitPrice", Num(l.UnitPrice));
        w.WriteString("calcLineDiscount", Num(l.CalcLineDiscount));
        w.WriteString("calcTransactionDiscount", Num(l.CalcTransactionDiscount));
        w.WriteString("calcTotal", Num(l.CalcTotal));
        w.WriteString("calcSubtotal", Num(l.CalcSubtotal));
        w.WriteString("calcTax1", Num(l.CalcTax1));
        w.WriteString("calcTax2", Num(l.CalcTax2));
        w.WriteString("taxClassID", l.Tax ? "1" : "0");
        w.WriteString("customerID", Id(s.CustomerId));
        w.WriteString("discountID", Id(l.DiscountId));
        w.WriteString("employeeID", Id(s.EmployeeId));
        w.WriteString("itemID", Id(l.ItemId));
        w.WriteString("noteID", "0");
        w.WriteString("parentSaleLineID", Id(l.ParentSaleLineId));
        w.WriteString("shopID", Id(s.ShopId));
        w.WriteString("taxCategoryID", "1");
        w.WriteString("saleID", Id(s.SaleId));
        w.WriteEndObject();
    }

    /// <summary>The httpCode error envelope (all strings).</summary>
    public static byte[] Envelope(int status, string reason, string message, string errorClass = "Exception") =>
        Build(w =>
        {
            w.WriteString("httpCode", Id(status));
            w.WriteString("httpMessage", reason);
            w.WriteString("message", message);
            w.WriteString("errorClass", errorClass);
        });
}
