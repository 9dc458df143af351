// What an import put into the weekly balance: each imported field's total over the job's departments, registers
// and days, added up exactly (the server sends decimal strings; money is never a double).
import { PosFieldType, type WeeklyBalanceField } from "../gen/pos/field_mapping/v1/field_mapping_service_pb";
import type { WeeklyBalance } from "../gen/pos/weekly_balance/v1/weekly_balance_service_pb";
import type { I18n } from "../i18n";

export interface IsoWeek {
  isoYear: number;
  isoWeek: number;
}

/** The ISO weeks that the dates "YYYY-MM-DD" from..until (inclusive) touch, in order. */
export function isoWeeksBetween(from: string, until: string): IsoWeek[] {
  const day = 86_400_000;
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${until}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return [];
  const weeks: IsoWeek[] = [];
  // From the Monday of the first week, one step a week; each week is named by its Thursday (ISO 8601).
  for (let monday = start - ((new Date(start).getUTCDay() + 6) % 7) * day; monday <= end; monday += 7 * day) {
    const thursday = new Date(monday + 3 * day);
    const isoYear = thursday.getUTCFullYear();
    const isoWeek = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / day / 7) + 1;
    weeks.push({ isoYear, isoWeek });
  }
  return weeks;
}

/** a + b for decimal strings ("1234.5" + "0.25" = "1234.75"), exact to any length. */
export function addDecimals(a: string, b: string): string {
  const [x, y] = [parseDecimal(a), parseDecimal(b)];
  const scale = Math.max(x.scale, y.scale);
  const sum = x.units * 10n ** BigInt(scale - x.scale) + y.units * 10n ** BigInt(scale - y.scale);
  const digits = (sum < 0n ? -sum : sum).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  return `${sum < 0n ? "-" : ""}${whole}${scale ? `.${digits.slice(-scale)}` : ""}`;
}

function parseDecimal(value: string): { units: bigint; scale: number } {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) throw new RangeError(`not a decimal: ${value}`);
  const fraction = match[3] ?? "";
  const units = BigInt(`${match[2] || "0"}${fraction}`);
  return { units: match[1] === "-" ? -units : units, scale: fraction.length };
}

/** One imported field's total over a range. */
export interface FieldTotal {
  fieldId: bigint;
  name: string;
  posFieldType: PosFieldType;
  /** Decimal string. */
  total: string;
}

/**
 * The totals of the imported (mapped) fields over the days from..until of the given weeks, in field-id order; a
 * field without a single value (e.g. visitors, which Lightspeed does not provide) is left out.
 */
export function importedTotals(weeks: WeeklyBalance[], fields: WeeklyBalanceField[], from: string, until: string): FieldTotal[] {
  const mapped = new Map(fields.filter((f) => f.posFieldType !== PosFieldType.UNSPECIFIED).map((f) => [f.fieldId, f]));
  const totals = new Map<bigint, FieldTotal>();
  for (const day of weeks.flatMap((w) => w.registers).flatMap((r) => r.days)) {
    // "YYYY-MM-DD" strings compare as dates.
    if (day.date < from || day.date > until) continue;
    for (const value of day.fields) {
      const field = mapped.get(value.fieldId);
      if (!field || !value.hasValue) continue;
      const total = totals.get(field.fieldId) ?? { fieldId: field.fieldId, name: field.name, posFieldType: field.posFieldType, total: "0" };
      total.total = addDecimals(total.total, value.value);
      totals.set(field.fieldId, total);
    }
  }
  return [...totals.values()].sort((a, b) => (a.fieldId < b.fieldId ? -1 : 1));
}

const moneyTypes = new Set([PosFieldType.GROSS_SALES, PosFieldType.NET_SALES, PosFieldType.DISCOUNTS, PosFieldType.RETURNS]);

/** A total as the user reads it: amounts as money in `currency` (1.234,50 kr.), counts as numbers (1.234). */
export function formatTotal(total: FieldTotal, currency: string, { f }: I18n): string {
  return moneyTypes.has(total.posFieldType) ? f.money(total.total, currency) : f.decimal(total.total);
}
