// The form that starts an import. The server validates; its field violations are shown next to their fields,
// each invalid control marked aria-invalid and described by its message (aria-describedby).
import { Code, describeError, fieldPath, type PlainError } from "../client";
import type { ImportJob } from "../gen/pos/imports/v1/import_service_pb";
import { clientId, type PageContext } from "./context";
import { chosenDepartmentIds } from "./departments";
import { $, serverText } from "./dom";
import { errorNodes } from "./errors-view";

/** "YYYY-MM-DD" of the browser's local calendar (toISOString would give the UTC date, a day off around midnight). */
function localDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

/** Last week up to yesterday; the until date may be today (a partial day), never the future. */
function setDefaultDates() {
  const day = 86_400_000;
  $<HTMLInputElement>("until").value = localDate(new Date(Date.now() - day));
  $<HTMLInputElement>("from").value = localDate(new Date(Date.now() - 7 * day));
  $<HTMLInputElement>("until").max = localDate(new Date());
}

function describedBy(node: Element, id: string, add: boolean) {
  const ids = (node.getAttribute("aria-describedby") ?? "").split(/\s+/).filter((x) => x && x !== id);
  if (add) ids.push(id);
  if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
  else node.removeAttribute("aria-describedby");
}

/**
 * Marks a field of the request (data-field="from_date" around its controls) invalid or not: the controls a user can
 * change get aria-invalid and are described by the field's message (id "error-from_date").
 */
function markField(field: HTMLElement, invalid: boolean) {
  const messageId = `error-${field.dataset.field}`;
  field.classList.toggle("invalid", invalid);
  for (const control of field.querySelectorAll("input, select, textarea")) {
    const mark = invalid && !control.matches(":disabled");
    if (mark) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
    describedBy(control, messageId, mark);
  }
  // The departments' fieldset too: a screen reader says it on entering the group.
  if (field instanceof HTMLFieldSetElement) describedBy(field, messageId, invalid);
}

function clearFieldErrors() {
  for (const message of document.querySelectorAll<HTMLElement>("#import-form .field-error")) message.replaceChildren();
  for (const field of document.querySelectorAll<HTMLElement>("#import-form [data-field]")) markField(field, false);
  $("form-error").hidden = true;
}

/** Field violations next to their fields; the rest (and preconditions) in the box under the form. */
function showFormError(error: PlainError, page: PageContext) {
  // The server's message repeats the field violations: once they stand next to their fields, it is left out.
  const rest: PlainError = { ...error, fields: [], serverMessage: error.fields.length ? "" : error.serverMessage };
  for (const violation of error.fields) {
    const path = fieldPath(violation.field);
    const message = document.getElementById(`error-${path}`);
    const field = document.querySelector<HTMLElement>(`[data-field="${path}"]`);
    if (!message || !field) {
      rest.fields.push(violation);
      continue;
    }
    if (message.hasChildNodes()) message.append("; ");
    message.append(serverText(violation.description, page.i18n));
    markField(field, true);
  }
  const box = $("form-error");
  box.replaceChildren(...errorNodes(rest, page.i18n, error.code === Code.Unimplemented ? page.i18n.t.importServiceMissing : undefined));
  box.hidden = false;
  // The first invalid control gets the focus, so keyboard and screen-reader users land on what to fix.
  document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
}

/** Wires the form; `started` gets the queued job. `running` says whether a job is still going (Start stays off then). */
export function setUpImportForm(page: PageContext, started: (job: ImportJob) => void, running: () => boolean) {
  setDefaultDates();
  $("import-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors();
    const start = $<HTMLButtonElement>("start");
    start.disabled = true;
    start.textContent = page.i18n.t.starting;
    try {
      const response = await page.clients.imports.startImport({
        clientId: clientId(page),
        departmentIds: chosenDepartmentIds(),
        fromDate: $<HTMLInputElement>("from").value,
        untilDate: $<HTMLInputElement>("until").value,
        overwriteApproved: $<HTMLInputElement>("overwrite").checked,
        // A fresh key per click: a retried request returns the same job instead of starting a second one.
        requestId: crypto.randomUUID(),
      });
      started(response.job!);
    } catch (error) {
      showFormError(describeError(error, page.i18n), page);
    } finally {
      start.textContent = page.i18n.t.startImport;
      start.disabled = running();
    }
  });
}
