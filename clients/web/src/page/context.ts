// What the page's parts share: the user's language, the connection settings, the clients and the departments.
import type { PosClients } from "../client";
import type { Department } from "../gen/pos/departments/v1/department_service_pb";
import type { I18n } from "../i18n";
import { clientIdFromToken, type Settings } from "./settings";

export interface PageContext {
  readonly i18n: I18n;
  settings: Settings;
  clients: PosClients;
  /** The client's departments, as last listed. */
  departments: Department[];
}

/** The client the page works for: the one set in the settings, else the token's. */
export function clientId(page: PageContext): bigint {
  return BigInt(page.settings.clientId || clientIdFromToken(page.settings.token) || "0");
}

export function departmentName(page: PageContext, id: bigint): string {
  return page.departments.find((d) => d.departmentId === id)?.name || page.i18n.t.departmentFallbackName(String(id));
}
