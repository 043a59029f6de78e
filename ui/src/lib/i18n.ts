// The kiosk's language: a plain store, and `t` derived from it.

import { derived, writable } from 'svelte/store';
import { de, en, type Catalogue, type MessageKey } from './catalogue';

export const locales = {
  en: { name: 'English', catalogue: en as Catalogue },
  de: { name: 'Deutsch', catalogue: de },
} as const;

export type Locale = keyof typeof locales;

export const locale = writable<Locale>('en');

export function translate(lang: Locale, key: MessageKey): string {
  return locales[lang].catalogue[key];
}

export const t = derived(locale, (lang) => (key: MessageKey) => translate(lang, key));
