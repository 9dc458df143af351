// Import progress in plain words: state labels, percentage, ETA, counts. Pure functions, so the page
// stays thin and the wording is unit-tested.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  DepartmentImportState,
  ImportJobState,
  type ImportJob,
  type ImportProgress,
} from "../gen/pos/imports/v1/import_service_pb";

/** How the page shows a state: a word and a tone (used as a CSS class). */
export interface StateLabel {
  label: string;
  tone: "idle" | "running" | "done" | "warning" | "failed" | "cancelled";
}

export function jobStateLabel(state: ImportJobState): StateLabel {
  switch (state) {
    case ImportJobState.QUEUED: return { label: "Queued", tone: "running" };
    case ImportJobState.RUNNING: return { label: "Running", tone: "running" };
    case ImportJobState.SUCCEEDED: return { label: "Done", tone: "done" };
    case ImportJobState.FAILED: return { label: "Failed", tone: "failed" };
    case ImportJobState.CANCELLED: return { label: "Cancelled", tone: "cancelled" };
    default: return { label: "Not started", tone: "idle" };
  }
}

/** Whether a job has failed department-days or errors: SUCCEEDED then means "done, with problems". */
export function hasProblems(job: ImportJob): boolean {
  const p = job.progress;
  return (p?.errors.length ?? 0) > 0 || (p?.departments ?? []).some((d) => d.state === DepartmentImportState.FAILED);
}

/** The badge of a job: its state, except that a SUCCEEDED job with problems says so (a job succeeds when one day was imported). */
export function jobBadge(job: ImportJob | undefined): StateLabel {
  if (job?.state === ImportJobState.SUCCEEDED && hasProblems(job)) return { label: "Done, with problems", tone: "warning" };
  return jobStateLabel(job?.state ?? ImportJobState.UNSPECIFIED);
}

/** SUCCEEDED, FAILED and CANCELLED end a job (and its watch stream). */
export function isTerminal(state: ImportJobState): boolean {
  return state === ImportJobState.SUCCEEDED || state === ImportJobState.FAILED || state === ImportJobState.CANCELLED;
}

export function departmentStateLabel(state: DepartmentImportState): string {
  switch (state) {
    case DepartmentImportState.PENDING: return "Waiting";
    case DepartmentImportState.RUNNING: return "Importing";
    case DepartmentImportState.DONE: return "Done";
    case DepartmentImportState.FAILED: return "Failed";
    default: return "Unknown";
  }
}

/** Whole percent of department-days done, 0 when the total is not known yet. */
export function percentDone(progress: ImportProgress | undefined): number {
  if (!progress || progress.departmentDaysTotal <= 0) return 0;
  return Math.min(100, Math.floor((progress.departmentDaysDone * 100) / progress.departmentDaysTotal));
}

/** "about 3 min left (until 14:32)"; "" when unknown or over. */
export function formatEta(job: ImportJob, now: Date = new Date()): string {
  const end = job.progress?.estimatedEndTime;
  if (!end || isTerminal(job.state)) return "";
  const finish = timestampDate(end);
  const seconds = Math.round((finish.getTime() - now.getTime()) / 1000);
  const clock = finish.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  if (seconds <= 0) return "finishing";
  if (seconds < 60) return `less than a minute left (until ${clock})`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left (until ${clock})`;
  const hours = Math.floor(seconds / 3600);
  return `about ${hours} h ${Math.round((seconds % 3600) / 60)} min left (until ${clock})`;
}

/** The counters a supervisor looks at, labelled. */
export function progressCounts(progress: ImportProgress | undefined): { label: string; value: string }[] {
  const p = progress;
  const n = (v: bigint | number | undefined) => (v ?? 0).toLocaleString("en-GB");
  return [
    { label: "Department-days", value: `${n(p?.departmentDaysDone)} / ${n(p?.departmentDaysTotal)}` },
    { label: "Sales read", value: n(p?.salesRead) },
    { label: "Values written", value: n(p?.valuesWritten) },
    { label: "Approved values kept", value: n(p?.valuesSkippedApproved) },
    { label: "Approved values replaced", value: n(p?.valuesOverwrittenApproved) },
  ];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;

/** One sentence on how a job ended, for the supervisor who must decide whether to trust the numbers; "" while it runs. */
export function outcomeSentence(job: ImportJob): string {
  const p = job.progress;
  const done = p?.departmentDaysDone ?? 0;
  const total = p?.departmentDaysTotal ?? 0;
  const written = Number(p?.valuesWritten ?? 0n);
  const missing = total - done;
  switch (job.state) {
    case ImportJobState.QUEUED: return "Waiting for a free import worker.";
    case ImportJobState.SUCCEEDED:
      return missing === 0
        ? `All ${plural(total, "department-day")} imported: ${plural(written, "value")} written into the weekly balance.`
        : `${done.toLocaleString("en-GB")} of ${plural(total, "department-day")} imported; ${plural(missing, "department-day")} could not be imported (see the problems below).`;
    case ImportJobState.FAILED: return "Nothing could be imported; see the problems below.";
    case ImportJobState.CANCELLED:
      return `Cancelled after ${done.toLocaleString("en-GB")} of ${plural(total, "department-day")}; what was imported stays.`;
    default: return "";
  }
}

/** "Started 14:02:11 by alice · finished 14:02:25 (14 s)". Times are the browser's local clock. */
export function jobTimes(job: ImportJob): string {
  const clock = (t: Parameters<typeof timestampDate>[0]) => timestampDate(t).toLocaleTimeString("en-GB");
  const parts: string[] = [];
  if (job.startTime) parts.push(`Started ${clock(job.startTime)}${job.createdBy ? ` by ${job.createdBy}` : ""}`);
  else if (job.createTime) parts.push(`Queued ${clock(job.createTime)}${job.createdBy ? ` by ${job.createdBy}` : ""}`);
  if (job.endTime) {
    const from = job.startTime ?? job.createTime;
    const took = from ? Math.max(0, Math.round((timestampDate(job.endTime).getTime() - timestampDate(from).getTime()) / 1000)) : undefined;
    parts.push(`finished ${clock(job.endTime)}${took === undefined ? "" : ` (${formatDuration(took)})`}`);
  }
  return parts.join(" · ");
}

/** 14 s, 3 min 05 s, 1 h 02 min. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")} min`;
}

/** "POS_FIELD_TYPE_VISITORS" -> "Visitors", for the note on numbers the POS does not provide. */
export function posFieldTypeLabel(name: string): string {
  const words = name.replace(/^POS_FIELD_TYPE_/, "").toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What the POS was asked: "12 requests to Lightspeed, 3 s waiting for its rate limit". */
export function posTraffic(progress: ImportProgress | undefined): string {
  const requests = Number(progress?.requestsMade ?? 0n);
  const waitSeconds = Math.round(Number(progress?.rateLimitWaitMs ?? 0n) / 1000);
  return `${plural(requests, "request")} to Lightspeed${waitSeconds > 0 ? `, ${formatDuration(waitSeconds)} waiting for its rate limit` : ""}`;
}
