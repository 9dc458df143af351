// Small DOM helpers. Every text goes in through textContent or a text node, never innerHTML.
import type { I18n, Messages } from "../i18n";

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/**
 * Text written by the server (its error descriptions, a connection's last error) is English: marked so, a
 * screen reader reads it with English pronunciation on a Danish page.
 */
export function serverText(text: string, { language }: I18n): Node {
  return language === "en" ? document.createTextNode(text) : el("span", { lang: "en" }, text);
}

/** A catalogue text with {name} slots filled by nodes, e.g. "Run {command} on the server." with a <code>. */
export function withSlots(text: string, slots: Record<string, Node>): (Node | string)[] {
  return text.split(/\{(\w+)\}/).map((part, i) => (i % 2 === 1 ? slots[part] ?? `{${part}}` : part));
}

/** The texts of the static page (data-i18n, data-i18n-placeholder), its language and title. */
export function translatePage(root: Document, { language, t }: I18n) {
  root.documentElement.lang = language;
  root.title = t.pageTitle;
  const text = (key: string) => {
    const value = t[key as keyof Messages];
    if (typeof value !== "string") throw new Error(`data-i18n: no text "${key}" in the catalogue`);
    return value;
  };
  for (const node of root.querySelectorAll<HTMLElement>("[data-i18n]")) node.textContent = text(node.dataset.i18n!);
  for (const node of root.querySelectorAll<HTMLElement>("[data-i18n-placeholder]")) node.setAttribute("placeholder", text(node.dataset.i18nPlaceholder!));
}
