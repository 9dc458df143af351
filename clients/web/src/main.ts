// The Import POS page: pick departments and dates, start an import, watch it live over gRPC-Web.
// Plain TypeScript and the DOM, in the user's language (src/i18n); each part of the page is a module of src/page.
import "./style.css";
import { createPosClients } from "./client";
import { chooseI18n } from "./i18n";
import { loadConnections } from "./page/connections";
import { clientId, type PageContext } from "./page/context";
import { loadDepartments, setUpSelectAll } from "./page/departments";
import { $, translatePage } from "./page/dom";
import { loadFleet, loadHealth } from "./page/health-view";
import { setUpImportForm } from "./page/import-form";
import { JobPanel } from "./page/job-panel";
import { setUpLanguageMenu } from "./page/language-menu";
import { loadSettings, setUpSettingsPanel, type Settings } from "./page/settings";

const i18n = chooseI18n(new URLSearchParams(location.search).get("lang"), navigator.languages);
translatePage(document, i18n);
setUpLanguageMenu(i18n);

const page: PageContext = { i18n, settings: loadSettings(), clients: undefined!, departments: [] };
const jobs = new JobPanel(page);
const settingsPanel = setUpSettingsPanel(i18n, () => page.settings, (settings) => connect(settings));
setUpSelectAll();
setUpImportForm(page, (job) => jobs.follow(job), () => jobs.running);

/** (Re)connects with the given settings and loads everything the page shows. */
function connect(settings: Settings) {
  page.settings = settings;
  page.clients = createPosClients(settings.host, () => page.settings.token, { defaultTimeoutMs: 15000 });
  const id = clientId(page);
  $("target").textContent = i18n.t.target(settings.host.replace(/^https?:\/\//, ""), id ? String(id) : "?");
  if (!settings.token) settingsPanel.open(true);
  void loadDepartments(page);
  void loadConnections(page);
  void jobs.resume();
  void loadHealth(page);
  // Support's view of the fleet's problems (ListImportHealth needs the support or service role).
  if (new URLSearchParams(location.search).get("view") === "support") void loadFleet(page);
}

connect(page.settings);
