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
  tone: "idle" | "running" | "done" | "failed" | "cancelled";
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
