// The portal's language: the browser's, German or English, switchable.

import { derived, writable } from 'svelte/store';
import { de, en, type PortalKey } from './catalogue';

export type PortalLocale = 'en' | 'de';

const catalogues: Record<PortalLocale, Record<PortalKey, string>> = { en, de };

function browserLocale(): PortalLocale {
  return typeof navigator !== 'undefined' && navigator.language.startsWith('de') ? 'de' : 'en';
}

export const locale = writable<PortalLocale>(browserLocale());

/** `{name}` placeholders are filled from `values`. */
export function format(lang: PortalLocale, key: PortalKey, values: Record<string, string> = {}): string {
  return catalogues[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

export const t = derived(
  locale,
  (lang) =>
    (key: PortalKey, values?: Record<string, string>) =>
      format(lang, key, values),
);
