// The kiosk's visitor screens in Chromium over a fake backend that answers each command as the
// real one would (fake-kiosk.ts, built by `vite build --mode e2e` into dist-e2e/, which
// `npm run e2e` does first): every screen in English and German is checked with axe-core, every
// touch target is at least 44 × 44 px, and the flow works from the keyboard.
// (The real app is driven under WebDriver in tests/; this covers what WebKitWebDriver cannot.)

import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join, normalize } from 'node:path';

const build = join(import.meta.dirname, '..', 'dist-e2e');
// The kiosk under test has an origin of its own, served from the e2e build alone.
const origin = 'http://kiosk.test';

async function openKiosk(page: Page, setupNeeded = false, query = '') {
  if (!existsSync(join(build, 'e2e', 'kiosk.html'))) {
    throw new Error(`${build} has no kiosk: run \`npm run e2e\` (it builds with --mode e2e first)`);
  }
  await page.route(`${origin}/**`, (route) => {
    const { pathname } = new URL(route.request().url());
    const file = pathname === '/' ? join('e2e', 'kiosk.html') : normalize(pathname).replace(/^[/\\]+/, '');
    return existsSync(join(build, file)) ? route.fulfill({ path: join(build, file) }) : route.fulfill({ status: 404 });
  });
  await page.goto(setupNeeded ? `${origin}/?setup` : `${origin}/?${query}`);
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

/** Holds `code` up to the camera. */
async function holdUp(page: Page, code: string) {
  await page.evaluate((scanned) => window.kioskFake.holdUp(scanned), code);
}

for (const language of ['en', 'de'] as const) {
  test(`every visitor screen passes axe and has large touch targets (${language})`, async ({ page }) => {
    await openKiosk(page);
    if (language === 'de') await page.click('#language-de');
    await checkScreen(page, 'welcome');

    await page.click('#action-scan');
    await expect(page.locator('#scan-title')).toBeVisible();
    await checkScreen(page, 'scan');
    await holdUp(page, 'GH1.sofia');
    await expect(page.locator('#visitor-name')).toHaveText('Sofia Rossi');
    await checkScreen(page, 'confirm');

    await page.click('#confirm-yes');
    // In the visitor's language: they sign what they read.
    await expect(page.locator('#nda-text')).toContainText(language === 'de' ? 'vertraulich' : 'confidential');
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
    if (language === 'de') await page.click('#language-de');

    await page.click('#action-scan');
    await holdUp(page, 'GH1.pending');
    await expect(page.locator('#notice-title')).toHaveAttribute('data-notice', 'awaiting_approval');
    await checkScreen(page, 'notice');
    await page.click('#back');
    if (language === 'de') await page.click('#language-de');

    await page.click('#action-find');
    await page.fill('#find-query', 'Sofia');
    await page.click('#find-continue');
    await expect(page.locator('#find-said')).toBeVisible();
    await checkScreen(page, 'find');
    await page.fill('#find-query', 'Sofia Rossi');
    await page.click('#find-continue');
    await page.fill('#prove-answer', 'someone@else.example');
    await page.click('#prove-continue');
    await expect(page.locator('#prove-said')).toBeVisible();
    await checkScreen(page, 'prove');
    await page.click('#back');
    if (language === 'de') await page.click('#language-de');

    await page.click('#action-walk_in');
    await page.fill('#host-query', 'Miriam');
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

test('the next visitor starts in English after Done or Back to start, whatever the last one chose', async ({ page }) => {
  await openKiosk(page);
  await page.click('#language-de');
  await page.click('#action-scan');
  await expect(page.locator('#scan-title')).toHaveText('Halten Sie Ihren QR-Code vor die Kamera');
  await page.click('#back');
  await expect(page.locator('#welcome-title')).toHaveText('Welcome');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.click('#language-de');
  await page.click('#action-scan');
  await holdUp(page, 'GH1.sofia');
  await page.click('#confirm-yes');
  await page.fill('#nda-name', 'Sofia Rossi');
  await page.focus('#signature-pad');
  await page.keyboard.press('Enter');
  await page.click('#nda-agree');
  await page.click('#photo-take');
  await page.click('#photo-use');
  await expect(page.locator('#done-title')).toHaveText('Sie sind angemeldet');
  await page.click('#done');
  await expect(page.locator('#welcome-title')).toHaveText('Welcome');
});

test('a walk-in with a single name registers, and the kiosk says in its own words what is missing', async ({ page }) => {
  await openKiosk(page);
  await page.click('#action-walk_in');
  await page.fill('#host-query', 'Miriam');
  await page.click('.host');
  await page.click('#category-contractor');
  // Nothing typed: the kiosk's words, not the browser's bubble.
  await page.click('#walk-in-register');
  await expect(page.getByRole('alert')).toHaveText('Please type your name.');
  await page.fill('#walk-in-name', 'Madonna');
  await page.fill('#walk-in-email', 'not an address');
  await page.click('#walk-in-register');
  await expect(page.getByRole('alert')).not.toHaveText('Please type your name.');
  await page.fill('#walk-in-email', 'madonna@nordlicht.example');
  await page.click('#walk-in-register');
  await expect(page.locator('#waiting-title')).toBeVisible();
});

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
  await page.keyboard.type('Sofia Rossi');
  await page.keyboard.press('Enter');
  await expect(page.locator('#prove-title')).toBeVisible();
  await page.keyboard.type('sofia@studio-rossi.example');
  await page.keyboard.press('Enter');
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
  await page.click('#action-scan');
  await holdUp(page, 'GH1.revoked');
  await expect(page.locator('#notice-title')).toHaveText(/no longer valid\. Please see reception/);
  await expect(page.locator('#reprint')).toHaveCount(0);
  await checkScreen(page, 'badge revoked');
  await page.click('#check-out');
  await expect(page.locator('#goodbye-name')).toHaveText('Sofia');
});

test('holding the badge up to check out checks the visitor out in one step', async ({ page }) => {
  await openKiosk(page);
  await page.click('#action-check_out');
  await holdUp(page, 'GH1.revoked');
  await expect(page.locator('#goodbye-name')).toHaveText('Sofia');
});

test('a revoked kiosk shows only its locked screen, in English and German', async ({ page }) => {
  await openKiosk(page);
  await page.goto(`${origin}/?revoked`);
  await expect(page.locator('#locked-title')).toHaveText('This kiosk is switched off');
  await expect(page.locator('#action-scan')).toHaveCount(0);
  await checkScreen(page, 'locked');
  await page.screenshot({ path: join(import.meta.dirname, '..', '..', 'docs', 'screens', 'kiosk-locked.png') });
  await page.click('#language-de');
  await expect(page.locator('#locked-title')).toHaveText('Dieser Kiosk ist abgeschaltet');
});

test('the staff set-up screen passes axe and has large touch targets', async ({ page }) => {
  await openKiosk(page, true);
  await checkScreen(page, 'setup');
  await page.fill('#enrollment-code', 'GK-AAAA-BBBB-CCCC');
  await checkScreen(page, 'setup with a code');
});

const screens = join(import.meta.dirname, '..', '..', 'docs', 'screens');

/** Press and hold the logo, as staff do; a short tap does nothing. */
async function holdLogo(page: Page, ms: number) {
  const logo = page.getByTestId('staff-entry');
  const box = await logo.boundingBox();
  if (!box) throw new Error('no logo');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(ms);
  await page.mouse.up();
}

async function signIn(page: Page, email: string, secret: string, method: 'pin' | 'password' = 'pin') {
  await holdLogo(page, 1700);
  await expect(page.locator('#staff-title')).toBeVisible();
  if (method === 'password') await page.click('#staff-method-password');
  await page.fill('#staff-email', email);
  await page.fill('#staff-secret', secret);
  await page.click('#staff-sign-in');
}

for (const language of ['en', 'de'] as const) {
  test(`every staff screen passes axe and has large touch targets (${language})`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await openKiosk(page);
    if (language === 'de') await page.click('#language-de');
    await holdLogo(page, 300);
    await expect(page.locator('#welcome-title'), 'a short tap on the logo is a tap').toBeVisible();
    await holdLogo(page, 1700);
    await expect(page.locator('#staff-title')).toBeVisible();
    await checkScreen(page, 'staff sign-in');
    await page.screenshot({ path: join(screens, `kiosk-staff-sign-in-${language}.png`) });

    await page.click('#staff-method-password');
    await page.fill('#staff-email', 'fiona.brandt@harbourpoint.example');
    await page.fill('#staff-secret', 'gatehouse-demo');
    await page.click('#staff-sign-in');
    await expect(page.locator('#staff-mode-title')).toBeVisible();
    await expect(page.locator('.visitor-name').first()).toBeVisible();
    await checkScreen(page, 'reception');
    await page.screenshot({ path: join(screens, `kiosk-reception-${language}.png`) });
    await page.click('#tab-on_site');
    await expect(page.locator('.visitor-name', { hasText: 'Hohenstein' })).toBeVisible();
    await checkScreen(page, 'reception, on site');
    await page.screenshot({ path: join(screens, `kiosk-reception-on-site-${language}.png`) });

    await page.click('#mode-admin');
    await expect(page.locator('.review').first()).toBeVisible();
    await checkScreen(page, 'approvals');
    // A held invitation cannot be approved here: the kiosk says who lets it through.
    const viktor = page.locator('.review', { hasText: 'Viktor Krämer' });
    await expect(viktor.locator('.held-note')).toBeVisible();
    await expect(viktor.locator('.approve')).toHaveCount(0);
    await page.locator('.review', { hasText: 'Hannah Schulz' }).locator('.return').click();
    await expect(page.locator('.warning')).toBeVisible();
    await checkScreen(page, 'approvals, confirm');
    await page.screenshot({ path: join(screens, `kiosk-approvals-${language}.png`) });
    await page.click('#staff-lock');
    await expect(page.locator('#welcome-title')).toBeVisible();
  });
}

test('three wrong PINs make the person wait, and the sign-in screen keeps nothing typed', async ({ page }) => {
  await openKiosk(page);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await signIn(page, 'reception@harbourpoint.example', '135790');
    await expect(page.locator('.failure')).toHaveText('That email and PIN or password do not match.');
    await page.click('#back');
  }
  await signIn(page, 'reception@harbourpoint.example', '135790');
  await expect(page.locator('.failure')).toHaveText('Too many wrong tries. Please wait 30 seconds.');
  await allInView(page, ['#staff-title', '#staff-email', '#staff-secret', '#staff-sign-in', '.failure', '#back']);
  await expect(page.locator('#staff-secret')).toHaveValue('');
  await page.click('#back');
  await holdLogo(page, 1700);
  await expect(page.locator('#staff-email')).toHaveValue('');
});

test('reception admits a guest, who then signs at the screen; a receptionist sees no approvals', async ({ page }) => {
  await openKiosk(page);
  await signIn(page, 'reception@harbourpoint.example', '246810');
  await expect(page.locator('#staff-mode-title')).toHaveText('Reception');
  await expect(page.locator('#mode-admin')).toHaveCount(0);
  await page.click('#muster-list');
  await expect(page.locator('.said')).toHaveText('Muster list printed: 2 people on site.');
  await page.click('#tab-on_site');
  await page.click('#check-out-all');
  await page.click('#check-out-all-confirm');
  await expect(page.locator('.said')).toHaveText('Checked out: 2.');
  await page.click('#tab-expected');
  await page.locator('.visitor', { hasText: 'Sofia Rossi' }).locator('.admit').click();
  await expect(page.locator('#visitor-name')).toHaveText('Sofia Rossi');
  await expect(page.locator('#staff-lock')).toHaveCount(0);
});

test('a visitor who holds their code up on the welcome screen is found without a tap', async ({ page }) => {
  await openKiosk(page);
  await holdUp(page, 'GH1.sofia');
  await expect(page.locator('#visitor-name')).toHaveText('Sofia Rossi');
});

/** Every element of `selectors` lies wholly inside the window: nothing cut off, nothing to scroll to. */
async function allInView(page: Page, selectors: string[]) {
  const height = page.viewportSize()?.height ?? 0;
  for (const selector of selectors) {
    const box = await page.locator(selector).boundingBox();
    expect(box, selector).not.toBeNull();
    expect(box?.y ?? -1, `${selector} starts on the screen`).toBeGreaterThanOrEqual(0);
    expect((box?.y ?? 0) + (box?.height ?? 0), `${selector} ends on the screen`).toBeLessThanOrEqual(height);
  }
}

for (const language of ['en', 'de'] as const) {
  test(`a long name and company leave "Is this you?" and both buttons on the screen (${language})`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await openKiosk(page);
    if (language === 'de') await page.click('#language-de');
    await page.click('#action-scan');
    await holdUp(page, 'GH1.long');
    await expect(page.locator('#visitor-name')).toContainText('Wolfeschlegelsteinhausen');
    await allInView(page, ['#confirm-title', '#visitor-name', '#confirm-yes', '#confirm-no']);
    await page.screenshot({ path: join(screens, `kiosk-confirm-long-name-${language}.png`) });
  });

  test(`names in other scripts are shown in the badge's own fonts (${language})`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await openKiosk(page);
    if (language === 'de') await page.click('#language-de');
    await page.click('#action-scan');
    await holdUp(page, 'GH1.scripts');
    await expect(page.locator('#visitor-name')).toContainText('王小明');
    await allInView(page, ['#confirm-title', '#visitor-name', '#confirm-yes', '#confirm-no']);
    // The page itself fetched each script's bundled font, at the weight it shows it in: the name
    // is bold, the company regular (a face spanning both weights once kept regular text from
    // Noto Sans and bold Chinese from its font: boxes on the screen).
    const shown = [
      '700 U+600-6FF',
      '700 U+2E80-2FFF',
      '700 U+1100-11FF',
      '400 U+590-5FF',
      '400 U+900-97F',
      '400 U+E00-E7F',
      '400 U+0-10FFFF',
    ];
    await expect
      .poll(async () => {
        const loaded = await page.evaluate(() =>
          [...document.fonts].filter((face) => face.status === 'loaded').map((face) => `${face.weight} ${face.unicodeRange}`),
        );
        return shown.filter((wanted) => !loaded.some((face) => face.toUpperCase().startsWith(wanted)));
      })
      .toEqual([]);
    await page.screenshot({ path: join(screens, `kiosk-confirm-scripts-${language}.png`) });
  });

  test(`the walk-in form with an error shown still fits the screen (${language})`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await openKiosk(page);
    if (language === 'de') await page.click('#language-de');
    await page.click('#action-walk_in');
    await page.fill('#host-query', 'Miriam');
    await page.click('.host');
    await page.click('#category-contractor');
    await page.click('#walk-in-register');
    await expect(page.getByRole('alert')).toBeVisible();
    await allInView(page, ['#walk-in-title', '#walk-in-name', '#walk-in-email', '#walk-in-register', '[role="alert"]', '#back']);
    await page.screenshot({ path: join(screens, `kiosk-walk-in-error-${language}.png`) });
  });
}

test('"Your badge is being printed" is said only when the kiosk has a printer', async ({ page }) => {
  await openKiosk(page, false, 'noprinter');
  await page.click('#action-scan');
  await holdUp(page, 'GH1.sofia');
  await page.click('#confirm-yes');
  await page.fill('#nda-name', 'Sofia Rossi');
  await page.locator('#signature-pad').press('Enter');
  await page.click('#nda-agree');
  await page.click('#photo-take');
  await page.click('#photo-use');
  await expect(page.locator('#printing-title')).toBeVisible();
  await expect(page.locator('.lead')).toHaveText('This takes a moment.');
});

test('a visitor opens no menu, zooms nothing and goes back nowhere', async ({ page }) => {
  await openKiosk(page);
  const prevented = await page.evaluate(() => {
    const fire = (event: Event) => {
      document.body.dispatchEvent(event);
      return event.defaultPrevented;
    };
    return {
      menu: fire(new MouseEvent('contextmenu', { bubbles: true, cancelable: true })),
      zoom: fire(new WheelEvent('wheel', { bubbles: true, cancelable: true, ctrlKey: true, deltaY: -100 })),
      back: fire(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, altKey: true, key: 'ArrowLeft' })),
      backspace: fire(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, key: 'Backspace' })),
    };
  });
  expect(prevented).toEqual({ menu: true, zoom: true, back: true, backspace: true });
  // A key for staff (F2) opens their sign-in; it grants nothing by itself.
  await page.keyboard.press('F2');
  await expect(page.locator('#staff-title')).toBeVisible();
});

test('reception says a walk-in is expected, and registers one for a visitor', async ({ page }) => {
  await openKiosk(page);
  await signIn(page, 'reception@harbourpoint.example', '246810');
  await page.click('#tab-awaiting_host');
  await page.locator('.visitor', { hasText: 'Walter Walk-In' }).locator('.expected').click();
  await expect(page.locator('.said')).toHaveText('Walter Walk-In is expected: they may check in now.');
  await expect(page.locator('#tab-awaiting_host .count')).toHaveText('0');
  await page.click('#register-walk-in');
  await expect(page.locator('#host-query')).toBeVisible();
  await expect(page.locator('#staff-lock')).toHaveCount(0);
});

test('reception blocks the door pass of a lost badge, and sees why a contractor has none yet', async ({ page }) => {
  await openKiosk(page);
  await signIn(page, 'reception@harbourpoint.example', '246810');
  await page.click('#tab-awaiting_approval');
  await expect(page.locator('.visitor', { hasText: 'Dmitri Volkov' }).locator('.pass-waiting')).toHaveText(
    'No door pass yet, missing: Certificate of insurance',
  );
  await page.click('#tab-on_site');
  const jonas = page.locator('.visitor', { hasText: 'Jonas Weber' });
  await jonas.locator('.revoke').click();
  await checkScreen(page, 'reception, block door pass');
  await page.screenshot({ path: join(screens, 'kiosk-reception-block-door-pass.png') });
  await jonas.locator('.revoke-lost').click();
  await expect(page.locator('.said')).toHaveText("Jonas Weber's door pass is blocked: no door opens for it.");
  await expect(jonas.locator('.pass-revoked')).toHaveText('Door pass blocked');
  await expect(jonas.locator('.revoke')).toHaveCount(0);
});

for (const language of ['en', 'de'] as const) {
  test(`an admin changes the kiosk's settings, and a bad value is refused in plain words (${language})`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await openKiosk(page);
    if (language === 'de') await page.click('#language-de');
    await signIn(page, 'fiona.brandt@harbourpoint.example', 'gatehouse-demo', 'password');
    await page.click('#mode-settings');
    await expect(page.locator('#settings-idle')).toHaveValue('45');
    await checkScreen(page, 'kiosk settings');
    await page.fill('#settings-idle', '2');
    await page.click('#settings-save');
    await expect(page.getByRole('alert')).toContainText('5 to 3600 seconds');
    await page.fill('#settings-idle', '60');
    await page.selectOption('#settings-printer', 'Office');
    await page.selectOption('#settings-media', 'dymo30857');
    await page.selectOption('#settings-camera', { label: 'Integrated Camera' });
    await page.click('#settings-save');
    await expect(page.getByRole('status')).toBeVisible();
    // What was saved is what the kiosk now reports.
    await page.click('#mode-reception');
    await page.click('#mode-settings');
    await expect(page.locator('#settings-media')).toHaveValue('dymo30857');
    await expect(page.locator('#settings-camera')).toHaveValue('1');
    await expect(page.locator('#settings-photo-camera')).toHaveValue('0');
    await page.click('#unenroll');
    await expect(page.locator('.warning')).toBeVisible();
    await checkScreen(page, 'unenroll');
    await allInView(page, ['#staff-mode-title', '#settings-save', '#unenroll-confirm', '.warning']);
    await page.screenshot({ path: join(screens, `kiosk-settings-${language}.png`) });
  });
}
