import { describe, expect, it } from "vitest";
import { chooseI18n, createI18n, languages, type Messages } from "../src/i18n";
import { createFormats } from "../src/i18n/format";
import html from "../index.html?raw";

/** Intl keeps a number and its unit together with no-break spaces; compared here as plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formats in the user's locale", () => {
  const da = createFormats("da-DK");
  const en = createFormats("en-GB");
  const us = createFormats("en-US");

  it("writes calendar dates without a time-zone shift", () => {
    expect(da.date("2026-11-24")).toBe("24.11.2026");
    expect(en.date("2026-11-24")).toBe("24/11/2026");
    expect(us.date("2026-11-24")).toBe("11/24/2026");
    expect(da.date("2026-01-01")).toBe("01.01.2026");
    expect(da.date("not a date")).toBe("not a date");
  });

  it("writes money exactly, from the server's decimal strings", () => {
    expect(plain(da.money("1234.5", "DKK"))).toBe("1.234,50 kr.");
    expect(plain(da.money("-0.5", "DKK"))).toBe("-0,50 kr.");
    expect(plain(en.money("1234.5", "DKK"))).toBe("DKK 1,234.50");
    expect(plain(da.money("1234.5", "EUR"))).toBe("1.234,50 €");
    // A double would make ...567,89 of this ...568,00.
    expect(plain(da.money("12345678901234567.89", "DKK"))).toBe("12.345.678.901.234.567,89 kr.");
    expect(da.decimal("1234.5")).toBe("1.234,5");
    expect(da.decimal("180")).toBe("180");
  });

  it("writes numbers, percentages, times, durations and lists", () => {
    expect(da.integer(1234567)).toBe("1.234.567");
    expect(en.integer(1234567n)).toBe("1,234,567");
    expect(plain(da.percent(40))).toBe("40 %");
    expect(plain(en.percent(40))).toBe("40%");
    const moment = new Date(2026, 10, 24, 14, 5, 9);
    expect(da.time(moment)).toBe("14.05");
    expect(en.time(moment)).toBe("14:05");
    expect(da.timeWithSeconds(moment)).toBe("14.05.09");
    expect(da.dateOf(moment)).toBe("24.11.2026");
    expect(plain(da.duration(14))).toBe("14 sek.");
    expect(plain(da.duration(185))).toBe("3 min. 5 sek.");
    expect(plain(en.duration(3725))).toBe("1 hr 2 mins");
    expect(plain(en.duration(300))).toBe("5 mins");
    expect(plain(da.duration(3600))).toBe("1 t.");
    expect(plain(da.list(["Besøgende", "Rabatter"]))).toBe("Besøgende og Rabatter");
  });
});

describe("choosing the language", () => {
  it("follows the browser: its first locale formats, its first language with a catalogue speaks", () => {
    expect(pick(null, ["da-DK", "en-GB"])).toEqual({ locale: "da-DK", language: "da" });
    expect(pick(null, ["en-US"])).toEqual({ locale: "en-US", language: "en" });
    // German numbers and dates, Danish texts (the first language the page has).
    expect(pick(null, ["de-DE", "da", "en"])).toEqual({ locale: "de-DE", language: "da" });
    expect(pick(null, ["fr-FR"])).toEqual({ locale: "fr-FR", language: "en" });
    expect(pick(null, [])).toEqual({ locale: "en", language: "en" });
  });

  it("takes ?lang= over the browser, for texts and formats both; ignores one that is no locale", () => {
    expect(pick("da", ["en-US"])).toEqual({ locale: "da", language: "da" });
    expect(pick("en-GB", ["da-DK"])).toEqual({ locale: "en-GB", language: "en" });
    expect(pick("DA-dk", ["en-US"])).toEqual({ locale: "da-DK", language: "da" });
    expect(pick("no such locale!", ["da-DK"])).toEqual({ locale: "da-DK", language: "da" });
  });

  function pick(choice: string | null, browser: string[]) {
    const i18n = chooseI18n(choice, browser);
    return { locale: i18n.f.locale, language: i18n.language };
  }
});

describe("the message catalogue", () => {
  const english = createI18n("en-GB").t;
  const danish = createI18n("da-DK").t;

  it("has every text in every language, none empty", () => {
    for (const language of languages) {
      const t = createI18n(language).t;
      for (const key of Object.keys(english) as (keyof Messages)[]) {
        expect(typeof t[key], `${language}.${key}`).toBe(typeof english[key]);
        if (typeof t[key] === "string") expect(t[key], `${language}.${key}`).not.toBe("");
        if (typeof t[key] === "object") expect(Object.keys(t[key]).sort(), `${language}.${key}`).toEqual(Object.keys(english[key]).sort());
      }
    }
  });

  it("is translated: the Danish texts differ from the English ones, but for words both languages share", () => {
    const same = (Object.keys(english) as (keyof Messages)[]).filter((key) => typeof english[key] === "string" && english[key] === danish[key]);
    expect(same).toEqual(["startImport", "tableProblem", "job"]);
  });

  it("has every text the page names in index.html", () => {
    const keys = [...html.matchAll(/data-i18n(?:-placeholder)?="(\w+)"/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) expect(typeof english[key as keyof Messages], key).toBe("string");
  });

  it("says how the last night went against the confirm time, and what the health view checked", () => {
    expect(english.lastNight("30/11/2026", "Done", "02:41", "05:00", true)).toBe("Last night (30/11/2026): done at 02:41, before the confirm time 05:00.");
    expect(danish.lastNight("30.11.2026", "Kører", undefined, "05.00", false)).toBe("Sidste nat (30.11.2026): kører, efter godkendelsestidspunktet 05.00.");
    expect(english.windowChecked(1)).toBe("Checked: the last 1 day up to yesterday.");
    expect(danish.windowChecked(7)).toBe("Kontrolleret: de seneste 7 dage til og med i går.");
    expect(danish.registerLastDay(2, "12", undefined)).toBe("Kasse 2 (Lightspeed 12): ingen tal i de kontrollerede dage");
  });

  it("counts in each language's plural", () => {
    expect(english.departmentMeta("10", "120645", 1)).toBe("#10 · Lightspeed 120645 · 1 register");
    expect(danish.departmentMeta("10", "120645", 2)).toBe("#10 · Lightspeed 120645 · 2 kasser");
    expect(plain(createI18n("da-DK").t.outcomeAllImported(1, 1234))).toBe("Alle 1 afdelingsdag er importeret: 1.234 værdier skrevet i ugebalancen.");
  });
});
