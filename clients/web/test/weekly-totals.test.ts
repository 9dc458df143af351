import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { addDecimals, formatTotal, importedTotals, isoWeeksBetween } from "../src/client";
import { PosFieldType, WeeklyBalanceFieldSchema } from "../src/gen/pos/field_mapping/v1/field_mapping_service_pb";
import { WeeklyBalanceSchema } from "../src/gen/pos/weekly_balance/v1/weekly_balance_service_pb";
import { createI18n } from "../src/i18n";

describe("what an import put into the weekly balance", () => {
  it("names the ISO weeks a range touches, across a year's end", () => {
    expect(isoWeeksBetween("2026-11-20", "2026-11-24")).toEqual([{ isoYear: 2026, isoWeek: 47 }, { isoYear: 2026, isoWeek: 48 }]);
    // 2026 has 53 weeks; 2027-01-04 is a Monday of week 1.
    expect(isoWeeksBetween("2026-12-31", "2027-01-04")).toEqual([{ isoYear: 2026, isoWeek: 53 }, { isoYear: 2027, isoWeek: 1 }]);
    expect(isoWeeksBetween("2027-01-01", "2027-01-01")).toEqual([{ isoYear: 2026, isoWeek: 53 }]);
    expect(isoWeeksBetween("2026-11-24", "2026-11-20")).toEqual([]);
  });

  it("adds decimal strings exactly", () => {
    expect(addDecimals("0.1", "0.2")).toBe("0.3");
    expect(addDecimals("1234.5", "0.25")).toBe("1234.75");
    expect(addDecimals("12345678901234567.89", "0.01")).toBe("12345678901234567.90");
    expect(addDecimals("-5.25", "2")).toBe("-3.25");
    expect(addDecimals("0", "-0.5")).toBe("-0.5");
  });

  it("totals each imported field over the job's days and registers, leaving out days outside and fields without a value", () => {
    const fields = [
      create(WeeklyBalanceFieldSchema, { fieldId: 5266n, name: "Gross sales", posFieldType: PosFieldType.GROSS_SALES }),
      create(WeeklyBalanceFieldSchema, { fieldId: 5267n, name: "Transactions", posFieldType: PosFieldType.TRANSACTIONS }),
      create(WeeklyBalanceFieldSchema, { fieldId: 5268n, name: "Visitors", posFieldType: PosFieldType.VISITORS }),
      create(WeeklyBalanceFieldSchema, { fieldId: 5300n, name: "Typed in", posFieldType: PosFieldType.UNSPECIFIED }),
    ];
    const day = (date: string, gross: string, transactions: string) => ({
      date,
      fields: [
        { fieldId: 5266n, hasValue: true, value: gross },
        { fieldId: 5267n, hasValue: true, value: transactions },
        { fieldId: 5268n, hasValue: false, value: "" },
        { fieldId: 5300n, hasValue: true, value: "99" },
      ],
    });
    const week = create(WeeklyBalanceSchema, { registers: [
      { registerNumber: 1, days: [day("2026-11-22", "1000.25", "10"), day("2026-11-23", "234.25", "3")] },
      { registerNumber: 2, days: [day("2026-11-23", "0.00", "0"), day("2026-11-29", "5000", "50")] },
    ] });

    const totals = importedTotals([week], fields, "2026-11-20", "2026-11-24");

    expect(totals.map((t) => [t.name, t.total])).toEqual([["Gross sales", "1234.50"], ["Transactions", "13"]]);
    expect(totals.map((t) => formatTotal(t, "DKK", createI18n("da-DK")).replace(/\u00a0/g, " "))).toEqual(["1.234,50 kr.", "13"]);
    expect(totals.map((t) => formatTotal(t, "DKK", createI18n("en-GB")).replace(/\u00a0/g, " "))).toEqual(["DKK 1,234.50", "13"]);
  });
});
