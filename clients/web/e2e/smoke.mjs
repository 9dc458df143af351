// Headless-Chromium smoke test of the built Import POS page against a running host:
//   node e2e/smoke.mjs PAGE_URL GRPC_WEB_URL TOKEN CLIENT_ID EXPECTED_DEPARTMENT LOCALE SCREENSHOT.png
// Opens the page in a browser speaking LOCALE, fills the connection settings panel, and waits until the client's
// departments are listed and the Lightspeed connection status is rendered: the browser -> gRPC-Web -> host path,
// end to end; then that Start with nothing chosen shows the server's refusal next to the departments, the
// checkboxes marked aria-invalid and described by the message. axe checks the page idle and with the refusal.
// Prints one JSON line and exits 0 when the page got that far, 1 otherwise; the .NET test checks the rest.
import { checkAccessibility, launch, text } from "./browser.mjs";

const [pageUrl, grpcWebUrl, token, clientId, expectedDepartment, locale, screenshot] = process.argv.slice(2);
const browser = await launch(locale, { width: 1280, height: 860 });
const result = { ok: false, consoleErrors: browser.consoleErrors, accessibility: {} };
try {
  const { page } = browser;
  await page.goto(pageUrl);
  result.language = await page.getAttribute("html", "lang");
  // With no token saved, the page opens its settings panel by itself.
  await page.locator("#settings").waitFor({ state: "visible", timeout: 10000 });
  await page.fill("#host", grpcWebUrl);
  await page.fill("#token", token);
  await page.fill("#client", clientId);
  await page.click("#settings-form button[type=submit]");

  await page.locator(".department-name", { hasText: expectedDepartment }).first().waitFor({ timeout: 15000 });
  const connection = page.locator("#connections .status-line").first();
  await connection.waitFor({ timeout: 15000 });
  result.connection = await text(connection);
  result.departments = await page.locator(".department-name").allTextContents();
  result.state = await text(page.locator("#state"));
  result.stateName = await page.locator("#state").getAttribute("data-state");
  result.accessibility.idle = await checkAccessibility(page);
  await page.screenshot({ path: screenshot, fullPage: true });

  // Start with no department chosen: the server refuses (INVALID_ARGUMENT naming department_ids), and the page
  // must say so in words next to the departments.
  await page.click("#start");
  await page.locator(".field.invalid").first().waitFor({ timeout: 15000 });
  result.formError = await text(page.locator("#form-error"));
  result.invalid = await page.locator("[aria-invalid=true]").evaluateAll((nodes) => nodes.map((n) => ({
    id: n.id || n.getAttribute("name"),
    describedBy: n.getAttribute("aria-describedby"),
    message: (n.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent?.trim() ?? "").join(" | "),
  })));
  result.focused = await page.evaluate(() => document.activeElement?.getAttribute("aria-invalid"));
  result.accessibility.refused = await checkAccessibility(page);
  if (process.env.POS_ERROR_SCREENSHOT_PATH) await page.screenshot({ path: process.env.POS_ERROR_SCREENSHOT_PATH, fullPage: true });
  result.ok = true;
} catch (error) {
  result.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
