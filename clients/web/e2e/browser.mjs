// What the page's browser tests share: Debian's headless Chromium (/usr/bin/chromium, no browser download) in a
// throwaway profile speaking the given locale, and axe's accessibility check of the page as it is.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { chromium } from "playwright-core";

/**
 * Chromium with navigator.language, Accept-Language and Intl set to `locale` (e.g. "da-DK"). Its own interface,
 * such as the order of a date field's day and month, follows LANGUAGE where Debian's chromium-l10n is installed
 * (it is not needed for the tests, only for screenshots that look Danish throughout) and stays en-US without it.
 */
export async function launch(locale, viewport) {
  const userDataDir = mkdtempSync(join(tmpdir(), "pos-page-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    viewport,
    deviceScaleFactor: 1,
    locale,
    env: { ...process.env, LANGUAGE: locale.replace("-", "_") },
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const close = async () => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, page, consoleErrors, close };
}

/**
 * axe-core's WCAG 2.x A/AA rules and its best practices on the page now: every violation with its impact and the
 * elements it found, and how many rules passed (so a check that checked nothing shows).
 */
export async function checkAccessibility(page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  return {
    passes: results.passes.length,
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    })),
  };
}

/** An element's visible text on one line (no-break spaces as spaces). */
export async function text(locator) {
  return ((await locator.innerText()) ?? "").replace(/\s+/g, " ").trim();
}
