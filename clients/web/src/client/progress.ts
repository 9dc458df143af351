// Import progress in plain words, in the user's language and locale: state labels, percentage, ETA, counts,
// the outcome and what the live region announces. Pure functions, so the page stays thin and the wording is
// unit-tested.
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { PosFieldType } from "../gen/pos/field_mapping/v1/field_mapping_service_pb";
import {
  DepartmentImportState,
  ImportJobState,
  type ImportJob,
  type ImportProgress,
} from "../gen/pos/imports/v1/import_service_pb";
import type { I18n } from "../i18n";

/** How the page shows a state: a word and a tone (used as a CSS class). */
export interface StateLabel {
  label: string;
  tone: "idle" | "running" | "done" | "warning" | "failed" | "cancelled";
}

const jobTones: Record<ImportJobState, StateLabel["tone"]> = {
  [ImportJobState.UNSPECIFIED]: "idle",
  [ImportJobState.QUEUED]: "running",
  [ImportJobState.RUNNING]: "running",
  [ImportJobState.SUCCEEDED]: "done",
  [ImportJobState.FAILED]: "failed",
  [ImportJobState.CANCELLED]: "cancelled",
};

export function jobStateLabel(state: ImportJobState, { t }: I18n): StateLabel {
  return { label: t.jobStates[state] ?? t.jobStates[ImportJobState.UNSPECIFIED], tone: jobTones[state] ?? "idle" };
}

/** Whether a job has failed department-days or errors: SUCCEEDED then means "done, with problems". */
export function hasProblems(job: ImportJob): boolean {
  const p = job.progress;
  return (p?.errors.length ?? 0) > 0 || (p?.departments ?? []).some((d) => d.state === DepartmentImportState.FAILED);
}

/** The badge of a job: its state, except that a SUCCEEDED job with problems says so (a job succeeds when one day was imported). */
export function jobBadge(job: ImportJob | undefined, i18n: I18n): StateLabel {
  if (job?.state === ImportJobState.SUCCEEDED && hasProblems(job)) return { label: i18n.t.doneWithProblems, tone: "warning" };
  return jobStateLabel(job?.state ?? ImportJobState.UNSPECIFIED, i18n);
}

/** SUCCEEDED, FAILED and CANCELLED end a job (and its watch stream). */
export function isTerminal(state: ImportJobState): boolean {
  return state === ImportJobState.SUCCEEDED || state === ImportJobState.FAILED || state === ImportJobState.CANCELLED;
}

const departmentTones: Record<DepartmentImportState, StateLabel["tone"]> = {
  [DepartmentImportState.UNSPECIFIED]: "idle",
  [DepartmentImportState.PENDING]: "idle",
  [DepartmentImportState.RUNNING]: "running",
  [DepartmentImportState.DONE]: "done",
  [DepartmentImportState.FAILED]: "failed",
};

export function departmentStateLabel(state: DepartmentImportState, { t }: I18n): StateLabel {
  return { label: t.departmentStates[state] ?? t.departmentStates[DepartmentImportState.UNSPECIFIED], tone: departmentTones[state] ?? "idle" };
}

/** Whole percent of department-days done, 0 when the total is not known yet. */
export function percentDone(progress: ImportProgress | undefined): number {
  if (!progress || progress.departmentDaysTotal <= 0) return 0;
  return Math.min(100, Math.floor((progress.departmentDaysDone * 100) / progress.departmentDaysTotal));
}

/** "about 3 mins left (until 14:32)"; "" when unknown or over. */
export function formatEta(job: ImportJob, { t, f }: I18n, now: Date = new Date()): string {
  const end = job.progress?.estimatedEndTime;
  if (!end || isTerminal(job.state)) return "";
  const finish = timestampDate(end);
  const seconds = Math.round((finish.getTime() - now.getTime()) / 1000);
  if (seconds <= 0) return t.etaFinishing;
  if (seconds < 60) return t.etaUnderAMinute(f.time(finish));
  // Whole minutes: the estimate is not better than that.
  return t.etaLeft(f.duration(Math.round(seconds / 60) * 60), f.time(finish));
}

/** One counter of a job: a stable key (for tests and styles), its label and its number in the user's locale. */
export interface ProgressCount {
  key: "departmentDays" | "salesRead" | "valuesWritten" | "approvedKept" | "approvedReplaced";
  label: string;
  value: string;
}

/** The counters a supervisor looks at, labelled, the numbers in the user's locale. */
export function progressCounts(progress: ImportProgress | undefined, { t, f }: I18n): ProgressCount[] {
  const p = progress;
  const n = (v: bigint | number | undefined) => f.integer(v ?? 0);
  return [
    { key: "departmentDays", label: t.countDepartmentDays, value: `${n(p?.departmentDaysDone)} / ${n(p?.departmentDaysTotal)}` },
    { key: "salesRead", label: t.countSalesRead, value: n(p?.salesRead) },
    { key: "valuesWritten", label: t.countValuesWritten, value: n(p?.valuesWritten) },
    { key: "approvedKept", label: t.countApprovedKept, value: n(p?.valuesSkippedApproved) },
    { key: "approvedReplaced", label: t.countApprovedReplaced, value: n(p?.valuesOverwrittenApproved) },
  ];
}

/** One sentence on how a job ended, for the supervisor who must decide whether to trust the numbers; "" while it runs. */
export function outcomeSentence(job: ImportJob, { t }: I18n): string {
  const p = job.progress;
  const done = p?.departmentDaysDone ?? 0;
  const total = p?.departmentDaysTotal ?? 0;
  switch (job.state) {
    case ImportJobState.QUEUED: return t.outcomeQueued;
    case ImportJobState.SUCCEEDED:
      return done === total ? t.outcomeAllImported(total, Number(p?.valuesWritten ?? 0n)) : t.outcomePartlyImported(done, total);
    case ImportJobState.FAILED: return t.outcomeFailed;
    case ImportJobState.CANCELLED: return t.outcomeCancelled(done, total);
    default: return "";
  }
}

/**
 * What the live region says about a job: the outcome once it ends (or while it is queued), and while it runs its
 * state in quarters (0, 25, 50, 75 % done), so a screen reader hears a few sentences per import, not every update.
 * The page announces it only when it changes.
 */
export function announcement(job: ImportJob | undefined, i18n: I18n): string {
  if (!job || job.state === ImportJobState.UNSPECIFIED) return "";
  if (job.state !== ImportJobState.RUNNING) return outcomeSentence(job, i18n);
  return i18n.t.announceRunning(i18n.f.percent(Math.floor(percentDone(job.progress) / 25) * 25));
}

/** "Started 14:02:11 by alice · finished 14:02:25 (14 secs)". Times are the browser's local clock. */
export function jobTimes(job: ImportJob, { t, f }: I18n): string {
  const clock = (time: Timestamp) => f.timeWithSeconds(timestampDate(time));
  const parts: string[] = [];
  if (job.startTime) parts.push(t.startedAt(clock(job.startTime), job.createdBy));
  else if (job.createTime) parts.push(t.queuedAt(clock(job.createTime), job.createdBy));
  if (job.endTime) {
    const from = job.startTime ?? job.createTime;
    const took = from ? Math.max(0, Math.round((timestampDate(job.endTime).getTime() - timestampDate(from).getTime()) / 1000)) : undefined;
    parts.push(t.finishedAt(clock(job.endTime), took === undefined ? undefined : f.duration(took)));
  }
  return parts.join(" · ");
}

/** "POS_FIELD_TYPE_VISITORS" (as in not_provided_field_types) -> "Visitors". */
export function posFieldTypeLabel(name: string, { t }: I18n): string {
  const type = PosFieldType[name.replace(/^POS_FIELD_TYPE_/, "") as keyof typeof PosFieldType];
  return type === undefined ? name : t.posFieldTypes[type];
}

/**
 * The sales the POS sent that were not counted, by the POS's own type, most first as the server orders them:
 * "19 TRANSFER, 13 SPLIT and 6 CANCELLED" (K-Series' bookkeeping echoes and cancelled checks); "" when there are none.
 * The types are Lightspeed's words, shown as sent.
 */
export function skippedSalesText(progress: ImportProgress | undefined, { t, f }: I18n): string {
  const skipped = progress?.skippedSales ?? [];
  return skipped.length ? t.skippedSales(f.list(skipped.map((s) => `${f.integer(s.count)} ${s.type}`))) : "";
}

/** What the POS was asked: "12 requests to Lightspeed, 3 secs waiting for its rate limit". */
export function posTraffic(progress: ImportProgress | undefined, { t, f }: I18n): string {
  const requests = Number(progress?.requestsMade ?? 0n);
  const waitSeconds = Math.round(Number(progress?.rateLimitWaitMs ?? 0n) / 1000);
  return t.posTraffic(requests, waitSeconds > 0 ? f.duration(waitSeconds) : undefined);
}
