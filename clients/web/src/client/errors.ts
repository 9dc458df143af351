// Errors of Pos.Grpc in plain words. The host follows the Google error model: a status code, a short
// English message and details in the grpc-status-details-bin trailer (google.rpc.Status), always an
// ErrorInfo plus BadRequest (which fields are wrong), PreconditionFailure (what must happen first) or
// RetryInfo (how long a caller over its rate limit must wait).
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

/** One wrong field of a request: its proto path (e.g. "from_date") and why, in plain words. */
export interface FieldProblem {
  field: string;
  description: string;
}

/** A failed call, ready to show to a person. */
export interface PlainError {
  /** The gRPC status code, e.g. Code.InvalidArgument. */
  code: Code;
  /** One sentence saying what happened and what to do. */
  summary: string;
  /** The server's own message (English, short), when it adds something. */
  serverMessage: string;
  /** ErrorInfo.reason, e.g. "POS_IMPORT_DISABLED"; empty when absent. */
  reason: string;
  /** BadRequest field violations (INVALID_ARGUMENT). */
  fields: FieldProblem[];
  /** PreconditionFailure descriptions (FAILED_PRECONDITION), in plain words. */
  preconditions: string[];
  /** RetryInfo: seconds to wait before calling again (RESOURCE_EXHAUSTED); undefined when absent. */
  retryAfterSeconds?: number;
}

const summaries: Partial<Record<Code, string>> = {
  [Code.InvalidArgument]: "Some of the entries need fixing.",
  [Code.FailedPrecondition]: "This cannot be done yet.",
  [Code.NotFound]: "It was not found. It may have been deleted, or it belongs to another client.",
  [Code.AlreadyExists]: "It exists already.",
  [Code.Aborted]: "Something changed in the meantime (or the same import is running already). Reload and try again.",
  [Code.PermissionDenied]: "Your role is not allowed to do this.",
  [Code.Unauthenticated]: "The server did not accept your token. Paste a fresh token in the connection settings.",
  [Code.Unavailable]: "The server cannot be reached right now (it may be down or restarting). Try again in a minute.",
  [Code.DeadlineExceeded]: "The server took too long to answer. Try again.",
  [Code.Unimplemented]: "This server does not offer this feature yet.",
  [Code.Canceled]: "The request was cancelled.",
  [Code.ResourceExhausted]: "The server is busy. Try again in a minute.",
  [Code.Internal]: "Something went wrong on the server. If it happens again, contact support.",
  [Code.Unknown]: "Something went wrong. If it happens again, contact support.",
};

/** Decodes a grpc-status-details-bin value (base64, padded or not) into google.rpc.Status. */
export function decodeStatusDetailsBin(value: string): Status {
  return fromBinary(StatusSchema, base64Decode(value));
}

/** Turns anything a call threw into a PlainError. */
export function describeError(error: unknown): PlainError {
  const e = ConnectError.from(error);
  const fields = e.findDetails(BadRequestSchema).flatMap((b) =>
    b.fieldViolations.map((v) => ({ field: v.field, description: v.description })));
  const preconditions = e.findDetails(PreconditionFailureSchema).flatMap((p) =>
    p.violations.map((v) => v.description || `${v.type} ${v.subject}`.trim()));
  const reason = e.findDetails(ErrorInfoSchema)[0]?.reason ?? "";
  let summary = summaries[e.code] ?? "Something went wrong.";
  if (e.code === Code.NotFound) {
    const resource = e.findDetails(ResourceInfoSchema)[0];
    if (resource) summary = `${friendlyResource(resource.resourceType)} ${resource.resourceName} was not found (or belongs to another client).`;
  }
  if (e.code === Code.Unknown && /fetch|network/i.test(e.rawMessage)) {
    summary = "The server cannot be reached. Check the host address and that the server is running.";
  }
  const retryDelay = e.findDetails(RetryInfoSchema)[0]?.retryDelay;
  const retryAfterSeconds = retryDelay ? Math.max(1, Math.ceil(Number(retryDelay.seconds) + retryDelay.nanos / 1e9)) : undefined;
  if (e.code === Code.ResourceExhausted && retryAfterSeconds !== undefined) {
    summary = `Too many requests in a short time. Try again in ${retryAfterSeconds} s.`;
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

/** The PlainError as lines of text: summary, then each field and precondition. */
export function errorLines(error: PlainError, fieldLabels: Record<string, string> = {}): string[] {
  const lines = [error.summary];
  for (const f of error.fields) lines.push(`${fieldLabel(f.field, fieldLabels)}: ${f.description}`);
  lines.push(...error.preconditions);
  if (lines.length === 1 && error.serverMessage && error.code !== Code.Unimplemented) lines.push(`(${error.serverMessage})`);
  return lines;
}

/** A readable label for a field path: the caller's label, else "from_date" -> "From date". */
export function fieldLabel(field: string, labels: Record<string, string> = {}): string {
  if (labels[field]) return labels[field];
  const last = field.split(".").pop() ?? field;
  const words = last.replace(/\[\d+\]$/, "").replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function friendlyResource(type: string): string {
  const name = type.split(".").pop() ?? type;
  return name.replace(/([a-z])([A-Z])/g, "$1 $2");
}

export { Code };
