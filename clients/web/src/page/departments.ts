// The client's departments as checkboxes, each with its Lightspeed account and registers.
import { describeError } from "../client";
import { clientId, type PageContext } from "./context";
import { $, el } from "./dom";
import { errorNodes } from "./errors-view";

export async function loadDepartments(page: PageContext) {
  const { t } = page.i18n;
  const box = $("departments");
  box.setAttribute("aria-busy", "true");
  box.replaceChildren(el("p", { class: "muted" }, t.loadingDepartments));
  try {
    const departments = [];
    let pageToken = "";
    do {
      const response = await page.clients.departments.listDepartments({ clientId: clientId(page), pageSize: 1000, pageToken });
      departments.push(...response.departments);
      pageToken = response.nextPageToken;
    } while (pageToken);
    page.departments = departments;
  } catch (error) {
    box.replaceChildren(el("div", { class: "alert error" }, ...errorNodes(describeError(error, page.i18n), page.i18n)));
    return;
  } finally {
    box.removeAttribute("aria-busy");
  }
  if (page.departments.length === 0) {
    box.replaceChildren(el("p", { class: "muted" }, t.noDepartments));
    return;
  }
  box.replaceChildren(...page.departments.map((d) => {
    const id = String(d.departmentId);
    const importable = d.posClientNumber !== "";
    const input = el("input", { type: "checkbox", name: "department", value: id });
    input.disabled = !importable;
    return el("label", { class: `department${importable ? "" : " disabled"}` }, input,
      el("span", { class: "department-name" }, d.name || t.departmentFallbackName(id)),
      el("span", { class: "department-meta" }, importable
        ? t.departmentMeta(id, d.posClientNumber, d.posTerminalNumbers.length)
        : t.departmentWithoutPosNumber(id)));
  }));
}

export function chosenDepartmentIds(): bigint[] {
  return [...document.querySelectorAll<HTMLInputElement>("input[name=department]:checked")].map((b) => BigInt(b.value));
}

export function setUpSelectAll() {
  $("select-all").addEventListener("click", () => {
    const boxes = [...document.querySelectorAll<HTMLInputElement>("input[name=department]:not(:disabled)")];
    const all = boxes.every((b) => b.checked);
    for (const b of boxes) b.checked = !all;
  });
}
