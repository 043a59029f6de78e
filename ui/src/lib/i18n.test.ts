import { readFileSync } from 'node:fs';
import { get } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import * as kiosk from '../kiosk/catalogue';
import * as portal from '../portal/catalogue';
import { categoryKinds, categoryNames } from './categories';
import { fill, languages, locale, type Catalogues } from './i18n';

// Words that are the same in both languages, on purpose.
const sameInGerman: Record<string, readonly string[]> = {
  kiosk: ['app.name'],
  portal: [
    'list.status',
    'lobby.attention.kiosk',
    'zones.name',
    'zones.history.version',
    'watchlist.source.portal',
    // Product names, and addresses shown as examples.
    'access.system',
    'access.system.unifi',
    'access.system.verkada',
    'access.url.unifi',
    'access.url.verkada',
    'access.url.webhook',
  ],
};

const apps: [string, Catalogues<string>][] = [
  ['kiosk', kiosk.catalogues],
  ['portal', portal.catalogues],
];

describe.each(apps)('the %s catalogue', (app, { en, de }) => {
  it('German translates every English key and nothing else', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('no entry is empty or left in English where a German word was due', () => {
    for (const key of Object.keys(en)) {
      expect(en[key]?.trim(), key).not.toBe('');
      expect(de[key]?.trim(), key).not.toBe('');
      if (!sameInGerman[app]?.includes(key)) expect(de[key], key).not.toBe(en[key]);
    }
  });

  it('a German entry has the placeholders of its English one', () => {
    const placeholders = (text: string | undefined) => [...(text ?? '').matchAll(/\{\w+\}/g)].map((m) => m[0]).sort();
    for (const key of Object.keys(en)) expect(placeholders(de[key]), key).toEqual(placeholders(en[key]));
  });

  it('names every category as the names file does', () => {
    for (const lang of ['en', 'de'] as const) {
      for (const kind of categoryKinds) {
        expect(app === 'kiosk' ? kiosk.format(lang, `category.${kind}`) : portal.format(lang, `category.${kind}`)).toBe(
          categoryNames[lang][kind],
        );
      }
    }
  });
});

describe('the category names file', () => {
  it('German names every category English names', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../../crates/core/src/category_names.json', import.meta.url), 'utf8'),
    ) as Record<string, Record<string, string>>;
    expect(Object.keys(file).sort()).toEqual(Object.keys(languages).sort());
    expect(Object.keys(file.de ?? {}).sort()).toEqual(Object.keys(file.en ?? {}).sort());
  });

  it('a German interview candidate reads the same word on the screen and in the portal', () => {
    expect(kiosk.format('de', 'category.interview_candidate')).toBe('Vorstellungsgespräch');
    expect(portal.format('de', 'category.interview_candidate')).toBe('Vorstellungsgespräch');
  });
});

describe('placeholders', () => {
  it('are filled from the values, numbers too', () => {
    expect(fill('{n} to send', { n: 3 })).toBe('3 to send');
    expect(fill('{name} hears nothing, {name}', { name: 'Sofia' })).toBe('Sofia hears nothing, Sofia');
  });

  it('stay as they are without a value', () => {
    expect(fill('We are letting {host} know.')).toBe('We are letting {host} know.');
  });

  it('are filled in both apps', () => {
    expect(portal.format('en', 'invite.sent', { name: 'Sofia' })).toBe('Invitation sent to Sofia.');
    expect(portal.format('de', 'invite.end_of_day', { time: '19:00' })).toContain('19:00');
    expect(kiosk.format('en', 'status.sync.waiting', { n: 2 })).toBe('2 to send');
    expect(kiosk.format('de', 'status.sync.waiting', { n: 2 })).toBe('2 zu senden');
  });
});

describe('t', () => {
  it('follows the chosen language', () => {
    locale.set('en');
    expect(get(kiosk.t)('welcome.title')).toBe('Welcome');
    expect(get(portal.t)('nav.mine')).toBe('My invitations');
    locale.set('de');
    expect(get(kiosk.t)('welcome.title')).toBe('Willkommen');
    expect(get(portal.t)('nav.mine')).toBe('Meine Einladungen');
    expect(kiosk.format('de', 'welcome.walk_in')).toBe('Ich habe keine Einladung');
    locale.set('en');
  });

  it('every language names itself in its own words', () => {
    expect(languages.en).toBe('English');
    expect(languages.de).toBe('Deutsch');
  });
});
