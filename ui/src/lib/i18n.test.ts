import { get } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import { de, en, type MessageKey } from './catalogue';
import { locale, locales, t, translate } from './i18n';

describe('catalogue', () => {
  it('German translates every English key and nothing else', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('no entry is empty or left in English where a German word was due', () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      expect(en[key].trim(), key).not.toBe('');
      expect(de[key].trim(), key).not.toBe('');
      if (key !== 'app.name') expect(de[key], key).not.toBe(en[key]);
    }
  });

  it('every language names itself in its own words', () => {
    expect(locales.en.name).toBe('English');
    expect(locales.de.name).toBe('Deutsch');
  });
});

describe('t', () => {
  it('follows the chosen language', () => {
    locale.set('en');
    expect(get(t)('welcome.title')).toBe('Welcome');
    locale.set('de');
    expect(get(t)('welcome.title')).toBe('Willkommen');
    expect(translate('de', 'welcome.walk_in')).toBe('Ich habe keine Einladung');
    locale.set('en');
  });
});
