// The kiosk's visitor screens in Chromium, with the Tauri side replaced by a fake that answers
// each command as the real one would: every screen in English and German is checked with
// axe-core, every touch target is at least 44 × 44 px, and the flow works from the keyboard.
// (The real app is driven under WebDriver in tests/; this covers what WebKitWebDriver cannot.)

import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const kioskPage = readFileSync(join(import.meta.dirname, '..', 'dist', 'index.html'), 'utf8');

/** Installed before the page loads: answers `invoke` like the kiosk's Rust side. */
function fakeKiosk(setupNeeded: boolean) {
  const sofia = {
    invitation: 'inv-sofia',
    name: 'Sofia Rossi',
    company: 'Rossi Design',
    host: 'Tomás Ortega',
    category: 'guest',
    state: 'ready',
    nda: true,
    photo: true,
  };
  const pending = { ...sofia, invitation: 'inv-walter', name: 'Walter Walk-In', state: 'awaiting_approval' };
  const callbacks = new Map<number, (event: unknown) => void>();
  const listeners = new Map<string, number[]>();
  let next = 1;
  const photo =
    'data:image/svg+xml;base64,' +
    btoa('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="320"><rect width="240" height="320" fill="#9ab"/></svg>');
  const answers: Record<string, (args: Record<string, unknown>) => unknown> = {
    kiosk_status: () => ({
      version: '0.1.0',
      cloud: { state: 'online', version: '0.1.0' },
      sync: { enrolled: true, last_synced_at: null, waiting: 0, problem: null },
      setup_needed: setupNeeded,
      idle_seconds: 45,
    }),
    identify: ({ code }) =>
      code === 'GH1.sofia'
        ? { kind: 'visitor', visitor: sofia }
        : code === 'GH1.pending'
          ? { kind: 'visitor', visitor: { ...sofia, state: 'awaiting_approval' } }
          : code === 'GH1.revoked'
            ? { kind: 'visitor', visitor: { ...sofia, state: 'badge_revoked' } }
            : { kind: 'not_an_invitation' },
    find_visitors: () => [{ invitation: 'inv-sofia', shown: 'Sofia R.' }],
    visitor: () => sofia,
    nda: () => ({
      version: 1,
      text: 'Non-disclosure agreement\n\n1. Everything you see here is confidential.\n\n2. You will not take photographs.',
      sha256: '0'.repeat(64),
    }),
    take_photo: () => photo,
    camera_view: () => photo,
    ask_reception: () => null,
    check_in: () => ({ outcome: 'checked_in', host: 'Tomás Ortega', badge: 'printed' }),
    reprint_badge: () => 'printed',
    check_out: () => ({ outcome: 'checked_out', name: 'Sofia R.' }),
    find_hosts: () => [{ id: 'host-miriam', name: 'Miriam Okafor', organisation: 'Blue Harbor Legal' }],
    walk_in_categories: () => ['guest', 'contractor', 'delivery'],
    register_walk_in: () => pending,
    'plugin:event|listen': ({ event, handler }) => {
      const list = listeners.get(event as string) ?? [];
      list.push(handler as number);
      listeners.set(event as string, list);
      return handler;
    },
    'plugin:event|unlisten': () => null,
  };
  const w = window as unknown as Record<string, unknown>;
  w.__TAURI_INTERNALS__ = {
    invoke: async (command: string, args: Record<string, unknown>) => {
      const answer = answers[command];
      if (!answer) throw { code: 'internal', message: `no fake for ${command}` };
      return answer(args ?? {});
    },
    transformCallback: (callback: (event: unknown) => void) => {
      const id = next++;
      callbacks.set(id, callback);
      return id;
    },
  };
  w.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: () => {} };
  w.__emit = (event: string, payload: unknown) => {
    for (const id of listeners.get(event) ?? []) callbacks.get(id)?.({ event, id, payload });
  };
}

async function openKiosk(page: Page, setupNeeded = false) {
  await page.route('**/kiosk-under-test', (route) =>
    route.fulfill({ contentType: 'text/html', body: kioskPage }),
  );
  await page.addInitScript(fakeKiosk, setupNeeded);
  await page.goto('/kiosk-under-test');
  await expect(page.locator(setupNeeded ? '#setup-title' : '#welcome-title')).toBeVisible();
}

/** No axe violations, and every button, link and field at least 44 × 44 px. */
async function checkScreen(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), name).toEqual([]);
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('button, a, input, [tabindex="0"]')]
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.width < 44 || box.height < 44))
      .map(({ element, box }) => `${element.id || element.textContent?.trim()} ${box.width}×${box.height}`),
  );
  expect(small, `${name}: touch targets under 44 × 44 px`).toEqual([]);
}

async function emitScan(page: Page, code: string) {
  await page.evaluate((scanned) => (window as unknown as { __emit: (e: string, p: unknown) => void }).__emit('scan', scanned), code);
}

for (const language of ['en', 'de'] as const) {
  test(`every visitor screen passes axe and has large touch targets (${language})`, async ({ page }) => {
    await openKiosk(page);
    if (language === 'de') await page.click('#language-de');
    await checkScreen(page, 'welcome');

    await page.click('#action-scan');
    await expect(page.locator('#scan-title')).toBeVisible();
    await checkScreen(page, 'scan');
    await emitScan(page, 'GH1.sofia');
    await expect(page.locator('#visitor-name')).toHaveText('Sofia Rossi');
    await checkScreen(page, 'confirm');

    await page.click('#confirm-yes');
    await expect(page.locator('#nda-text')).toContainText('confidential');
    await checkScreen(page, 'nda');
    await page.fill('#nda-name', 'Sofia Rossi');
    await page.focus('#signature-pad');
    await page.keyboard.press('Enter');
    await page.click('#nda-agree');

    await expect(page.locator('#photo-take')).toBeVisible();
    await checkScreen(page, 'photo');
    await page.click('#photo-take');
    await expect(page.locator('#photo-preview')).toBeVisible();
    await checkScreen(page, 'photo taken');
    await page.click('#photo-use');

    await expect(page.locator('#done-host')).toHaveText('Tomás Ortega');
    await checkScreen(page, 'done');
    await page.click('#done');

    await page.click('#action-scan');
    await emitScan(page, 'GH1.pending');
    await expect(page.locator('#notice-title')).toHaveAttribute('data-notice', 'awaiting_approval');
    await checkScreen(page, 'notice');
    await page.click('#back');

    await page.click('#action-find');
    await page.fill('#find-query', 'sof');
    await expect(page.locator('.match')).toHaveText('Sofia R.');
    await checkScreen(page, 'find');
    await page.click('#back');

    await page.click('#action-walk_in');
    await page.fill('#host-query', 'mir');
    await expect(page.locator('.host .name')).toHaveText('Miriam Okafor');
    await checkScreen(page, 'walk-in host');
    await page.click('.host');
    await expect(page.locator('#category-contractor')).toBeVisible();
    await checkScreen(page, 'walk-in category');
    await page.click('#category-contractor');
    await checkScreen(page, 'walk-in details');
    await page.fill('#walk-in-name', 'Walter Walk-In');
    await page.fill('#walk-in-email', 'walter@nordlicht.example');
    await page.click('#walk-in-register');
    await expect(page.locator('#waiting-title')).toBeVisible();
    await checkScreen(page, 'waiting');
  });
}

/** Presses Tab until `selector` has the focus (as a keyboard user would), then Enter. */
async function tabTo(page: Page, selector: string, then: 'Enter' | null = 'Enter') {
  for (let presses = 0; presses < 40; presses++) {
    if (await page.locator(selector).evaluate((element) => element === document.activeElement)) {
      if (then) await page.keyboard.press(then);
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} cannot be reached with the Tab key`);
}

test('a visitor checks in with the keyboard alone', async ({ page }) => {
  await openKiosk(page);
  await tabTo(page, '#action-find');
  await page.keyboard.type('sof');
  await expect(page.locator('.match')).toHaveText('Sofia R.');
  await tabTo(page, '.match');
  await expect(page.locator('#visitor-name')).toHaveText('Sofia Rossi');
  await tabTo(page, '#confirm-yes');
  await tabTo(page, '#nda-name', null);
  await page.keyboard.type('Sofia Rossi');
  await tabTo(page, '#signature-pad');
  await tabTo(page, '#nda-agree');
  await tabTo(page, '#photo-take');
  await tabTo(page, '#photo-use');
  await expect(page.locator('#done-host')).toHaveText('Tomás Ortega');
});

test('a visitor whose invitation was rejected while inside may check out but gets no new badge', async ({ page }) => {
  await openKiosk(page);
  await page.click('#action-check_out');
  await emitScan(page, 'GH1.revoked');
  await expect(page.locator('#notice-title')).toHaveText(/no longer valid\. Please see reception/);
  await expect(page.locator('#reprint')).toHaveCount(0);
  await checkScreen(page, 'badge revoked');
  await page.click('#check-out');
  await expect(page.locator('#goodbye-name')).toHaveText('Sofia R.');
});

test('the staff set-up screen passes axe and has large touch targets', async ({ page }) => {
  await openKiosk(page, true);
  await checkScreen(page, 'setup');
  await page.fill('#enrollment-code', 'GK-AAAA-BBBB-CCCC');
  await checkScreen(page, 'setup with a code');
});
