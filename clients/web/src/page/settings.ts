// The connection settings: the address's query first, then what was saved, then defaults; and their panel.
import { $, el, withSlots } from "./dom";
import type { I18n } from "../i18n";

export interface Settings {
  host: string;
  token: string;
  clientId: string;
  /** ISO 4217 code of the weekly balance's amounts: the contracts carry no currency. */
  currency: string;
}

const storageKey = "pos-import-settings";
export const defaultCurrency = "DKK";

export function loadSettings(): Settings {
  const saved: Partial<Settings> = JSON.parse(localStorage.getItem(storageKey) ?? "{}");
  const query = new URLSearchParams(location.search);
  const settings: Settings = {
    host: query.get("host") ?? saved.host ?? `${location.protocol === "https:" ? "https" : "http"}://${location.hostname || "127.0.0.1"}:5081`,
    token: query.get("token") ?? saved.token ?? "",
    clientId: query.get("client") ?? saved.clientId ?? "",
    currency: currencyOrDefault(query.get("currency") ?? saved.currency),
  };
  if (query.has("token")) {
    // Keep the token out of the address bar, history and screenshots once read.
    query.delete("token");
    history.replaceState(null, "", `${location.pathname}${query.size ? `?${query}` : ""}`);
  }
  return settings;
}

function currencyOrDefault(code: string | null | undefined): string {
  return code && /^[A-Za-z]{3}$/.test(code.trim()) ? code.trim().toUpperCase() : defaultCurrency;
}

/** The first client id in the token's client_id claim, so a supervisor need not type it. */
export function clientIdFromToken(token: string): string {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    const claim = payload.client_id;
    return String(Array.isArray(claim) ? claim[0] ?? "" : claim ?? "");
  } catch {
    return "";
  }
}

export interface SettingsPanel {
  open(open: boolean): void;
}

/** The panel that edits the settings; `saved` gets the new ones. */
export function setUpSettingsPanel(i18n: I18n, current: () => Settings, saved: (settings: Settings) => void): SettingsPanel {
  $("settings-hint").replaceChildren(...withSlots(i18n.t.settingsHint, {
    command: el("code", {}, "dotnet src/Pos.Grpc.Host/bin/Release/net10.0/Pos.Grpc.Host.dll token --role supervisor --client 1"),
    query: el("code", {}, "?host=…&token=…&client=…&lang=…"),
  }));
  const panel: SettingsPanel = {
    open(open) {
      $("settings").hidden = !open;
      $("toggle-settings").setAttribute("aria-expanded", String(open));
      if (!open) return;
      const settings = current();
      $<HTMLInputElement>("host").value = settings.host;
      $<HTMLTextAreaElement>("token").value = settings.token;
      $<HTMLInputElement>("client").value = settings.clientId;
      $<HTMLInputElement>("currency").value = settings.currency;
    },
  };
  $("toggle-settings").addEventListener("click", () => panel.open($("settings").hidden));
  $("settings-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const settings: Settings = {
      host: $<HTMLInputElement>("host").value.trim(),
      token: $<HTMLTextAreaElement>("token").value.trim().replace(/^Bearer\s+/i, ""),
      clientId: $<HTMLInputElement>("client").value.trim(),
      currency: currencyOrDefault($<HTMLInputElement>("currency").value),
    };
    localStorage.setItem(storageKey, JSON.stringify(settings));
    panel.open(false);
    saved(settings);
  });
  return panel;
}
