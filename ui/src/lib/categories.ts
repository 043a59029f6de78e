// The visible names of visitor categories. They come from crates/core/src/category_names.json,
// the one file that the kiosk screens, the portal, the printed badge and the emails all read, so
// a visitor reads the same word on the screen, on their badge and in their email.

import names from '../../../crates/core/src/category_names.json';
import type { Language } from './i18n';

export type CategoryKind = keyof typeof names.en;

export const categoryNames: { readonly [L in Language]: Readonly<Record<CategoryKind, string>> } = names;

/** Every category kind, in the order of the names file. */
export const categoryKinds = Object.keys(names.en) as CategoryKind[];

export type CategoryKey = `category.${CategoryKind}`;

/** A catalogue's `category.*` entries in one language, taken from the names file. */
export function categoryEntries(lang: Language): Record<CategoryKey, string> {
  return Object.fromEntries(
    categoryKinds.map((kind) => [`category.${kind}`, categoryNames[lang][kind]]),
  ) as Record<CategoryKey, string>;
}
