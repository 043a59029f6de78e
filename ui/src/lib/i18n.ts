// The person's language, for the kiosk and the portal alike: one store for the language chosen,
// one catalogue type, and `{name}` placeholders filled the same way in both apps. Each app keeps
// its own words (kiosk/catalogue.ts, portal/catalogue.ts) and makes its `t` here.

import { derived, writable, type Readable } from 'svelte/store';

/** The languages Gatehouse speaks, each named in its own words. */
export const languages = {
  en: 'English',
  de: 'Deutsch',
} as const;

export type Language = keyof typeof languages;

/** The language shown now. The kiosk starts in English; the portal sets the browser's. */
export const locale = writable<Language>('en');

/** German if the browser asks for it, else English. */
export function browserLanguage(): Language {
  return typeof navigator !== 'undefined' && navigator.language.startsWith('de') ? 'de' : 'en';
}

/**
 * An app's words in every language: English defines the keys (`typeof en`), and each other
 * language must translate every one of them and nothing else (the type checker enforces it).
 */
export type Catalogues<Key extends string> = { readonly [L in Language]: Readonly<Record<Key, string>> };

export type Values = Readonly<Record<string, string | number>>;

/** Fills `{name}` placeholders from `values`; a placeholder without a value stays as it is. */
export function fill(text: string, values: Values = {}): string {
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in values ? String(values[name]) : placeholder,
  );
}

export interface Translation<Key extends string> {
  /** The words for `key` in `lang`, placeholders filled. */
  format: (lang: Language, key: Key, values?: Values) => string;
  /** `format` in the language shown now, for components: `$t('key', { name })`. */
  t: Readable<(key: Key, values?: Values) => string>;
}

export function translation<Key extends string>(catalogues: Catalogues<Key>): Translation<Key> {
  const format = (lang: Language, key: Key, values?: Values) => fill(catalogues[lang][key], values);
  const t = derived(locale, (lang) => (key: Key, values?: Values) => format(lang, key, values));
  return { format, t };
}
