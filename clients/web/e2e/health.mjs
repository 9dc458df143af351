// Headless-Chromium test of the Import POS page's health views against a running host:
//   node e2e/health.mjs PAGE_URL GRPC_WEB_URL SUPERVISOR_TOKEN CLIENT_ID SUPPORT_TOKEN LOCALE SCREENSHOT_DIR PREFIX
// 1. As the client's supervisor: waits for the health table (GetImportHealth) and reads it row by row.
// 2. As support with ?view=support: waits for the fleet's clients with problems (ListImportHealth) and reads them.
// axe checks both; a screenshot of each card goes to SCREENSHOT_DIR/PREFIX-health.png and PREFIX-support.png.
// Prints one JSON line and exits 0 when both views rendered, 1 otherwise; the .NET test checks the rest.
import { join } from "node:path";
import { checkAccessibility, launch, text } from "./browser.mjs";

const [pageUrl, grpcWebUrl, supervisorToken, clientId, supportToken, locale, screenshots, prefix] = process.argv.slice(2);
const browser = await launch(locale, { width: 1280, height: 900 });
const result = { ok: false, consoleErrors: browser.consoleErrors, accessibility: {} };
const address = (token, extra = {}) =>
  `${pageUrl}?${new URLSearchParams({ host: grpcWebUrl, token, client: clientId, lang: locale, ...extra })}`;
const rows = (page, selector) => page.locator(selector).evaluateAll((nodes) => nodes.map((row) => ({
  department: row.getAttribute("data-department"),
  problems: [...row.querySelectorAll("[data-problem]")].map((p) => p.getAttribute("data-problem")),
  days: [...row.querySelectorAll("[data-status]")].map((d) => d.getAttribute("data-status")),
  registers: [...row.querySelectorAll("[data-register]")].map((r) => r.innerText.trim()),
  text: row.innerText.replace(/\s+/g, " ").trim(),
})));
try {
  const { page } = browser;
  await page.goto(address(supervisorToken));
  result.language = await page.getAttribute("html", "lang");
  await page.locator("#health .health-row").first().waitFor({ timeout: 20000 });
  result.health = await rows(page, "#health .health-row");
  result.night = await text(page.locator("#health .night"));
  result.clientProblems = await page.locator("#health > .problems [data-problem]").evaluateAll((n) => n.map((p) => p.getAttribute("data-problem")));
  result.fleetHidden = await page.locator("#fleet-card").isHidden();
  result.accessibility.health = await checkAccessibility(page);
  await page.locator("section:has(#health)").screenshot({ path: join(screenshots, `${prefix}-health.png`) });

  await page.goto(address(supportToken, { view: "support" }));
  await page.locator("#fleet .fleet-client").first().waitFor({ timeout: 20000 });
  result.fleet = await page.locator("#fleet .fleet-client").evaluateAll((nodes) => nodes.map((c) => ({
    client: c.getAttribute("data-client"),
    departments: [...c.querySelectorAll(".health-row")].map((r) => r.getAttribute("data-department")),
  })));
  result.accessibility.support = await checkAccessibility(page);
  await page.locator("#fleet-card").screenshot({ path: join(screenshots, `${prefix}-support.png`) });
  result.ok = true;
} catch (error) {
  result.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
