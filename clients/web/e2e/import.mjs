// End-to-end test of the built Import POS page in headless Chromium, against a running host whose workers
// import from the Lightspeed simulator:
//   node e2e/import.mjs PAGE_URL GRPC_WEB_URL TOKEN CLIENT_ID DEPARTMENT FROM UNTIL LOCALE SCREENSHOT_DIR SCREENSHOT_PREFIX
// Opens the page in a browser speaking LOCALE (e.g. en-GB, da-DK) with ?host=&client=&token=, waits for the
// department and an ACTIVE connection, chooses the department, the dates and "overwrite approved numbers",
// presses Start, waits until the progress bar is part-way and then until the job is done, and reads back what the
// page shows and what its live region announced. axe checks the page before, during and after. Screenshots
// PREFIX-before.png, PREFIX-during.png and PREFIX-after.png go into SCREENSHOT_DIR.
// Prints one JSON line and exits 0 when the page got through, 1 otherwise; the .NET test checks the numbers.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { checkAccessibility, launch, text } from "./browser.mjs";

const [pageUrl, grpcWebUrl, token, clientId, department, from, until, locale, screenshotDir, prefix] = process.argv.slice(2);
const minute = 60_000;
mkdirSync(screenshotDir, { recursive: true });
const browser = await launch(locale, { width: 1280, height: 780 });
browser.context.setDefaultTimeout(minute);
const result = { ok: false, consoleErrors: browser.consoleErrors, accessibility: {} };
try {
  const { page } = browser;
  const query = new URLSearchParams({ host: grpcWebUrl, client: clientId, token });
  await page.goto(`${pageUrl}?${query}`);
  result.addressAfterLoad = page.url();
  result.language = await page.getAttribute("html", "lang");
  result.title = await page.title();

  // The form: the department (listed with its Lightspeed account), the connection, then the choices.
  const row = page.locator("label.department", { has: page.locator(".department-name", { hasText: department }) });
  await row.waitFor();
  result.departmentRow = await text(row);
  const connection = page.locator("#connections .connection[data-state=ACTIVE]").first();
  await connection.waitFor();
  result.connection = await text(connection);
  await row.locator("input[type=checkbox]").check();
  await page.fill("#from", from);
  await page.fill("#until", until);
  await page.check("#overwrite");
  result.stateBefore = await text(page.locator("#state"));
  result.accessibility.before = await checkAccessibility(page);
  await page.screenshot({ path: join(screenshotDir, `${prefix}-before.png`), fullPage: true });

  // Every value the progress bar takes and every text the live region gets, as the page sets them.
  await page.evaluate(() => {
    const seen = (window.__percents = []);
    new MutationObserver(() => {
      const value = document.querySelector("#progress [role=progressbar]")?.getAttribute("aria-valuenow");
      if (value !== undefined && value !== null && seen[seen.length - 1] !== Number(value)) seen.push(Number(value));
    }).observe(document.getElementById("progress"), { childList: true, subtree: true, attributes: true });
    const announcer = document.getElementById("announcer");
    const said = (window.__announced = []);
    new MutationObserver(() => said.push(announcer.textContent)).observe(announcer, { childList: true, characterData: true, subtree: true });
    window.__redraws = 0;
    new MutationObserver(() => window.__redraws++).observe(document.getElementById("progress"), { childList: true });
  });
  await page.click("#start");

  // Part-way: running, the bar well between its ends (the simulator answers slowly on purpose).
  await page.waitForFunction(() => {
    const bar = document.querySelector("#progress [role=progressbar]");
    const value = Number(bar?.getAttribute("aria-valuenow") ?? "0");
    return document.getElementById("state")?.dataset.state === "RUNNING" && value >= 40 && value < 100;
  }, undefined, { timeout: 3 * minute, polling: 50 });
  result.during = {
    percent: Number(await page.locator("#progress [role=progressbar]").getAttribute("aria-valuenow")),
    state: await text(page.locator("#state")),
    summary: await text(page.locator("#progress .job-summary")),
    cancelVisible: await page.locator("#cancel").isVisible(),
    startDisabled: await page.locator("#start").isDisabled(),
  };
  await page.screenshot({ path: join(screenshotDir, `${prefix}-during.png`), fullPage: true });
  result.accessibility.during = await checkAccessibility(page);

  // The end: a terminal state, whichever it is, then what the page says about it.
  await page.waitForFunction(() => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(document.getElementById("state")?.dataset.state ?? ""),
    undefined, { timeout: 5 * minute, polling: 100 });
  // The weekly balance's totals come after the end; then let the bar's width transition finish before the picture.
  await page.locator("#totals dl").waitFor();
  await page.waitForTimeout(500);
  result.state = await text(page.locator("#state"));
  result.stateName = await page.locator("#state").getAttribute("data-state");
  result.percents = await page.evaluate(() => window.__percents);
  result.announced = await page.evaluate(() => window.__announced);
  result.redraws = await page.evaluate(() => window.__redraws);
  result.liveRegions = await page.locator("[aria-live], [role=status], [role=alert]").evaluateAll((nodes) =>
    nodes.filter((n) => !n.hidden).map((n) => n.id));
  result.percent = Number(await page.locator("#progress [role=progressbar]").getAttribute("aria-valuenow"));
  result.jobId = await page.locator("#progress [data-job-id]").getAttribute("data-job-id");
  result.outcome = await text(page.locator("#progress .outcome"));
  result.summary = await text(page.locator("#progress .job-summary"));
  const pairs = (selector, key) => page.locator(selector).evaluateAll((items, key) =>
    items.map((item) => [item.getAttribute(key), item.querySelector("dt")?.textContent?.replace(/\s+/g, " ").trim(),
      item.querySelector("dd")?.textContent?.replace(/\s+/g, " ").trim()]), key);
  result.counts = await pairs("#progress .counts > div", "data-count");
  result.totals = await pairs("#totals dl > div", "data-field-id");
  result.departments = await page.locator("#progress .departments-table tbody tr").evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "")));
  result.problems = await page.locator("#progress .problems").allTextContents();
  result.meta = (await page.locator("#progress .job-meta").allInnerTexts()).join(" · ").replace(/\s+/g, " ");
  result.notes = (await page.locator("#progress .note").allTextContents()).map((n) => n.replace(/\s+/g, " "));
  result.startEnabledAfter = await page.locator("#start").isEnabled();
  result.cancelHiddenAfter = await page.locator("#cancel").isHidden();
  result.accessibility.after = await checkAccessibility(page);
  await page.screenshot({ path: join(screenshotDir, `${prefix}-after.png`), fullPage: true });
  result.ok = true;
} catch (error) {
  result.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
