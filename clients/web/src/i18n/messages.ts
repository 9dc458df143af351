// The message catalogue: every text the page and the web client write, in one interface that each language
// implements in full (the compiler refuses a missing text). Texts that carry numbers, dates or names are
// functions, so each language orders the words its own way; the numbers come formatted in the user's locale.
// Texts written by the server (its error messages, a connection's last error) are shown as sent: they are English.
import type { Code } from "@connectrpc/connect";
import type { ConnectionState } from "../gen/pos/lightspeed_auth/v1/lightspeed_auth_service_pb";
import type { DepartmentImportState, ImportJobState } from "../gen/pos/imports/v1/import_service_pb";
import type { DayImportStatus, ImportHealthProblem } from "../gen/pos/imports/v1/import_health_pb";
import type { PosFieldType } from "../gen/pos/field_mapping/v1/field_mapping_service_pb";
import type { Formats } from "./format";

/** The languages of the page's texts. */
export type Language = "en" | "da";

export interface Messages {
  /** This language's name in itself, for the language menu: "English", "Dansk". */
  languageName: string;

  // The page's frame and connection settings.
  pageTitle: string;
  heading: string;
  subtitle: string;
  language: string;
  /** "127.0.0.1:5081 · client 1" in the top bar. */
  target(host: string, clientId: string): string;
  connectionSettings: string;
  hostLabel: string;
  clientLabel: string;
  clientPlaceholder: string;
  tokenLabel: string;
  tokenPlaceholder: string;
  currencyLabel: string;
  /** The hint under the settings, with {command} and {query} where the code samples go. */
  settingsHint: string;
  saveAndConnect: string;

  // The form.
  formTitle: string;
  departments: string;
  selectAll: string;
  loadingDepartments: string;
  noDepartments: string;
  departmentFallbackName(id: string): string;
  /** "#10 · Lightspeed 120645 · 2 registers". */
  departmentMeta(id: string, posClientNumber: string, registers: number): string;
  departmentWithoutPosNumber(id: string): string;
  from: string;
  until: string;
  overwrite: string;
  overwriteHint: string;
  startImport: string;
  starting: string;
  importServiceMissing: string;

  // The Lightspeed connection.
  connectionTitle: string;
  checking: string;
  connectionStates: Record<ConnectionState, string>;
  connectionServiceMissing: string;
  notConnected: string;
  lightspeedAccount: string;
  /** A K-Series connection's business locations: "Nørrebro Bistro (45454565682155)", listed. */
  businessLocations(locations: string): string;
  activatedBy(who: string, date: string | undefined): string;

  // Progress.
  progressTitle: string;
  cancelImport: string;
  confirmCancel: string;
  couldNotCancel(reason: string): string;
  liveProgressStopped(reason: string): string;
  reconnecting: string;
  idleHint: string;
  jobStates: Record<ImportJobState, string>;
  doneWithProblems: string;
  departmentStates: Record<DepartmentImportState, string>;
  barLabel: string;
  /** "24.11.2026 to 30.11.2026" and whether approved numbers are overwritten. */
  jobRange(from: string, until: string, overwriting: boolean): string;
  etaFinishing: string;
  etaUnderAMinute(clock: string): string;
  etaLeft(duration: string, clock: string): string;
  countDepartmentDays: string;
  countSalesRead: string;
  countValuesWritten: string;
  countApprovedKept: string;
  countApprovedReplaced: string;
  outcomeQueued: string;
  outcomeAllImported(total: number, written: number): string;
  outcomePartlyImported(done: number, total: number): string;
  outcomeFailed: string;
  outcomeCancelled(done: number, total: number): string;
  /** Announced while a job runs: "Import running: 50% of the department-days done." */
  announceRunning(percent: string): string;
  startedAt(clock: string, by: string): string;
  queuedAt(clock: string, by: string): string;
  finishedAt(clock: string, took: string | undefined): string;
  posTraffic(requests: number, waiting: string | undefined): string;
  notProvided(types: string): string;
  /** The sales read and not counted, "19 TRANSFER, 13 SPLIT and 6 CANCELLED" (Lightspeed's types, as sent). */
  skippedSales(counts: string): string;
  posFieldTypes: Record<PosFieldType, string>;
  tableDepartment: string;
  tableState: string;
  tableDays: string;
  tableProblem: string;
  problems: string;
  job: string;

  // Import health (GetImportHealth) and, for support, the fleet's problems (ListImportHealth).
  healthTitle: string;
  healthLoading: string;
  healthNoDepartments: string;
  healthUpToDate: string;
  healthProblems: Record<ImportHealthProblem, string>;
  dayStatuses: Record<DayImportStatus, string>;
  /** The last night: its day, its state, when it ended (if it did) and whether that was before the confirm time. */
  lastNight(scheduledFor: string, state: string, ended: string | undefined, confirmTime: string | undefined, inTime: boolean): string;
  noNightYet: string;
  nextRun(when: string): string;
  noNextRun: string;
  healthColumnDepartment: string;
  healthColumnConnection: string;
  healthColumnLastImported: string;
  healthColumnDays: string;
  neverImported: string;
  /** "Register 2 (Lightspeed 12): 30.11.2026", the register's last day with numbers in the window; posRegister may be empty. */
  registerLastDay(register: number, posRegister: string, date: string | undefined): string;
  /** "Last 7 days checked". */
  windowChecked(days: number): string;
  retryAt(clock: string): string;
  fleetTitle: string;
  fleetLoading: string;
  fleetNone: string;
  fleetDenied: string;
  fleetClient(id: string): string;

  // The weekly balance after an import.
  totalsTitle(from: string, until: string): string;
  totalsUnavailable(reason: string): string;

  // Errors of calls (errors.ts).
  errorSummaries: Partial<Record<Code, string>>;
  somethingWentWrong: string;
  serverUnreachable: string;
  rateLimited(seconds: number): string;
  notFoundResource(type: string, name: string): string;
  /** Names of resource types in NOT_FOUND details (ResourceInfo.resource_type), e.g. "department". */
  resourceTypes: Record<string, string>;
  /** Labels of request fields in BadRequest details, by proto path. */
  fieldLabels: Record<string, string>;
}

/** "1 department-day", "5 department-days": the number in the user's locale, the noun in the plural rule of the language. */
export function counter(language: Language, formats: Formats) {
  const rules = new Intl.PluralRules(language);
  return (n: number, one: string, other: string) => `${formats.integer(n)} ${rules.select(n) === "one" ? one : other}`;
}
