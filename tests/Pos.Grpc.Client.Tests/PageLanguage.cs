using System.Globalization;
using System.Text.Json;

namespace Pos.Grpc.Client.Tests;

/// <summary>
/// A locale the Import POS page is tested in: what the browser is set to, and how the page must then write
/// numbers, dates and money (from Chromium's Intl, so spelled out here rather than taken from .NET's cultures),
/// and the texts the tests look for.
/// </summary>
public sealed record PageLanguage(
    string Locale, string Language, string DatePattern, NumberFormatInfo Numbers, Func<string, string> Money,
    PageTexts Texts)
{
    public static readonly PageLanguage English = new("en-GB", "en", "dd/MM/yyyy", Separators(",", "."), amount => $"DKK {amount}", new(
        NotStarted: "Not started", Running: "Running", Done: "Done", Active: "Active", ActivatedBy: "Activated by",
        Registers: "Lightspeed {0} · {1} registers", Range: "{0} to {1} · overwriting approved numbers",
        AllImported: "All {0} department-days imported: {1} values written into the weekly balance.",
        DepartmentDone: "Done", VisitorsNotProvided: "Not provided by Lightspeed, left alone: Visitors.", Requests: "{0} requests to Lightspeed",
        Refused: "Some of the entries need fixing.", DepartmentsLabel: "Departments",
        BusinessLocations: "Business locations: {0}", Skipped: "Read but not counted, by Lightspeed's type: {0}.", And: "and"));

    public static readonly PageLanguage Danish = new("da-DK", "da", "dd.MM.yyyy", Separators(".", ","), amount => $"{amount} kr.", new(
        NotStarted: "Ikke startet", Running: "Kører", Done: "Færdig", Active: "Aktiv", ActivatedBy: "Aktiveret af",
        Registers: "Lightspeed {0} · {1} kasser", Range: "{0} til {1} · overskriver godkendte tal",
        AllImported: "Alle {0} afdelingsdage er importeret: {1} værdier skrevet i ugebalancen.",
        DepartmentDone: "Færdig", VisitorsNotProvided: "Leveres ikke af Lightspeed, ikke rørt: Besøgende.", Requests: "{0} forespørgsler til Lightspeed",
        Refused: "Nogle af felterne skal rettes.", DepartmentsLabel: "Afdelinger",
        BusinessLocations: "Lokationer: {0}", Skipped: "Læst, men ikke talt med, efter Lightspeeds type: {0}.", And: "og"));

    public static PageLanguage Of(string locale) => locale == Danish.Locale ? Danish : locale == English.Locale ? English : throw new ArgumentOutOfRangeException(nameof(locale));

    public string Date(DateOnly date) => date.ToString(DatePattern, CultureInfo.InvariantCulture);

    public string Integer(long value) => value.ToString("#,##0", Numbers);

    /// <summary>A count from the weekly balance: up to three decimals, as the page writes decimal strings.</summary>
    public string Decimal(decimal value) => value.ToString("#,##0.###", Numbers);

    public string Amount(decimal value) => Money(value.ToString("#,##0.00", Numbers));

    /// <summary>"a, b and c" (Intl.ListFormat's conjunction in en-GB and da-DK alike, with the language's "and").</summary>
    public string List(IReadOnlyList<string> items) =>
        items.Count < 2 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} {Texts.And} {items[^1]}";

    private static NumberFormatInfo Separators(string group, string decimalSeparator) =>
        new() { NumberGroupSeparator = group, NumberDecimalSeparator = decimalSeparator };
}

/// <summary>The page's texts the tests look for, in one language ({0}, {1}: formatted numbers, dates or names).</summary>
public sealed record PageTexts(
    string NotStarted, string Running, string Done, string Active, string ActivatedBy, string Registers, string Range,
    string AllImported, string DepartmentDone, string VisitorsNotProvided, string Requests, string Refused, string DepartmentsLabel,
    string BusinessLocations, string Skipped, string And);

/// <summary>axe's findings as the e2e scripts report them (clients/web/e2e/browser.mjs).</summary>
public static class AxeResults
{
    /// <summary>Asserts that axe checked something and found nothing serious or critical; the message lists what it found.</summary>
    public static void AssertNoSeriousViolations(JsonElement results, string when)
    {
        Assert.True(results.GetProperty("passes").GetInt32() > 10, $"axe checked next to nothing {when}: {results}");
        var serious = results.GetProperty("violations").EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => v.ToString())
            .ToList();
        Assert.True(serious.Count == 0, $"axe {when}: {string.Join("\n", serious)}");
    }
}
