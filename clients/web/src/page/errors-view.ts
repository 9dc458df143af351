// A failed call as the page shows it: the summary bold, then each field and precondition.
import { errorLines, type PlainError } from "../client";
import type { I18n } from "../i18n";
import { el, serverText } from "./dom";

/** The error's lines as elements; `lead` replaces the summary when the page knows better what it means here. */
export function errorNodes(error: PlainError, i18n: I18n, lead?: string): HTMLElement[] {
  const lines = errorLines(error, i18n);
  if (lead) lines[0] = { ours: lead, server: "" };
  return lines.map((line, i) => el(i === 0 ? "strong" : "p", {},
    ...(line.ours ? [line.ours] : []), ...(line.ours && line.server ? [": "] : []), ...(line.server ? [serverText(line.server, i18n)] : [])));
}
