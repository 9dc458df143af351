// The language menu: each language named in itself; choosing one reloads the page with ?lang= (a running import
// is picked up again after the reload).
import { createI18n, languages, type I18n } from "../i18n";
import { $, el } from "./dom";

export function setUpLanguageMenu({ language }: I18n) {
  const menu = $<HTMLSelectElement>("language");
  menu.replaceChildren(...languages.map((l) => el("option", { value: l, lang: l }, createI18n(l).t.languageName)));
  menu.value = language;
  menu.addEventListener("change", () => {
    const query = new URLSearchParams(location.search);
    query.set("lang", menu.value);
    location.search = query.toString();
  });
}
