// The Import POS page: pick departments and dates, start an import, watch it live over gRPC-Web.
// Plain TypeScript and the DOM; every text from the server goes in through textContent (never innerHTML).
import "./style.css";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  createPosClients, departmentStateLabel, describeError, errorLines, formatEta, isTerminal, jobBadge, jobTimes, reconnectDelayMs,
  outcomeSentence, percentDone, posFieldTypeLabel, posTraffic, progressCounts, type PlainError, type PosClients,
} from "./client";
import type { Department } from "./gen/pos/departments/v1/department_service_pb";
import { DepartmentImportState, ImportJobState, type ImportJob } from "./gen/pos/imports/v1/import_service_pb";
import { ConnectionState, type Connection } from "./gen/pos/lightspeed_auth/v1/lightspeed_auth_service_pb";
import { timestampDate } from "@bufbuild/protobuf/wkt";

// ---- settings: query string first, then what was saved, then defaults ----------------------------

interface Settings { host: string; token: string; clientId: string }

const storageKey = "pos-import-settings";

function loadSettings(): Settings {
  const saved: Partial<Settings> = JSON.parse(localStorage.getItem(storageKey) ?? "{}");
  const query = new URLSearchParams(location.search);
  const settings: Settings = {
    host: query.get("host") ?? saved.host ?? `${location.protocol === "https:" ? "https" : "http"}://${location.hostname || "127.0.0.1"}:5081`,
    token: query.get("token") ?? saved.token ?? "",
    clientId: query.get("client") ?? saved.clientId ?? "",
  };
  if (query.has("token")) {
    // Keep the token out of the address bar, history and screenshots once read.
    query.delete("token");
    history.replaceState(null, "", `${location.pathname}${query.size ? `?${query}` : ""}`);
  }
  return settings;
}

/** The first client id in the token's client_id claim, so a supervisor need not type it. */
function clientIdFromToken(token: string): string {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    const claim = payload.client_id;
    return String(Array.isArray(claim) ? claim[0] ?? "" : claim ?? "");
  } catch {
    return "";
  }
}

/** "YYYY-MM-DD" of the browser's local calendar. */
function localDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

// ---- tiny DOM helpers ------------------------------------------------------------------------------

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** The error in the container: a bold first line (the lead, which replaces the generic summary), then the details. */
function showError(container: HTMLElement, error: PlainError, lead?: string) {
  const lines = errorLines(error);
  if (lead) lines[0] = lead;
  container.replaceChildren(...lines.map((line, i) => el(i === 0 ? "strong" : "p", {}, line)));
  container.hidden = false;
}

// ---- page state ------------------------------------------------------------------------------------

let settings = loadSettings();
let clients: PosClients;
let departments: Department[] = [];
let job: ImportJob | undefined;
let watching: AbortController | undefined;

const clientId = () => BigInt(settings.clientId || clientIdFromToken(settings.token) || "0");

function connect() {
  clients = createPosClients(settings.host, () => settings.token, { defaultTimeoutMs: 15000 });
  const id = clientId();
  $("target").textContent = `${settings.host.replace(/^https?:\/\//, "")} · client ${id || "?"}`;
  if (!settings.token) {
    openSettings(true);
  }
  void loadDepartments();
  void loadConnections();
  void resumeRunningJob();
}

// ---- connection settings panel ---------------------------------------------------------------------

function openSettings(open: boolean) {
  $("settings").hidden = !open;
  $("toggle-settings").setAttribute("aria-expanded", String(open));
  if (open) {
    $<HTMLInputElement>("host").value = settings.host;
    $<HTMLTextAreaElement>("token").value = settings.token;
    $<HTMLInputElement>("client").value = settings.clientId;
  }
}

$("toggle-settings").addEventListener("click", () => openSettings($("settings").hidden));
$("settings-form").addEventListener("submit", (event) => {
  event.preventDefault();
  settings = {
    host: $<HTMLInputElement>("host").value.trim(),
    token: $<HTMLTextAreaElement>("token").value.trim().replace(/^Bearer\s+/i, ""),
    clientId: $<HTMLInputElement>("client").value.trim(),
  };
  localStorage.setItem(storageKey, JSON.stringify(settings));
  openSettings(false);
  connect();
});

// ---- departments -----------------------------------------------------------------------------------

async function loadDepartments() {
  const box = $("departments");
  box.replaceChildren(el("p", { class: "muted" }, "Loading departments…"));
  try {
    departments = [];
    let pageToken = "";
    do {
      const page = await clients.departments.listDepartments({ clientId: clientId(), pageSize: 1000, pageToken });
      departments.push(...page.departments);
      pageToken = page.nextPageToken;
    } while (pageToken);
  } catch (error) {
    box.replaceChildren(el("div", { class: "alert error" }, ...errorLines(describeError(error)).map((l) => el("p", {}, l))));
    return;
  }
  if (departments.length === 0) {
    box.replaceChildren(el("p", { class: "muted" }, "This client has no departments yet."));
    return;
  }
  box.replaceChildren(...departments.map((d) => {
    const importable = d.posClientNumber !== "";
    const input = el("input", { type: "checkbox", name: "department", value: String(d.departmentId) });
    input.disabled = !importable;
    return el("label", { class: `department${importable ? "" : " disabled"}` }, input,
      el("span", { class: "department-name" }, d.name || `Department ${d.departmentId}`),
      el("span", { class: "department-meta" }, importable
        ? `#${d.departmentId} · Lightspeed ${d.posClientNumber}${d.posTerminalNumbers.length ? ` · ${d.posTerminalNumbers.length} registers` : ""}`
        : `#${d.departmentId} · no POS client number`));
  }));
}

$("select-all").addEventListener("click", () => {
  const boxes = [...document.querySelectorAll<HTMLInputElement>("input[name=department]:not(:disabled)")];
  const all = boxes.every((b) => b.checked);
  for (const b of boxes) b.checked = !all;
});

// ---- Lightspeed connection status ------------------------------------------------------------------

const connectionLabels: Record<ConnectionState, [string, string]> = {
  [ConnectionState.UNSPECIFIED]: ["Unknown", "idle"],
  [ConnectionState.PENDING_CONSENT]: ["Waiting for consent in Lightspeed", "running"],
  [ConnectionState.AUTHORIZED]: ["Authorised, waiting for SameSystem to activate", "running"],
  [ConnectionState.ACTIVE]: ["Active", "done"],
  [ConnectionState.REAUTHORIZATION_REQUIRED]: ["Needs authorising again", "failed"],
  [ConnectionState.REVOKED]: ["Revoked", "cancelled"],
};

async function loadConnections() {
  const box = $("connections");
  box.replaceChildren(el("p", { class: "muted" }, "Checking…"));
  let connections: Connection[];
  try {
    connections = (await clients.lightspeedAuth.listConnections({ clientId: clientId() })).connections;
  } catch (error) {
    const plain = describeError(error);
    // A missing feature is not a broken connection: grey, not red.
    box.replaceChildren(el("p", { class: "status-line" }, el("span", { class: `dot ${plain.code === Code.Unimplemented ? "idle" : "failed"}` }),
      plain.code === Code.Unimplemented
        ? "Connection status is not available: this server does not offer the Lightspeed connection service yet."
        : plain.summary));
    return;
  }
  if (connections.length === 0) {
    box.replaceChildren(el("p", { class: "status-line" }, el("span", { class: "dot idle" }), "Not connected. The client must authorise SameSystem in Lightspeed first."));
    return;
  }
  box.replaceChildren(...connections.map((c) => {
    const [label, tone] = connectionLabels[c.state] ?? connectionLabels[ConnectionState.UNSPECIFIED];
    return el("div", { class: "connection" },
      el("p", { class: "status-line" }, el("span", { class: `dot ${tone}` }), el("strong", {}, label)),
      el("p", { class: "muted" }, `${c.accountName || "Lightspeed account"}${c.accountId ? ` (${c.accountId})` : ""}`),
      ...(c.state === ConnectionState.ACTIVE && c.activatedBy
        ? [el("p", { class: "muted small" }, `Activated by ${c.activatedBy}${c.activateTime ? ` on ${localDate(timestampDate(c.activateTime))}` : ""}`)]
        : []),
      ...(c.lastError ? [el("p", { class: "field-error" }, c.lastError)] : []));
  }));
}

// ---- starting, watching and cancelling an import ---------------------------------------------------

function clearFieldErrors() {
  for (const e of document.querySelectorAll("[data-error-for]")) e.textContent = "";
  for (const f of document.querySelectorAll(".field.invalid")) f.classList.remove("invalid");
  $("form-error").hidden = true;
}

/** Field violations next to their inputs; the rest (and preconditions) in the box under the form. */
function showFormError(error: PlainError) {
  const rest: PlainError = { ...error, fields: [] };
  for (const f of error.fields) {
    const target = document.querySelector(`[data-error-for="${f.field.replace(/\[\d+\]$/, "")}"]`);
    if (target) {
      target.textContent = f.description;
      target.closest(".field")?.classList.add("invalid");
    } else {
      rest.fields.push(f);
    }
  }
  showError($("form-error"), rest,
    error.code === Code.Unimplemented ? "Imports cannot be started: this server does not offer the import service yet." : undefined);
}

$("import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearFieldErrors();
  const start = $<HTMLButtonElement>("start");
  start.disabled = true;
  start.textContent = "Starting…";
  try {
    const response = await clients.imports.startImport({
      clientId: clientId(),
      departmentIds: [...document.querySelectorAll<HTMLInputElement>("input[name=department]:checked")].map((b) => BigInt(b.value)),
      fromDate: $<HTMLInputElement>("from").value,
      untilDate: $<HTMLInputElement>("until").value,
      overwriteApproved: $<HTMLInputElement>("overwrite").checked,
      // A fresh key per click: a retried request returns the same job instead of starting a second one.
      requestId: crypto.randomUUID(),
    });
    showJob(response.job);
    void watch(response.job!.jobId);
  } catch (error) {
    showFormError(describeError(error));
  } finally {
    start.textContent = "Start import";
    start.disabled = job !== undefined && !isTerminal(job.state);
  }
});

async function watch(jobId: string) {
  watching?.abort();
  const controller = new AbortController();
  watching = controller;
  let failures = 0;
  while (!controller.signal.aborted && !(job && isTerminal(job.state))) {
    try {
      for await (const update of clients.imports.watchImportJob({ jobId }, { signal: controller.signal, timeoutMs: 0 })) {
        failures = 0;
        // A heartbeat carries the job as re-read by the server: a change whose notification was missed, and a
        // fresh ETA. So every message is shown, heartbeats included.
        if (update.job) showJob(update.job);
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      const plain = describeError(error);
      const delay = reconnectDelayMs(plain, ++failures);
      if (delay === undefined) {
        showProgressNote(`Live progress stopped: ${plain.summary}`);
        return;
      }
      showProgressNote("Lost the live connection, reconnecting…");
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function resumeRunningJob() {
  // After a reload, pick up the client's running import instead of showing an idle page.
  try {
    for (const state of [ImportJobState.RUNNING, ImportJobState.QUEUED]) {
      const page = await clients.imports.listImportJobs({ clientId: clientId(), state, pageSize: 1 });
      if (page.jobs[0]) {
        showJob(page.jobs[0]);
        void watch(page.jobs[0].jobId);
        return;
      }
    }
  } catch (error) {
    if (ConnectError.from(error).code !== Code.Unimplemented) showProgressNote(describeError(error).summary);
  }
  if (!job) showJob(undefined);
}

$("cancel").addEventListener("click", async () => {
  if (!job || !confirm("Cancel this import? What was imported so far stays.")) return;
  const cancel = $<HTMLButtonElement>("cancel");
  cancel.disabled = true;
  try {
    showJob((await clients.imports.cancelImportJob({ jobId: job.jobId })).job);
  } catch (error) {
    showProgressNote(`Could not cancel: ${describeError(error).summary}`);
  } finally {
    cancel.disabled = false;
  }
});

// ---- progress rendering ----------------------------------------------------------------------------

function showProgressNote(text: string) {
  const note = document.querySelector("#progress .live-note") ?? $("progress").appendChild(el("p", { class: "note live-note" }));
  note.textContent = text;
}

function departmentName(id: bigint) {
  return departments.find((d) => d.departmentId === id)?.name || `Department ${id}`;
}

function showJob(next: ImportJob | undefined) {
  job = next;
  const badge = jobBadge(job);
  const state = $("state");
  state.textContent = badge.label;
  state.className = `badge ${badge.tone}`;
  const running = job !== undefined && !isTerminal(job.state);
  $("cancel").hidden = !running;
  $<HTMLButtonElement>("start").disabled = running;

  const box = $("progress");
  if (!job) {
    box.replaceChildren(el("p", { class: "muted" }, "Choose departments and dates, then start the import. Progress shows here while it runs."));
    return;
  }
  const progress = job.progress;
  const percent = percentDone(progress);
  const bar = el("div", { class: `bar ${badge.tone}`, role: "progressbar", "aria-label": "Department-days imported",
    "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(percent) },
    el("div", { class: "bar-fill", style: `width: ${percent}%` }));
  const eta = formatEta(job);
  const outcome = outcomeSentence(job);
  const rows = (progress?.departments ?? []).map((d) => el("tr", {},
    el("td", {}, departmentName(d.departmentId)),
    el("td", {}, el("span", { class: `pill ${d.state === DepartmentImportState.FAILED ? "failed" : d.state === DepartmentImportState.DONE ? "done" : d.state === DepartmentImportState.RUNNING ? "running" : "idle"}` }, departmentStateLabel(d.state))),
    el("td", { class: "num" }, `${d.daysDone} / ${d.daysTotal}`),
    el("td", { class: "error-text" }, d.error)));
  const errors = progress?.errors ?? [];
  const counts = progressCounts(progress);
  const countItem = (c: { label: string; value: string }) => el("div", {}, el("dt", {}, c.label), el("dd", {}, c.value));
  const notProvided = progress?.notProvidedFieldTypes ?? [];
  box.replaceChildren(
    el("div", { class: "bar-line" }, bar, el("span", { class: "percent" }, `${percent}%`)),
    el("p", { class: "job-summary muted" }, `${job.fromDate} to ${job.untilDate}${job.overwriteApproved ? " · overwriting approved numbers" : ""}${eta ? ` · ${eta}` : ""}`),
    ...(outcome ? [el("p", { class: `outcome ${badge.tone}` }, outcome)] : []),
    // The three numbers that say how far it got, then the approved-numbers bookkeeping, smaller.
    el("dl", { class: "counts" }, ...counts.slice(0, 3).map(countItem)),
    el("dl", { class: "counts minor" }, ...counts.slice(3).map(countItem)),
    ...(rows.length ? [el("table", { class: "departments-table" },
      el("thead", {}, el("tr", {}, el("th", {}, "Department"), el("th", {}, "State"), el("th", { class: "num" }, "Days"), el("th", {}, ""))),
      el("tbody", {}, ...rows))] : []),
    ...(errors.length ? [el("div", { class: "alert error" }, el("strong", {}, "Problems"),
      ...errors.map((e) => el("p", {}, `${e.departmentId ? `${departmentName(e.departmentId)}${e.date ? `, ${e.date}` : ""}: ` : ""}${e.message}`)))] : []),
    ...(notProvided.length ? [el("p", { class: "note" },
      `Not provided by Lightspeed, left alone: ${notProvided.map(posFieldTypeLabel).join(", ")}.`)] : []),
    el("p", { class: "job-meta" }, [jobTimes(job), posTraffic(progress)].filter(Boolean).join(" · ")),
    el("p", { class: "job-meta" }, "Job ", el("code", { "data-job-id": job.jobId }, job.jobId)));
}

// ---- start -----------------------------------------------------------------------------------------

// Dates in the browser's own calendar (toISOString would give the UTC date, a day off around midnight).
$<HTMLInputElement>("until").value = localDate(new Date(Date.now() - 86400000));
$<HTMLInputElement>("from").value = localDate(new Date(Date.now() - 7 * 86400000));
// The until date may be today (a partial day), never the future.
$<HTMLInputElement>("until").max = localDate(new Date());
showJob(undefined);
connect();
