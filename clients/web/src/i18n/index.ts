// The page's language and locale: texts from the message catalogue, numbers and dates from Intl.
import { danish } from "./da";
import { english } from "./en";
import { createFormats, type Formats } from "./format";
import type { Language, Messages } from "./messages";

export type { Formats } from "./format";
export type { Language, Messages } from "./messages";

/** What the page says and how it writes numbers and dates, for one user. */
export interface I18n {
  /** The language of the texts. */
  readonly language: Language;
  /** The texts. */
  readonly t: Messages;
  /** Numbers, dates and times in the user's locale (which may differ from the language: en-US numbers, English texts). */
  readonly f: Formats;
}

const catalogues: Record<Language, (formats: Formats) => Messages> = { en: english, da: danish };

export const languages = Object.keys(catalogues) as Language[];

/** The catalogue language of a locale ("da-DK" -> "da"); undefined when there is none. */
export function languageOf(locale: string): Language | undefined {
  const language = locale.split("-")[0].toLowerCase();
  return languages.find((l) => l === language);
}

/**
 * The locale the page formats in and the language it speaks. An explicit choice (`?lang=da`, `?lang=en-GB`) wins
 * for both; otherwise numbers and dates follow the browser's first language and the texts its first language with
 * a catalogue, English when none has one. A choice that is not a valid locale is ignored.
 */
export function chooseI18n(choice: string | null | undefined, browserLanguages: readonly string[]): I18n {
  const valid = [choice, ...browserLanguages].flatMap((l) => canonical(l));
  const explicit = choice ? canonical(choice)[0] : undefined;
  const locale = explicit ?? valid[0] ?? "en";
  const language = (explicit ? languageOf(explicit) : undefined) ?? valid.map(languageOf).find((l) => l !== undefined) ?? "en";
  return createI18n(locale, language);
}

export function createI18n(locale: string, language: Language = languageOf(locale) ?? "en"): I18n {
  const f = createFormats(locale);
  return { language, t: catalogues[language](f), f };
}

function canonical(locale: string | null | undefined): string[] {
  if (!locale) return [];
  try {
    return Intl.getCanonicalLocales(locale);
  } catch {
    return [];
  }
}
