// Import health: per department (problems first) its connection, last imported day and the days of the window that
// are not imported, with why; the last night against the confirm time and the next one (GetImportHealth). And, for
// support (?view=support), the fleet's clients with problems (ListImportHealth).
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, describeError, type StateLabel } from "../client";
import {
  DayImportStatus,
  ImportHealthProblem,
  type ClientImportHealth,
  type DepartmentImportHealth,
} from "../gen/pos/imports/v1/import_health_pb";
import { ImportJobState } from "../gen/pos/imports/v1/import_service_pb";
import type { I18n } from "../i18n";
import { connectionTone } from "./connections";
import { clientId, type PageContext } from "./context";
import { $, el, serverText } from "./dom";
import { errorNodes } from "./errors-view";

const dayTones: Record<DayImportStatus, StateLabel["tone"]> = {
  [DayImportStatus.UNSPECIFIED]: "idle",
  [DayImportStatus.MISSING]: "warning",
  [DayImportStatus.FAILED]: "failed",
  [DayImportStatus.PENDING]: "running",
  [DayImportStatus.INCOMPLETE]: "warning",
};

/** Problems that stop imports (red) and those that leave gaps (amber). */
const problemTone = (problem: ImportHealthProblem): StateLabel["tone"] =>
  problem === ImportHealthProblem.DAYS_MISSING || problem === ImportHealthProblem.NIGHT_LATE ? "warning" : "failed";

export async function loadHealth(page: PageContext) {
  const box = $("health");
  box.setAttribute("aria-busy", "true");
  box.replaceChildren(el("p", { class: "muted" }, page.i18n.t.healthLoading));
  try {
    const { health } = await page.clients.importHealth.getImportHealth({ clientId: clientId(page) });
    box.replaceChildren(...(health ? clientHealth(health, page.i18n, { details: true }) : []));
  } catch (error) {
    box.replaceChildren(el("div", { class: "alert error" }, ...errorNodes(describeError(error, page.i18n), page.i18n)));
  } finally {
    box.removeAttribute("aria-busy");
  }
}

export async function loadFleet(page: PageContext) {
  const { t } = page.i18n;
  const card = $("fleet-card");
  card.hidden = false;
  const box = $("fleet");
  box.setAttribute("aria-busy", "true");
  box.replaceChildren(el("p", { class: "muted" }, t.fleetLoading));
  try {
    const clients: ClientImportHealth[] = [];
    let pageToken = "";
    do {
      const response = await page.clients.importHealth.listImportHealth({ onlyProblems: true, pageSize: 100, pageToken });
      clients.push(...response.clients);
      pageToken = response.nextPageToken;
    } while (pageToken && clients.length < 500);
    box.replaceChildren(...(clients.length === 0
      ? [el("p", { class: "status-line" }, el("span", { class: "dot done" }), t.fleetNone)]
      : clients.map((client) => el("article", { class: "fleet-client", "data-client": String(client.clientId) },
        el("h3", {}, t.fleetClient(String(client.clientId))),
        ...clientHealth(client, page.i18n, { details: false })))));
  } catch (error) {
    const plain = describeError(error, page.i18n);
    box.replaceChildren(plain.code === Code.PermissionDenied
      ? el("p", { class: "muted" }, t.fleetDenied)
      : el("div", { class: "alert error" }, ...errorNodes(plain, page.i18n)));
  } finally {
    box.removeAttribute("aria-busy");
  }
}

/** A client's health: its problems, the night, and its departments (for support: those with problems only). */
function clientHealth(health: ClientImportHealth, i18n: I18n, { details }: { details: boolean }): Node[] {
  const { t, f } = i18n;
  const nodes: Node[] = [problemPills(health.problems, i18n)];
  const night = health.lastNight;
  const clock = (moment: Date) => `${f.dateOf(moment)} ${f.time(moment)}`;
  nodes.push(el("p", { class: "night" }, night
    ? t.lastNight(f.date(night.scheduledFor), t.jobStates[night.state] ?? t.jobStates[ImportJobState.UNSPECIFIED],
      night.endTime ? f.time(timestampDate(night.endTime)) : undefined,
      night.confirmTime ? f.time(timestampDate(night.confirmTime)) : undefined, night.finishedBeforeConfirmTime)
    : t.noNightYet));
  if (details) {
    nodes.push(el("p", { class: "muted small" },
      health.nextScheduledRunTime ? t.nextRun(clock(timestampDate(health.nextScheduledRunTime))) : t.noNextRun, " ",
      t.windowChecked(health.windowDays)));
  }
  const departments = details ? health.departments : health.departments.filter((d) => d.problems.length > 0);
  if (health.departments.length === 0) {
    nodes.push(el("p", { class: "muted" }, t.healthNoDepartments));
    return nodes;
  }
  nodes.push(el("table", { class: "departments-table health-table" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, t.healthColumnDepartment),
      el("th", { scope: "col" }, t.healthColumnConnection),
      el("th", { scope: "col" }, t.healthColumnLastImported),
      el("th", { scope: "col" }, t.healthColumnDays))),
    el("tbody", {}, ...departments.map((d) => departmentRow(d, i18n)))));
  return nodes;
}

function departmentRow(department: DepartmentImportHealth, i18n: I18n): HTMLElement {
  const { t, f } = i18n;
  const tone = connectionTone(department.connectionState);
  return el("tr", { class: "health-row", "data-department": String(department.departmentId), "data-problems": String(department.problems.length) },
    el("td", {}, el("strong", {}, department.name || t.departmentFallbackName(String(department.departmentId))),
      el("div", {}, problemPills(department.problems, i18n))),
    el("td", {}, el("span", { class: "status-line" }, el("span", { class: `dot ${tone}` }), t.connectionStates[department.connectionState])),
    el("td", {}, department.lastImportedDate ? f.date(department.lastImportedDate) : t.neverImported,
      el("ul", { class: "health-registers muted small" }, ...department.registers.map((r) => el("li", { "data-register": String(r.registerNumber) },
        t.registerLastDay(r.registerNumber, r.posRegisterId, r.lastDateWithNumbers ? f.date(r.lastDateWithNumbers) : undefined))))),
    el("td", {}, department.days.length === 0 ? "–" : el("ul", { class: "health-days" }, ...department.days.map((day) =>
      el("li", { "data-status": DayImportStatus[day.status] },
        el("span", { class: `pill ${dayTones[day.status]}` }, t.dayStatuses[day.status]), " ", f.date(day.date),
        ...(day.reason ? [" · ", serverText(day.reason, i18n)] : []),
        ...(day.retryTime ? [" · ", t.retryAt(f.time(timestampDate(day.retryTime)))] : []))))));
}

function problemPills(problems: ImportHealthProblem[], { t }: I18n): HTMLElement {
  return problems.length === 0
    ? el("span", { class: "pill done" }, t.healthUpToDate)
    : el("span", { class: "problems" }, ...problems.map((p) => el("span", { class: `pill ${problemTone(p)}`, "data-problem": ImportHealthProblem[p] },
      t.healthProblems[p])));
}
