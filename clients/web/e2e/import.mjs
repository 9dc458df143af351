// End-to-end test of the built Import POS page in headless Chromium, against a running host whose workers
// import from the Lightspeed simulator:
//   node e2e/import.mjs PAGE_URL GRPC_WEB_URL TOKEN CLIENT_ID DEPARTMENT FROM UNTIL SCREENSHOT_DIR
// Opens the page with ?host=&client=&token=, waits for the department and an ACTIVE connection, chooses the
// department, the dates and "overwrite approved numbers", presses Start, waits until the progress bar is
// part-way and then until the job is done, and reads back what the page shows. Screenshots
// import-pos-before.png, import-pos-during.png and import-pos-after.png go into SCREENSHOT_DIR.
// Prints one JSON line and exits 0 when the page got through, 1 otherwise; the .NET test checks the numbers.
// Chromium comes from Debian (/usr/bin/chromium): no browser download.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [pageUrl, grpcWebUrl, token, clientId, department, from, until, screenshotDir] = process.argv.slice(2);
const minute = 60_000;
mkdirSync(screenshotDir, { recursive: true });
const userDataDir = mkdtempSync(join(tmpdir(), "pos-e2e-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 780 },
  deviceScaleFactor: 1,
  locale: "en-GB",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run"],
});
context.setDefaultTimeout(minute);
const consoleErrors = [];
const result = { ok: false, consoleErrors };
const text = async (locator) => ((await locator.innerText()) ?? "").replace(/\s+/g, " ").trim();
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const query = new URLSearchParams({ host: grpcWebUrl, client: clientId, token });
  await page.goto(`${pageUrl}?${query}`);
  result.addressAfterLoad = page.url();

  // The form: the department (listed with its Lightspeed account), the connection, then the choices.
  const row = page.locator("label.department", { has: page.locator(".department-name", { hasText: department }) });
  await row.waitFor();
  result.departmentRow = await text(row);
  const connection = page.locator("#connections .connection").first();
  await connection.locator(".status-line", { hasText: "Active" }).waitFor();
  result.connection = await text(connection);
  await row.locator("input[type=checkbox]").check();
  await page.fill("#from", from);
  await page.fill("#until", until);
  await page.check("#overwrite");
  result.stateBefore = await text(page.locator("#state"));
  await page.screenshot({ path: join(screenshotDir, "import-pos-before.png"), fullPage: true });

  // Every value the progress bar takes, as the page sets it.
  await page.evaluate(() => {
    const seen = (window.__percents = []);
    new MutationObserver(() => {
      const value = document.querySelector("#progress [role=progressbar]")?.getAttribute("aria-valuenow");
      if (value !== undefined && value !== null && seen[seen.length - 1] !== Number(value)) seen.push(Number(value));
    }).observe(document.getElementById("progress"), { childList: true, subtree: true, attributes: true });
  });
  await page.click("#start");

  // Part-way: running, the bar well between its ends (the simulator answers slowly on purpose).
  await page.waitForFunction(() => {
    const bar = document.querySelector("#progress [role=progressbar]");
    const value = Number(bar?.getAttribute("aria-valuenow") ?? "0");
    return document.getElementById("state")?.textContent === "Running" && value >= 40 && value < 100;
  }, undefined, { timeout: 3 * minute, polling: 50 });
  result.during = {
    percent: Number(await page.locator("#progress [role=progressbar]").getAttribute("aria-valuenow")),
    summary: await text(page.locator("#progress .job-summary")),
    cancelVisible: await page.locator("#cancel").isVisible(),
    startDisabled: await page.locator("#start").isDisabled(),
  };
  await page.screenshot({ path: join(screenshotDir, "import-pos-during.png"), fullPage: true });

  // The end: a terminal state, whichever it is, then what the page says about it.
  await page.waitForFunction(() => ["Done", "Done, with problems", "Failed", "Cancelled"].includes(document.getElementById("state")?.textContent ?? ""),
    undefined, { timeout: 5 * minute, polling: 100 });
  // Let the bar's width transition finish before the picture.
  await page.waitForTimeout(500);
  result.state = await text(page.locator("#state"));
  result.percents = await page.evaluate(() => window.__percents);
  result.percent = Number(await page.locator("#progress [role=progressbar]").getAttribute("aria-valuenow"));
  result.jobId = await page.locator("#progress [data-job-id]").getAttribute("data-job-id");
  result.outcome = await text(page.locator("#progress .outcome"));
  result.summary = await text(page.locator("#progress .job-summary"));
  result.counts = Object.fromEntries(await page.locator("#progress .counts > div").evaluateAll((items) =>
    items.map((item) => [item.querySelector("dt")?.textContent?.trim(), item.querySelector("dd")?.textContent?.trim()])));
  result.departments = await page.locator("#progress .departments-table tbody tr").evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "")));
  result.problems = await page.locator("#progress .alert.error").allTextContents();
  result.meta = (await page.locator("#progress .job-meta").allInnerTexts()).join(" · ");
  result.notes = await page.locator("#progress .note").allTextContents();
  result.startEnabledAfter = await page.locator("#start").isEnabled();
  result.cancelHiddenAfter = await page.locator("#cancel").isHidden();
  await page.screenshot({ path: join(screenshotDir, "import-pos-after.png"), fullPage: true });
  result.ok = true;
} catch (error) {
  result.error = String(error);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
