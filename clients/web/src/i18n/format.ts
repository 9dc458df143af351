// Dates, times and numbers in the user's locale, with the Intl APIs (da-DK: "24.11.2026", "14.05", "1.234,50 kr.").
// Money and other decimal strings from the server are formatted as strings, exactly: never through a double.

/** The formatters of one locale. */
export interface Formats {
  /** The BCP 47 locale they format for, e.g. "da-DK". */
  readonly locale: string;
  /** A whole number: 12.345 (da), 12,345 (en). */
  integer(value: number | bigint): string;
  /** A decimal string as sent by the server ("1234.5"), exactly, with up to three decimals: 1.234,5. */
  decimal(value: string): string;
  /** A decimal string as an amount of money in the ISO 4217 currency: 1.234,50 kr. */
  money(value: string, currency: string): string;
  /** A whole percentage, 0-100: 40 % (da), 40% (en). */
  percent(value: number): string;
  /** A calendar date "YYYY-MM-DD" (no time zone involved): 24.11.2026 (da), 24/11/2026 (en-GB). */
  date(isoDate: string): string;
  /** The local calendar date of a moment. */
  dateOf(moment: Date): string;
  /** The local clock time of a moment, to the minute: 14.05 (da), 14:05 (en-GB). */
  time(moment: Date): string;
  /** The local clock time of a moment, to the second: 14.05.09 (da). */
  timeWithSeconds(moment: Date): string;
  /** A length of time in at most two units, a zero second one left out: 14 sek., 3 min. 5 sek., 1 t. 2 min., 5 min. */
  duration(seconds: number): string;
  /** "a, b and c" (en), "a, b og c" (da). */
  list(items: string[]): string;
}

export function createFormats(locale: string): Formats {
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  const calendarDate = new Intl.DateTimeFormat(locale, { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" });
  const localDate = new Intl.DateTimeFormat(locale, { year: "numeric", month: "2-digit", day: "2-digit" });
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
  const timeWithSeconds = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const unit = (name: "hour" | "minute" | "second") => new Intl.NumberFormat(locale, { style: "unit", unit: name, unitDisplay: "short" });
  const hours = unit("hour"), minutes = unit("minute"), seconds = unit("second");
  const list = new Intl.ListFormat(locale, { type: "conjunction" });
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  return {
    locale,
    integer: (value) => integer.format(value),
    decimal: (value) => decimal.format(exact(value)),
    money(value, currency) {
      let format = moneyFormats.get(currency);
      if (!format) moneyFormats.set(currency, format = new Intl.NumberFormat(locale, { style: "currency", currency }));
      return format.format(exact(value));
    },
    percent: (value) => percent.format(value / 100),
    date(isoDate) {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
      return match ? calendarDate.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))) : isoDate;
    },
    dateOf: (moment) => localDate.format(moment),
    time: (moment) => time.format(moment),
    timeWithSeconds: (moment) => timeWithSeconds.format(moment),
    duration(total) {
      const s = Math.max(0, Math.round(total));
      if (s < 60) return seconds.format(s);
      const [big, small] = s < 3600
        ? [minutes.format(Math.floor(s / 60)), s % 60 ? seconds.format(s % 60) : ""]
        : [hours.format(Math.floor(s / 3600)), Math.floor((s % 3600) / 60) ? minutes.format(Math.floor((s % 3600) / 60)) : ""];
      return small ? `${big} ${small}` : big;
    },
    list: (items) => list.format(items),
  };
}

/** Intl.NumberFormat formats a numeric string exactly (ES2023), where a number would round "12345678901234567.89" to a double first. */
function exact(value: string): Intl.StringNumericLiteral {
  return value.trim() as Intl.StringNumericLiteral;
}
