// Errors of Pos.Grpc in plain words, in the user's language. The host follows the Google error model: a status
// code, a short English message and details in the grpc-status-details-bin trailer (google.rpc.Status), always an
// ErrorInfo plus BadRequest (which fields are wrong), PreconditionFailure (what must happen first) or
// RetryInfo (how long a caller over its rate limit must wait). The summary is ours, from the catalogue; the
// field and precondition descriptions are the server's own words (English).
import { fromBinary } from "@bufbuild/protobuf";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  BadRequestSchema,
  ErrorInfoSchema,
  PreconditionFailureSchema,
  ResourceInfoSchema,
  RetryInfoSchema,
} from "../gen/google/rpc/error_details_pb";
import { StatusSchema, type Status } from "../gen/google/rpc/status_pb";
import type { I18n } from "../i18n";

/** One wrong field of a request: its proto path (e.g. "from_date") and why, in plain words. */
export interface FieldProblem {
  field: string;
  description: string;
}

/** A failed call, ready to show to a person. */
export interface PlainError {
  /** The gRPC status code, e.g. Code.InvalidArgument. */
  code: Code;
  /** One sentence saying what happened and what to do, in the user's language. */
  summary: string;
  /** The server's own message (English, short), when it adds something. */
  serverMessage: string;
  /** ErrorInfo.reason, e.g. "POS_IMPORT_DISABLED"; empty when absent. */
  reason: string;
  /** BadRequest field violations (INVALID_ARGUMENT), described in the server's words. */
  fields: FieldProblem[];
  /** PreconditionFailure descriptions (FAILED_PRECONDITION), in the server's plain words. */
  preconditions: string[];
  /** RetryInfo: seconds to wait before calling again (RESOURCE_EXHAUSTED); undefined when absent. */
  retryAfterSeconds?: number;
}

/** Decodes a grpc-status-details-bin value (base64, padded or not) into google.rpc.Status. */
export function decodeStatusDetailsBin(value: string): Status {
  return fromBinary(StatusSchema, base64Decode(value));
}

/** Turns anything a call threw into a PlainError, its summary in the language of `i18n`. */
export function describeError(error: unknown, { t }: I18n): PlainError {
  const e = ConnectError.from(error);
  const fields = e.findDetails(BadRequestSchema).flatMap((b) =>
    b.fieldViolations.map((v) => ({ field: v.field, description: v.description })));
  const preconditions = e.findDetails(PreconditionFailureSchema).flatMap((p) =>
    p.violations.map((v) => v.description || `${v.type} ${v.subject}`.trim()));
  const reason = e.findDetails(ErrorInfoSchema)[0]?.reason ?? "";
  let summary = t.errorSummaries[e.code] ?? t.somethingWentWrong;
  if (e.code === Code.NotFound) {
    const resource = e.findDetails(ResourceInfoSchema)[0];
    if (resource) summary = t.notFoundResource(t.resourceTypes[resource.resourceType] ?? words(resource.resourceType), resource.resourceName);
  }
  if (e.code === Code.Unknown && /fetch|network/i.test(e.rawMessage)) {
    summary = t.serverUnreachable;
  }
  const retryDelay = e.findDetails(RetryInfoSchema)[0]?.retryDelay;
  const retryAfterSeconds = retryDelay ? Math.max(1, Math.ceil(Number(retryDelay.seconds) + retryDelay.nanos / 1e9)) : undefined;
  if (e.code === Code.ResourceExhausted && retryAfterSeconds !== undefined) {
    summary = t.rateLimited(retryAfterSeconds);
  }
  return { code: e.code, summary, serverMessage: e.rawMessage, reason, fields, preconditions, retryAfterSeconds };
}

/** Attempts after which a dropped watch stream is given up. */
export const maxWatchReconnects = 5;

/**
 * How long to wait before re-opening a watch stream that failed for the `failures`-th time in a row, or undefined
 * when it should not be re-opened. The job goes on whatever happens to the stream: a dropped network, a restarting
 * host (UNAVAILABLE), or the caller's rate limit (RESOURCE_EXHAUSTED, at least as long as RetryInfo says) are
 * worth another try; anything else (a revoked token, a job that is gone) is not.
 */
export function reconnectDelayMs(error: PlainError, failures: number): number | undefined {
  const transient = [Code.Unavailable, Code.Unknown, Code.DeadlineExceeded, Code.ResourceExhausted].includes(error.code);
  if (!transient || failures > maxWatchReconnects) return undefined;
  return Math.max(2000 * failures, (error.retryAfterSeconds ?? 0) * 1000);
}

/**
 * One line of an error as the page shows it: `ours` in the user's language (the summary, a field's label), `server`
 * in the server's words (English: a field's or precondition's description), either may be empty.
 */
export interface ErrorLine {
  ours: string;
  server: string;
}

/** The PlainError as lines: the summary, then each field (labelled in the user's language) and precondition. */
export function errorLines(error: PlainError, i18n: I18n): ErrorLine[] {
  const lines: ErrorLine[] = [{ ours: error.summary, server: "" }];
  for (const f of error.fields) lines.push({ ours: fieldLabel(f.field, i18n), server: f.description });
  lines.push(...error.preconditions.map((p) => ({ ours: "", server: p })));
  if (lines.length === 1 && error.serverMessage && error.code !== Code.Unimplemented) lines.push({ ours: "", server: error.serverMessage });
  return lines;
}

/** The field a violation names without its index: "department_ids[2]" -> "department_ids". */
export function fieldPath(field: string): string {
  return field.replace(/\[\d+\]$/, "");
}

/** A readable label for a field path: the catalogue's label, else "settings.time_zone" -> "Time zone". */
export function fieldLabel(field: string, { t }: I18n): string {
  const path = fieldPath(field);
  return t.fieldLabels[path] ?? words(path.split(".").pop() ?? path);
}

/** "time_zone" -> "Time zone", "weekly_balance_field" -> "Weekly balance field": a last resort for names the catalogue lacks. */
function words(name: string): string {
  const text = name.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ").toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export { Code };
