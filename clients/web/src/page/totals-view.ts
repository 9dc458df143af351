// After an import: each imported field's total over the job's days, as GetWeeklyBalance has it now, so the
// supervisor sees the numbers arrived (amounts as money in the user's locale: 1.234,50 kr.).
import { describeError, formatTotal, importedTotals, isoWeeksBetween } from "../client";
import type { WeeklyBalanceField } from "../gen/pos/field_mapping/v1/field_mapping_service_pb";
import type { ImportJob } from "../gen/pos/imports/v1/import_service_pb";
import type { WeeklyBalance } from "../gen/pos/weekly_balance/v1/weekly_balance_service_pb";
import { clientId, type PageContext } from "./context";
import { $, el } from "./dom";

/** Reading more weeks than this (departments x ISO weeks) for one summary is not worth the calls: it is left out. */
const maxWeeksRead = 60;

export async function showImportedTotals(job: ImportJob, page: PageContext) {
  const { t, f } = page.i18n;
  const weeks = isoWeeksBetween(job.fromDate, job.untilDate);
  if (weeks.length * job.departmentIds.length > maxWeeksRead) return;
  const box = $("totals");
  const title = el("h3", {}, t.totalsTitle(f.date(job.fromDate), f.date(job.untilDate)));
  try {
    const fields: WeeklyBalanceField[] = [];
    let pageToken = "";
    do {
      const response = await page.clients.fieldMapping.listWeeklyBalanceFields({ clientId: clientId(page), pageSize: 1000, pageToken });
      fields.push(...response.fields);
      pageToken = response.nextPageToken;
    } while (pageToken);
    const balances: WeeklyBalance[] = [];
    for (const departmentId of job.departmentIds) {
      for (const week of weeks) {
        const response = await page.clients.weeklyBalance.getWeeklyBalance({ departmentId, ...week });
        if (response.weeklyBalance) balances.push(response.weeklyBalance);
      }
    }
    const totals = importedTotals(balances, fields, job.fromDate, job.untilDate);
    if (totals.length === 0) return;
    box.replaceChildren(title, el("dl", { class: "totals-list" }, ...totals.map((total) =>
      el("div", { "data-field-id": String(total.fieldId) }, el("dt", {}, total.name), el("dd", {}, formatTotal(total, page.settings.currency, page.i18n))))));
  } catch (error) {
    box.replaceChildren(title, el("p", { class: "note" }, t.totalsUnavailable(describeError(error, page.i18n).summary)));
  }
}
