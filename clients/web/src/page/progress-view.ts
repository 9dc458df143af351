// The progress panel of one job: bar, range and ETA, outcome, counts, departments, problems, times, job id.
// Drawn anew on every update; it is no live region (the announcer says the summary).
import {
  departmentStateLabel, formatEta, jobBadge, jobTimes, outcomeSentence, percentDone, posFieldTypeLabel, posTraffic, progressCounts,
  skippedSalesText,
} from "../client";
import type { ImportJob } from "../gen/pos/imports/v1/import_service_pb";
import { departmentName, type PageContext } from "./context";
import { el, serverText } from "./dom";

export function progressNodes(job: ImportJob, page: PageContext): HTMLElement[] {
  const { i18n } = page;
  const { t, f } = i18n;
  const badge = jobBadge(job, i18n);
  const progress = job.progress;
  const percent = percentDone(progress);
  const bar = el("div", {
    class: `bar ${badge.tone}`, role: "progressbar", "aria-label": t.barLabel,
    "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(percent), "aria-valuetext": f.percent(percent),
  }, el("div", { class: "bar-fill", style: `width: ${percent}%` }));
  const eta = formatEta(job, i18n);
  const outcome = outcomeSentence(job, i18n);
  const rows = (progress?.departments ?? []).map((d) => {
    const state = departmentStateLabel(d.state, i18n);
    return el("tr", { "data-department-id": String(d.departmentId) },
      el("td", {}, departmentName(page, d.departmentId)),
      el("td", {}, el("span", { class: `pill ${state.tone}` }, state.label)),
      el("td", { class: "num" }, `${f.integer(d.daysDone)} / ${f.integer(d.daysTotal)}`),
      el("td", { class: "error-text" }, ...(d.error ? [serverText(d.error, i18n)] : [])));
  });
  const errors = progress?.errors ?? [];
  const counts = progressCounts(progress, i18n);
  const countItem = (c: (typeof counts)[number]) => el("div", { "data-count": c.key }, el("dt", {}, c.label), el("dd", {}, c.value));
  const notProvided = progress?.notProvidedFieldTypes ?? [];
  const skipped = skippedSalesText(progress, i18n);
  return [
    el("div", { class: "bar-line" }, bar, el("span", { class: "percent", "aria-hidden": "true" }, f.percent(percent))),
    el("p", { class: "job-summary muted" },
      [t.jobRange(f.date(job.fromDate), f.date(job.untilDate), job.overwriteApproved), eta].filter(Boolean).join(" · ")),
    ...(outcome ? [el("p", { class: `outcome ${badge.tone}` }, outcome)] : []),
    // The three numbers that say how far it got, then the approved-numbers bookkeeping, smaller.
    el("dl", { class: "counts" }, ...counts.slice(0, 3).map(countItem)),
    el("dl", { class: "counts minor" }, ...counts.slice(3).map(countItem)),
    ...(rows.length ? [el("table", { class: "departments-table" },
      el("thead", {}, el("tr", {},
        el("th", { scope: "col" }, t.tableDepartment), el("th", { scope: "col" }, t.tableState),
        el("th", { scope: "col", class: "num" }, t.tableDays), el("th", { scope: "col" }, t.tableProblem))),
      el("tbody", {}, ...rows))] : []),
    ...(errors.length ? [el("div", { class: "alert error problems" }, el("strong", {}, t.problems),
      ...errors.map((e) => el("p", {},
        e.departmentId ? `${departmentName(page, e.departmentId)}${e.date ? `, ${f.date(e.date)}` : ""}: ` : "", serverText(e.message, i18n))))] : []),
    ...(notProvided.length ? [el("p", { class: "note" },
      t.notProvided(f.list(notProvided.map((n) => posFieldTypeLabel(n, i18n)))))] : []),
    ...(skipped ? [el("p", { class: "note skipped-sales" }, skipped)] : []),
    el("p", { class: "job-meta" }, [jobTimes(job, i18n), posTraffic(progress, i18n)].filter(Boolean).join(" · ")),
    el("p", { class: "job-meta" }, `${t.job} `, el("code", { "data-job-id": job.jobId }, job.jobId)),
  ];
}
