import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const password = 'gatehouse-demo';
const fiona = 'fiona.brandt@harbourpoint.example'; // facility manager
const ada = 'ada.lindqvist@northwind.example'; // Northwind's occupancy manager
const tomas = 'tomas.ortega@northwind.example'; // Visitor Invitation Only
// Visitor Invitation All: may run visits past the end of the day, so a walk-in for her is taken
// at any hour (one for Tomás is refused once the building has closed).
const miriam = 'miriam.okafor@blueharbor.example';
const screens = join(import.meta.dirname, '..', '..', 'docs', 'screens');

async function signIn(page: Page, email: string, path = '/portal') {
  await page.goto(path);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('#sign-in');
  await expect(page.locator('#sign-out')).toBeVisible();
}

/** Signs out, and waits until the portal shows the sign-in form again. */
async function signOut(page: Page) {
  await page.click('#sign-out');
  await expect(page.locator('#email')).toBeVisible();
}

/** The Review invitation link from the newest pending-approval email about `visitor`. */
function reviewLink(visitor: string): string {
  const folder = join(process.env.GATEHOUSE_E2E_DIR ?? '', 'mail');
  for (const file of readdirSync(folder).sort().reverse()) {
    const raw = readFileSync(join(folder, file), 'utf8').replace(/=\r?\n/g, '');
    if (raw.includes(`Invitation pending approval: ${visitor}`)) {
      const link = /Review invitation: (http\S+)/.exec(raw)?.[1];
      if (link) return link;
    }
  }
  throw new Error(`no pending-approval email about ${visitor} in ${folder}`);
}

/** Tomorrow at the site, as the date field takes it: the cloud invites nobody for a time already over. */
function tomorrow(): string {
  const day = new Date(Date.now() + 24 * 60 * 60 * 1000);
  return day.toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' });
}

async function invite(page: Page, visitor: string, category: string) {
  await page.click('#nav-invite');
  await page.fill('#date', tomorrow());
  await page.selectOption('#category', category);
  await page.fill('#visitor-name', visitor);
  await page.fill('#visitor-email', `${visitor.toLowerCase().replace(/\s+/g, '.')}@guest.example`);
  await page.fill('#visitor-company', 'Guest Co');
  await page.fill('#from', '10:00');
  await page.fill('#until', '12:00');
  await page.click('#send-invitation');
}

test('wrong password says so and signs nobody in', async ({ page }) => {
  await page.goto('/portal');
  await page.fill('#email', tomas);
  await page.fill('#password', 'not the password');
  await page.click('#sign-in');
  await expect(page.getByRole('alert')).toHaveText('The email or password is not right.');
  await expect(page.locator('#sign-out')).toHaveCount(0);
});

test("the cloud's errors are told in the person's language, not in its English message", async ({ page }) => {
  await page.goto('/portal');
  await page.selectOption('select[aria-label="Language"]', 'de');
  await page.fill('#email', tomas);
  await page.fill('#password', 'not the password');
  await page.click('#sign-in');
  await expect(page.getByRole('alert')).toHaveText('E-Mail-Adresse oder Passwort stimmen nicht.');
  await page.selectOption('select[aria-label="Language"]', 'en');
  await expect(page.getByRole('alert')).toHaveText('The email or password is not right.');
});

test('a host invites a contractor: it waits for approval and the guest hears nothing yet', async ({ page }) => {
  await signIn(page, tomas);
  await invite(page, 'Greta Contractor', 'contractor');
  await expect(page.locator('#invite-result')).toHaveText(
    'The invitation for Greta Contractor waits for approval. Greta Contractor hears nothing until it is approved.',
  );
  await page.screenshot({ path: join(screens, 'portal-invite.png') });
  await page.click('#nav-mine');
  const row = page.locator('tr', { hasText: 'Greta Contractor' });
  await expect(row).toContainText('Pending');
  await expect(page.locator('#nav-review')).toHaveCount(0);
});

test('without can_exceed_end_of_day the visit ends by the end of the day; with it, it need not', async ({ page }) => {
  await signIn(page, tomas);
  await page.click('#nav-invite');
  await expect(page.locator('#until')).toHaveAttribute('max', '19:00');
  await expect(page.locator('#host')).toHaveCount(0);
  await signOut(page);
  // Signing out finishes before the next person signs in (else the old session is reloaded).
  await expect(page.locator('#email')).toBeVisible();
  await signIn(page, ada);
  await page.click('#nav-invite');
  await expect(page.locator('#until')).not.toHaveAttribute('max', /.*/);
  await expect(page.locator('#host option')).toContainText(['Me', 'Tomás Ortega']);
});

test("the email's Review invitation link opens the invitation, and an admin approves it", async ({ page }) => {
  const link = reviewLink('Dmitri Volkov');
  await signIn(page, fiona, new URL(link).pathname);
  await expect(page.locator('#invitation-visitor')).toHaveText('Dmitri Volkov');
  await expect(page.locator('.detail')).toContainText('Pending');
  await page.screenshot({ path: join(screens, 'portal-review.png') });
  await page.getByRole('button', { name: 'Review: Dmitri Volkov' }).click();
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.locator('.detail p .badge')).toHaveText('Approved');
  await expect(page.locator('#timeline li').last()).toContainText('Approved');
  await expect(page.locator('#timeline li').last()).toContainText('by Fiona Brandt');
  await expect(page.locator('#timeline li').first()).toContainText('Invited');
});

test("an approved visit shows its door credential: the contractor's zones, its window, what it waits for", async ({
  page,
}) => {
  // Dmitri Volkov was approved in the test before.
  await signIn(page, fiona, new URL(reviewLink('Dmitri Volkov')).pathname);
  await expect(page.locator('#invitation-visitor')).toHaveText('Dmitri Volkov');
  await expect(page.locator('#credential-state')).toHaveAttribute('data-state', 'prepared');
  await expect(page.locator('#credential-state')).toHaveText('Waiting for documents: opens no door until they are handed in');
  await expect(page.locator('#credential-zones')).toHaveText('Lobby · Service corridor · Freight elevator');
  // A contractor hands in a certificate of insurance before any door opens for him.
  await expect(page.locator('#credential-missing')).toHaveText('Certificate of insurance');
  // What the guest has handed in before the visit, as their own page shows it: nothing yet.
  await expect(page.locator('#credential-pre-registration')).toHaveText('NDA: not yet · Certificate of insurance: not yet');
  // Nothing to revoke before the visitor holds it.
  await expect(page.locator('#credential-revoke')).toHaveCount(0);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await page.screenshot({ path: join(screens, 'portal-credential.png'), fullPage: true });
  await page.selectOption('select[aria-label="Language"]', 'de');
  await expect(page.locator('#credential-title')).toHaveText('Türberechtigung');
  await expect(page.locator('#credential-state')).toHaveText('Wartet auf Dokumente: öffnet keine Tür, bis sie eingereicht sind');
  await page.selectOption('select[aria-label="Language"]', 'en');
});

test('an admin rejects with a reason from the list of visitor invitations', async ({ page }) => {
  await signIn(page, ada);
  await invite(page, 'Rudi Rejected', 'contractor');
  await signOut(page);
  // Signing out finishes before the next person signs in (else the old session is reloaded).
  await expect(page.locator('#email')).toBeVisible();
  await signIn(page, fiona);
  await page.click('#nav-review');
  const row = page.locator('tr', { hasText: 'Rudi Rejected' });
  await row.getByRole('button', { name: 'Review: Rudi Rejected' }).click();
  await row.getByRole('button', { name: 'Reject' }).click();
  await row.locator('textarea').fill('No access to the lab this week.');
  await row.getByRole('button', { name: /Reject · Confirm/ }).click();
  await expect(page.locator('tr', { hasText: 'Rudi Rejected' })).toHaveCount(0);
  await page.selectOption('#review-filter', 'all');
  await expect(page.locator('tr', { hasText: 'Rudi Rejected' })).toContainText('Rejected');
  await page.screenshot({ path: join(screens, 'portal-invitations.png') });
});

test('taking back an approval asks why but accepts no reason', async ({ page }) => {
  await signIn(page, fiona);
  await page.click('#nav-review');
  await page.selectOption('#review-filter', 'all');
  const row = page.locator('tr', { hasText: 'Jonas Weber' });
  await expect(row).toContainText('Approved');
  await row.getByRole('button', { name: 'Review: Jonas Weber' }).click();
  await row.getByRole('button', { name: 'Back to pending' }).click();
  await expect(row.locator('.notice')).toContainText('exceptional');
  await expect(row.locator('form.reason')).toContainText('you may leave it empty');
  await expect(row.locator('textarea')).not.toHaveAttribute('required', '');
  await row.getByRole('button', { name: /Back to pending · Confirm/ }).click();
  await expect(row).toContainText('Pending');
});

test('the list shows the filter chosen last, even when an older answer arrives later', async ({
  page,
}) => {
  await signIn(page, fiona);
  // Hold back the answer for "waiting for approval" until "all" has been chosen and answered.
  let releasePending = () => {};
  const pendingHeld = new Promise<void>((resolve) => (releasePending = resolve));
  await page.route('**/api/v1/invitations?status=pending*', async (route) => {
    await pendingHeld;
    await route.continue();
  });
  await page.click('#nav-review');
  await page.selectOption('#review-filter', 'all');
  await expect(page.locator('tr', { hasText: 'Sofia Rossi' })).toBeVisible();
  const stale = page.waitForResponse('**/api/v1/invitations?status=pending*');
  releasePending();
  await stale;
  await expect(page.locator('tr', { hasText: 'Sofia Rossi' })).toBeVisible();
});

test('the portal speaks German', async ({ page }) => {
  await signIn(page, tomas);
  await page.selectOption('select[aria-label="Language"]', 'de');
  await expect(page.locator('#nav-invite')).toHaveText('Besucher einladen');
  await expect(page.locator('h1')).toHaveText('Meine Einladungen');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  // Category names as the kiosk and the badge say them, from the one names file.
  await expect(page.locator('tr', { hasText: 'Sofia Rossi' })).toContainText('Gast');
  await page.click('#nav-invite');
  await expect(page.locator('#category option[value="contractor"]')).toContainText('Handwerker / Dienstleister');
  await expect(page.locator('#category option[value="interview_candidate"]')).toContainText('Vorstellungsgespräch');
  // The choice is the person's: their emails come in German, and the portal opens in it again.
  await page.reload();
  await expect(page.locator('#nav-invite')).toHaveText('Besucher einladen');
  await page.selectOption('select[aria-label="Language"]', 'en');
  await page.reload();
  await expect(page.locator('#nav-invite')).toHaveText('Invite a visitor');
});

test("a check-in flagged by a kiosk waits in reception's lobby until someone handles it", async ({
  page,
  request,
}) => {
  // A kiosk that was offline checks in Hannah Schulz, whose invitation was rejected meanwhile.
  const session = await (await request.post('/api/v1/sessions', { data: { email: fiona, password } })).json();
  const bearer = { Authorization: `Bearer ${session.token}` };
  const code = await (await request.post('/api/v1/kiosk-codes', { headers: bearer, data: { name: 'Lobby' } })).json();
  const kiosk = await (await request.post('/api/v1/kiosks/enroll', { data: { code: code.code } })).json();
  const [hannah] = await (
    await request.get('/api/v1/invitations?q=Hannah%20Schulz', { headers: bearer })
  ).json();
  await request.post(`/api/v1/invitations/${hannah.id}/reject`, {
    headers: bearer,
    data: { reason: 'Security asked to see her first.' },
  });
  const report = {
    id: '019abcde-0000-7000-8000-000000000001',
    invitation: hannah.id,
    kind: 'check_in',
    at: new Date().toISOString(),
  };
  const answer = await request.post('/api/v1/kiosk/events', {
    headers: { Authorization: `Bearer ${kiosk.token}` },
    data: { events: [report] },
  });
  expect((await answer.json()).results[0].outcome).toBe('flagged');

  await signIn(page, 'reception@harbourpoint.example');
  await page.click('#nav-lobby');
  const row = page.locator('#attention tr', { hasText: 'Hannah Schulz' });
  await expect(row).toContainText('the invitation was not approved');
  await expect(row).toContainText('Lobby');
  await expect(page.locator('#on-site')).toContainText('Hannah Schulz');
  await page.screenshot({ path: join(screens, 'portal-lobby.png') });
  await row.locator('button.handled').click();
  await expect(page.locator('#attention-none')).toBeVisible();
});

test('a walk-in asking for a host waits until the host says they are their visitor', async ({ page, request }) => {
  const session = await (await request.post('/api/v1/sessions', { data: { email: fiona, password } })).json();
  const bearer = { Authorization: `Bearer ${session.token}` };
  const code = await (await request.post('/api/v1/kiosk-codes', { headers: bearer, data: { name: 'Lobby' } })).json();
  const kiosk = await (await request.post('/api/v1/kiosks/enroll', { data: { code: code.code } })).json();
  const users = await (await request.get('/api/v1/users', { headers: bearer })).json();
  const host = users.find((user: { email: string }) => user.email === miriam);
  const registered = await request.post('/api/v1/kiosk/walk-ins', {
    headers: { Authorization: `Bearer ${kiosk.token}` },
    data: {
      host: host.id,
      category: 'guest',
      visitor_name: 'Wanda Walk-In-Langenscheidt-Übermorgen',
      visitor_company: 'Ünal & Söhne',
      visitor_email: 'wanda@walk-in.example',
    },
  });
  expect(registered.status()).toBe(201);
  const walkIn = await registered.json();
  expect(walkIn.awaiting_host).toBe(true);

  await signIn(page, miriam, `/portal/invitations/${walkIn.id}`);
  await expect(page.locator('.walk-in')).toContainText('asking for Miriam Okafor');
  await page.screenshot({ path: join(screens, 'portal-walk-in.png') });
  await page.click('.walk-in .my-visitor');
  await expect(page.locator('.walk-in')).toHaveCount(0);
  await expect(page.locator('#timeline')).toContainText('Confirmed as their visitor');
});

test('a facility manager creates a kiosk enrollment code that enrolls a kiosk once', async ({
  page,
  request,
}) => {
  await signIn(page, fiona);
  await page.click('#nav-kiosks');
  await page.fill('#kiosk-name', 'Lobby east');
  await page.click('#create-kiosk-code');
  const code = (await page.locator('#kiosk-code').textContent())?.trim() ?? '';
  expect(code).toMatch(/^GK-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await page.screenshot({ path: join(screens, 'portal-kiosks.png') });

  const enrolled = await request.post('/api/v1/kiosks/enroll', { data: { code } });
  expect(enrolled.status()).toBe(201);
  const kiosk = await enrolled.json();
  expect(kiosk.name).toBe('Lobby east');
  const again = await request.post('/api/v1/kiosks/enroll', { data: { code } });
  expect(again.status()).toBe(404);

  // It calls once, and the page lists it; then the tablet is lost, and revoked from here.
  const device = { Authorization: `Bearer ${kiosk.token}` };
  expect((await request.get('/api/v1/kiosk/changes', { headers: { ...device, 'Gatehouse-Outbox': '2' } })).status()).toBe(200);
  await page.reload();
  const row = page.locator('#kiosks tr', { hasText: 'Lobby east' });
  await expect(row).toContainText('2');
  await page.screenshot({ path: join(screens, 'portal-kiosks.png') });
  page.once('dialog', (dialog) => void dialog.accept());
  await row.locator('button.revoke').click();
  await expect(row).toContainText('Revoked');
  expect((await request.get('/api/v1/kiosk/changes', { headers: device })).status()).toBe(401);
});

test('a host does not see the kiosks page', async ({ page }) => {
  await signIn(page, tomas);
  await expect(page.locator('#nav-kiosks')).toHaveCount(0);
});

test('reception sets a kiosk PIN the cloud keeps hashed; a weak one is refused in plain words', async ({ page }) => {
  await signIn(page, 'reception@harbourpoint.example');
  await page.click('#nav-pin');
  await page.fill('#kiosk-pin', '123456');
  await page.click('#save-pin');
  await expect(page.getByRole('alert')).toContainText('must not be one digit repeated or a run like 123456');
  await page.fill('#kiosk-pin', '602718');
  await page.click('#save-pin');
  await expect(page.getByRole('status')).toHaveText('Your kiosk PIN is saved. The kiosks know it within a minute.');
  await expect(page.locator('#kiosk-pin')).toHaveValue('');
  await page.screenshot({ path: join(screens, 'portal-kiosk-pin.png') });
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
});

test("a kiosk's staff history shows who signed in there and what they did", async ({ page, request }) => {
  await signIn(page, fiona);
  await page.click('#nav-kiosks');
  await page.fill('#kiosk-name', 'Lobby west');
  await page.click('#create-kiosk-code');
  const code = (await page.locator('#kiosk-code').textContent())?.trim() ?? '';
  const kiosk = await (await request.post('/api/v1/kiosks/enroll', { data: { code } })).json();
  const device = { Authorization: `Bearer ${kiosk.token}` };
  const signedIn = await request.post('/api/v1/kiosk/staff/sessions', {
    headers: device,
    // Fiona's demo PIN: another test here changes reception's.
    data: { email: fiona, secret: { pin: '135792' } },
  });
  expect(signedIn.status()).toBe(201);
  const person = (await signedIn.json()).person;
  const history = await request.post('/api/v1/kiosk/staff/history', {
    headers: device,
    data: {
      entries: [
        { id: crypto.randomUUID(), email: 'someone@else.example', person: null, event: 'wrong_secret', invitation: null, at: new Date().toISOString() },
        { id: crypto.randomUUID(), email: person.email, person: person.id, event: 'signed_in', invitation: null, at: new Date().toISOString() },
      ],
    },
  });
  expect(history.status()).toBe(204);
  await page.reload();
  await page.locator('#kiosks tr', { hasText: 'Lobby west' }).locator('button.history').click();
  await expect(page.locator('#staff-history tbody tr')).toHaveCount(2);
  await expect(page.locator('#staff-history')).toContainText('Fiona Brandt');
  await expect(page.locator('#staff-history')).toContainText('wrong PIN or password');
  await page.screenshot({ path: join(screens, 'portal-kiosk-history.png'), fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
});

test('a facility manager draws the zone map, a bad one is refused in plain words, and every change is in its history', async ({ page }) => {
  await signIn(page, tomas);
  await expect(page.locator('#nav-zones')).toHaveCount(0);
  await signOut(page);
  await signIn(page, fiona);
  await page.click('#nav-zones');
  // The demo's building, drawn by Fiona: six zones from the lobby to the server room.
  const zones = page.locator('fieldset.zone');
  await expect(zones).toHaveCount(6);
  await expect(zones.nth(0).locator('.zone-name')).toHaveValue('Lobby');
  await expect(page.locator('#zone-map-history tbody tr')).toHaveCount(1);
  // A lab with its door in the access-control system and a clean room for the staff only.
  await page.click('#add-zone');
  const lab = zones.nth(6);
  await lab.locator('.zone-name').fill('Lab B');
  await lab.locator('.zone-level').selectOption('secure');
  await lab.locator('.add-door').click();
  await lab.locator('.door-name').fill('Lab B door');
  await lab.locator('.door-external-id').fill('unifi-door-7');
  await lab.locator('.add-room').click();
  await lab.locator('.room-name').fill('Clean room');
  await lab.locator('.room-internal').check();
  await page.click('#save-zone-map');
  await expect(page.getByRole('status')).toHaveText('Saved as version 2.');
  await expect(page.locator('#zone-map-history tbody tr')).toHaveCount(2);
  await expect(page.locator('#zone-map-history')).toContainText('Fiona Brandt');
  // Read back as stored.
  await page.reload();
  await expect(page.locator('fieldset.zone').nth(6).locator('.room-internal')).toBeChecked();
  // Two zones of one name: refused, named, nothing saved.
  await page.click('#add-zone');
  await page.locator('fieldset.zone').nth(7).locator('.zone-name').fill('lobby');
  await page.click('#save-zone-map');
  await expect(page.getByRole('alert')).toContainText('two zones are called "lobby"');
  await expect(page.locator('#zone-map-history tbody tr')).toHaveCount(2);
  await page.screenshot({ path: join(screens, 'portal-zones.png'), fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
});

test("a facility manager sets a visitor type's door policy from the zone map, kept when the page is opened again", async ({
  page,
}) => {
  await signIn(page, fiona);
  await page.click('#nav-policy');
  const vendor = page.locator('#policy-vendor');
  await expect(vendor.getByRole('checkbox', { name: 'Enters: Lobby' })).toBeChecked();
  await expect(vendor.getByRole('checkbox', { name: 'Enters: Service corridor' })).toBeChecked();
  await expect(vendor.getByRole('checkbox', { name: 'Enters: Server room' })).not.toBeChecked();
  // Into the server room only with their host: that zone is entered, escorted.
  await vendor.getByRole('checkbox', { name: 'Only with host: Server room' }).check();
  await expect(vendor.getByRole('checkbox', { name: 'Enters: Server room' })).toBeChecked();
  await vendor.locator('input[name="early"]').fill('10');
  await vendor.getByRole('button', { name: 'Save' }).click();
  await expect(vendor.getByRole('status')).toHaveText('Saved.');
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await page.screenshot({ path: join(screens, 'portal-door-policy.png'), fullPage: true });

  await page.reload();
  await page.click('#nav-policy');
  await expect(vendor.getByRole('checkbox', { name: 'Only with host: Server room' })).toBeChecked();
  await expect(vendor.locator('input[name="early"]')).toHaveValue('10');
  // Taking the zone away takes its escort away too.
  await vendor.getByRole('checkbox', { name: 'Enters: Server room' }).uncheck();
  await expect(vendor.getByRole('checkbox', { name: 'Only with host: Server room' })).not.toBeChecked();
  await vendor.getByRole('button', { name: 'Save' }).click();
  await expect(vendor.getByRole('status')).toHaveText('Saved.');
});

/** The pre-registration link from the newest invitation email to `guest`. */
function preRegistrationLink(guest: string): string {
  const folder = join(process.env.GATEHOUSE_E2E_DIR ?? '', 'mail');
  for (const file of readdirSync(folder).sort().reverse()) {
    const raw = readFileSync(join(folder, file), 'utf8').replace(/=\r?\n/g, '');
    if (raw.includes(`To: ${guest}`) || raw.includes(`<${guest}>`)) {
      const link = /hand in your documents: (http\S+)/.exec(raw)?.[1];
      if (link) return link.replace(/=3D/g, '=');
    }
  }
  throw new Error(`no invitation email to ${guest} in ${folder}`);
}

test('a guest signs the NDA in German and hands in a certificate of insurance before the visit, with no account', async ({
  page,
  request,
}) => {
  // This building asks its guests for a certificate of insurance too (the seed's vendor rule).
  const session = await (await request.post('/api/v1/sessions', { data: { email: fiona, password } })).json();
  const headers = { Authorization: `Bearer ${session.token}` };
  const guests = (await (await request.get('/api/v1/categories', { headers })).json()).find(
    (c: { kind: string }) => c.kind === 'guest',
  );
  const stricter = { ...guests.access_profile, documents: ['nda', 'photo', 'certificate_of_insurance'] };
  const put = (profile: unknown) =>
    request.put('/api/v1/categories/guest', {
      headers,
      data: { enabled: true, needs_approval: guests.needs_approval, email: guests.email ?? null, access_profile: profile },
    });
  expect((await put(stricter)).status()).toBe(200);
  // Invited for the hour from now, whenever the tests run (Miriam may run visits past the end
  // of the day).
  const host = await (await request.post('/api/v1/sessions', { data: { email: miriam, password } })).json();
  const starts = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const invited = await request.post('/api/v1/invitations', {
    headers: { Authorization: `Bearer ${host.token}` },
    data: {
      category: 'guest',
      visitor: { name: 'Sofía Ríos', email: 'sofia.rios@studio-rossi.example', company: 'Studio Rossi' },
      window: { starts_at: starts.toISOString(), ends_at: new Date(starts.getTime() + 60 * 60_000).toISOString() },
    },
  });
  expect(invited.status()).toBe(201);
  const sofia = await invited.json();
  await expect.poll(() => { try { return preRegistrationLink('sofia.rios@studio-rossi.example'); } catch { return null; } }, { timeout: 10_000 }).not.toBeNull();

  await page.goto(new URL(preRegistrationLink('sofia.rios@studio-rossi.example')).pathname);
  await expect(page.locator('#guest-title')).toHaveText('Before your visit to Harbour Point');
  await expect(page.locator('#guest-missing')).toHaveText('Still to do before your visit: NDA, Certificate of insurance');
  await page.selectOption('select[aria-label="Language"]', 'de');
  await expect(page.locator('#guest-nda-text')).toContainText('Geheimhaltungsvereinbarung für Besucher von Harbour Point');
  // Signing without a signature says what is missing.
  await page.click('#guest-sign');
  await expect(page.getByRole('alert')).toHaveText('Bitte tippen Sie Ihren Namen und unterschreiben Sie im Feld.');
  await page.fill('#guest-name', 'Sofía Ríos');
  await page.focus('#guest-signature');
  await page.keyboard.press('Enter');
  await page.click('#guest-sign');
  await expect(page.locator('#guest-nda-title')).toContainText('✓ erledigt');
  // A picture is not a certificate: refused, still missing.
  await page.setInputFiles('#guest-certificate_of_insurance', { name: 'coi.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG\r\n\x1a\n0000', 'binary') });
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.locator('#guest-missing')).toContainText('Versicherungsnachweis');
  await page.setInputFiles('#guest-certificate_of_insurance', { name: 'coi.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n% insured\n') });
  await expect(page.locator('#guest-all-done')).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await page.screenshot({ path: join(screens, 'guest-pre-registration.png'), fullPage: true });

  // Checked in at a kiosk, her page becomes her door pass, to show on her phone at a door.
  const enrollment = await (await request.post('/api/v1/kiosk-codes', { headers, data: { name: 'Lobby' } })).json();
  const kiosk = await (await request.post('/api/v1/kiosks/enroll', { data: { code: enrollment.code } })).json();
  const [credential] = await (await request.get(`/api/v1/invitations/${sofia.id}/credentials`, { headers })).json();
  expect(credential.missing).toEqual([]);
  const checkIn = { id: '019abcde-0000-7000-8000-000000000002', invitation: sofia.id, kind: 'check_in', at: new Date().toISOString() };
  const reported = await request.post('/api/v1/kiosk/events', {
    headers: { Authorization: `Bearer ${kiosk.token}` },
    data: { events: [checkIn] },
  });
  expect((await reported.json()).results[0].outcome).toBe('applied');
  await page.reload();
  await expect(page.locator('#guest-title')).toHaveText('Your door pass for Harbour Point');
  await page.selectOption('select[aria-label="Language"]', 'de');
  await expect(page.locator('#guest-title')).toHaveText('Ihr Türausweis für Harbour Point');
  await expect(page.locator('#guest-pass-zones')).toHaveText('Er öffnet: Lobby, Meeting floor');
  await expect(page.locator('#guest-nda-title')).toHaveCount(0);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(screens, 'guest-door-pass.png'), fullPage: true });
  // The building's rule as it was, for the tests after.
  expect((await put(guests.access_profile)).status()).toBe(200);
});

test("an organisation's manager narrows the building's door policy for its visitors, never widens it, and can have the building's back", async ({
  page,
}) => {
  await signIn(page, ada);
  await page.click('#nav-policy');
  await expect(page.locator('main > p').first()).toContainText('never widen it');
  const contractor = page.locator('#policy-contractor');
  const freight = contractor.getByRole('checkbox', { name: 'Enters: Freight elevator' });
  await expect(freight).toBeChecked();
  // Only the zones the building lets contractors into are offered.
  await expect(contractor.getByRole('checkbox', { name: 'Enters: Server room' })).toHaveCount(0);
  await freight.uncheck();
  await contractor.getByRole('button', { name: 'Save' }).click();
  await expect(contractor.getByRole('status')).toHaveText('Saved.');
  await page.reload();
  await expect(contractor.getByRole('checkbox', { name: 'Enters: Service corridor' })).toBeChecked();
  await expect(freight).toHaveCount(0);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await page.screenshot({ path: join(screens, 'portal-door-policy-organisation.png'), fullPage: true });
  await contractor.getByRole('button', { name: 'Use the building’s policy' }).click();
  await expect(freight).toBeChecked();
});

/** Where the stand-in access-control systems listen (e2e/serve-demo.sh starts them). */
function standins(): { unifi: { url: string; token: string }; verkada: { url: string; api_key: string } } {
  return JSON.parse(readFileSync(join(process.env.GATEHOUSE_E2E_DIR ?? '', 'standins.json'), 'utf8'));
}

test("a facility manager connects UniFi Access from the console's own door list; a visit's access, scans and muster follow", async ({
  page,
  request,
}) => {
  test.setTimeout(60_000);
  const { unifi } = standins();
  await signIn(page, fiona);
  await page.click('#nav-access');
  await page.selectOption('#access-system', 'unifi');
  await page.fill('#access-url', unifi.url);
  await page.fill('#access-token', unifi.token);
  await page.click('#access-save');
  // Saved: Gatehouse registered its own webhook with the console, and lists the console's doors.
  await expect(page.locator('#access-webhook-url')).toContainText('signed');
  await expect(page.locator('#probe')).toHaveAttribute('data-ready', 'true');
  for (const [door, id] of [
    ['Main entrance', 'unifi-main-entrance'],
    ['Meeting floor door', 'unifi-meeting-floor'],
    ['Server room door', 'unifi-server-room'],
  ] as const) {
    await page.locator(`tr[data-door="${door}"] select.system-door`).selectOption(id);
  }
  await page.fill('#access-token', unifi.token);
  await page.click('#access-save');
  await expect(page.locator('#access-saved')).toBeVisible();
  await expect(page.locator('#probe')).toHaveAttribute('data-ready', 'true');
  await page.screenshot({ path: join(screens, 'portal-access-control.png'), fullPage: true });

  // A guest invited for now checks in at a kiosk: the console gets a visitor for her.
  const bearer = async (email: string) => {
    const session = await (await request.post('/api/v1/sessions', { data: { email, password } })).json();
    return { Authorization: `Bearer ${session.token}` };
  };
  const manager = await bearer(fiona);
  const code = await (await request.post('/api/v1/kiosk-codes', { headers: manager, data: { name: 'Lobby east' } })).json();
  const kiosk = await (await request.post('/api/v1/kiosks/enroll', { data: { code: code.code } })).json();
  const starts = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const invited = await request.post('/api/v1/invitations', {
    headers: await bearer(miriam),
    data: {
      category: 'guest',
      visitor: { name: 'Gülay Öztürk-Lindqvist', email: 'guelay@visit.example', company: 'Nordlicht Analytics' },
      window: { starts_at: starts.toISOString(), ends_at: new Date(starts.getTime() + 60 * 60_000).toISOString() },
    },
  });
  expect(invited.status()).toBe(201);
  const visit = await invited.json();
  const report = async (kind: 'check_in' | 'check_out') => {
    const answer = await request.post('/api/v1/kiosk/events', {
      headers: { Authorization: `Bearer ${kiosk.token}` },
      data: { events: [{ id: crypto.randomUUID(), invitation: visit.id, kind, at: new Date().toISOString() }] },
    });
    expect((await answer.json()).results[0].outcome).toBe('applied');
  };
  const accessState = async () =>
    (await (await request.get(`/api/v1/invitations/${visit.id}/access`, { headers: manager })).json())[0]?.state;
  // Her door credential is issued before she arrives.
  await expect
    .poll(async () => (await (await request.get(`/api/v1/invitations/${visit.id}/credentials`, { headers: manager })).json()).length, {
      timeout: 10_000,
    })
    .toBe(1);
  await report('check_in');
  await expect.poll(accessState, { timeout: 10_000 }).toBe('provisioned');
  const admin = { Authorization: `Bearer ${unifi.token}` };
  const visitors = (await (await request.get(`${unifi.url}/api/v1/developer/visitors`, { headers: admin })).json()).data;
  const made = visitors.find((v: { remarks: string }) => v.remarks === `gatehouse:${visit.id}`);
  expect(made.resources.map((r: { id: string }) => r.id).sort()).toEqual(['unifi-main-entrance', 'unifi-meeting-floor']);
  // Her door pass on her phone shows the PIN the console holds, for its keypads.
  const guestPage = await page.context().newPage();
  await guestPage.setViewportSize({ width: 390, height: 844 });
  await guestPage.goto(new URL(preRegistrationLink('guelay@visit.example')).pathname);
  await expect(guestPage.locator('#guest-pass-pin')).toHaveText(made.pin);
  await guestPage.screenshot({ path: join(screens, 'guest-door-pass-pin.png'), fullPage: true });
  await guestPage.close();

  // She scans at the meeting floor, then tries the server room: the console's webhooks.
  for (const [door, granted] of [
    ['unifi-meeting-floor', true],
    ['unifi-server-room', false],
  ] as const) {
    const scanned = await request.post(`${unifi.url}/_standin/scan`, { data: { actor: made.id, door, granted } });
    expect((await scanned.json()).delivered).toEqual([200]);
  }

  await signOut(page);
  await signIn(page, 'reception@harbourpoint.example', `/portal/invitations/${visit.id}`);
  await expect(page.locator('#system-access')).toHaveAttribute('data-state', 'provisioned');
  const timeline = page.locator('#timeline');
  await expect(timeline.locator('li[data-what="door_scan"]')).toHaveCount(2);
  await expect(timeline.locator('li[data-what="door_scan"]').first()).toContainText('Meeting floor door');
  await expect(timeline.locator('li.refused')).toContainText('Server room door');
  await expect(timeline.locator('li[data-what="checked_in"]')).toContainText('Lobby east');
  await page.screenshot({ path: join(screens, 'portal-visit-timeline.png'), fullPage: true });

  await page.click('#nav-muster');
  const row = page.locator(`tr.present[data-visit="${visit.id}"]`);
  await expect(row).toContainText('Server room door');
  await expect(page.locator('section.zone', { has: row })).toHaveAttribute('data-zone', 'Server room');
  await page.screenshot({ path: join(screens, 'portal-muster.png'), fullPage: true });
  await page.selectOption('select[aria-label="Language"]', 'de');
  await expect(page.locator('#muster-print')).toHaveText('Evakuierungsliste drucken');
  await page.screenshot({ path: join(screens, 'portal-muster-de.png'), fullPage: true });

  // Checked out: her access is taken away in the console, and she is off the muster list.
  await report('check_out');
  await expect.poll(accessState, { timeout: 10_000 }).toBe('revoked');
  const left = (await (await request.get(`${unifi.url}/api/v1/developer/visitors`, { headers: admin })).json()).data;
  expect(left.some((v: { remarks: string }) => v.remarks === `gatehouse:${visit.id}`)).toBe(false);
  await page.reload();
  await expect(page.locator(`tr.present[data-visit="${visit.id}"]`)).toHaveCount(0);
  const accessibility = await new AxeBuilder({ page }).analyze();
  expect(accessibility.violations).toEqual([]);
});

test('switched to Verkada Access in the portal, a check-in makes a Verkada user in the access groups of its doors', async ({
  page,
  request,
}) => {
  test.setTimeout(60_000);
  const { verkada } = standins();
  await signIn(page, fiona);
  await page.click('#nav-access');
  await page.selectOption('#access-system', 'verkada');
  await page.fill('#access-url', verkada.url);
  await page.fill('#access-token', verkada.api_key);
  await page.fill('#access-webhook-secret', 'verkada-shared-secret');
  await page.click('#access-save');
  await expect(page.locator('#probe')).toHaveAttribute('data-ready', 'true');
  // Verkada opens doors through access groups: each door is mapped to its door and its group.
  for (const [door, id] of [
    ['Main entrance', 'main-entrance'],
    ['Meeting floor door', 'meeting-floor'],
  ] as const) {
    const row = page.locator(`tr[data-door="${door}"]`);
    await row.locator('select.system-door').selectOption(`vk-door-${id}`);
    await row.locator('select.system-group').selectOption(`vk-group-${id}`);
  }
  await expect(page.locator('th', { hasText: 'Access group' })).toBeVisible();
  await page.fill('#access-token', verkada.api_key);
  await page.click('#access-save');
  await expect(page.locator('#access-saved')).toBeVisible();
  await expect(page.locator('#probe')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('#access-webhook-url')).toContainText('signed');
  await expect(page.locator('#access-webhook-url')).not.toContainText('not signed');
  await page.screenshot({ path: join(screens, 'portal-access-control-verkada.png'), fullPage: true });

  const session = await (await request.post('/api/v1/sessions', { data: { email: fiona, password } })).json();
  const manager = { Authorization: `Bearer ${session.token}` };
  const host = await (await request.post('/api/v1/sessions', { data: { email: miriam, password } })).json();
  const code = await (await request.post('/api/v1/kiosk-codes', { headers: manager, data: { name: 'Lobby north' } })).json();
  const kiosk = await (await request.post('/api/v1/kiosks/enroll', { data: { code: code.code } })).json();
  const starts = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const visit = await (
    await request.post('/api/v1/invitations', {
      headers: { Authorization: `Bearer ${host.token}` },
      data: {
        category: 'guest',
        visitor: { name: 'Ярослава Ковальчук', email: 'yaroslava@visit.example', company: 'Київ Design' },
        window: { starts_at: starts.toISOString(), ends_at: new Date(starts.getTime() + 60 * 60_000).toISOString() },
      },
    })
  ).json();
  await expect
    .poll(
      async () =>
        (await (await request.get(`/api/v1/invitations/${visit.id}/credentials`, { headers: manager })).json()).length,
      { timeout: 10_000 },
    )
    .toBe(1);
  const checkIn = { id: crypto.randomUUID(), invitation: visit.id, kind: 'check_in', at: new Date().toISOString() };
  await request.post('/api/v1/kiosk/events', { headers: { Authorization: `Bearer ${kiosk.token}` }, data: { events: [checkIn] } });
  await expect
    .poll(
      async () => (await (await request.get(`/api/v1/invitations/${visit.id}/access`, { headers: manager })).json())[0]?.state,
      { timeout: 10_000 },
    )
    .toBe('provisioned');

  // In Verkada, as an admin would look: her user, keyed by the visit, in the two groups.
  const token = (await (await request.post(`${verkada.url}/token`, { headers: { 'x-api-key': verkada.api_key } })).json()).token;
  const auth = { 'x-verkada-auth': token };
  const user = await (
    await request.get(`${verkada.url}/core/v1/user?external_id=${encodeURIComponent(`gatehouse:${visit.id}`)}`, { headers: auth })
  ).json();
  expect([user.first_name, user.last_name]).toEqual(['Ярослава', 'Ковальчук']);
  expect(user.entry_code).toMatch(/^\d{8}$/);
  const groups = (await (await request.get(`${verkada.url}/access/v1/access_groups`, { headers: auth })).json()).access_groups;
  const hers = groups
    .filter((g: { access_members: { user_id: string }[] }) => g.access_members.some((m) => m.user_id === user.user_id))
    .map((g: { group_id: string }) => g.group_id)
    .sort();
  expect(hers).toEqual(['vk-group-main-entrance', 'vk-group-meeting-floor']);
});

test('a facility manager keeps a watchlist; a matching visitor is held until an approver lets them through with a reason', async ({
  page,
}) => {
  await signIn(page, fiona);
  await page.click('#nav-watchlist');
  await page.fill('#watchlist-name', 'Viktor Krämer');
  await page.fill('#watchlist-company', 'Krämer Sicherheitstechnik GmbH');
  await page.fill('#watchlist-reason', 'Took photos of the server room on 2026-10-02');
  await page.click('#watchlist-submit');
  await expect(page.locator('#watchlist tr', { hasText: 'Viktor Krämer' })).toContainText('Took photos of the server room');
  // A file with one wrong row imports nothing, and says which line.
  await page.setInputFiles('#watchlist-file', {
    name: 'watchlist.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('name,email,company,date_of_birth,reason,expires_at\nMax Payne,not-an-email,,,Trespassed,\n'),
  });
  await expect(page.locator('[role=alert]')).toContainText('cannot be accepted');
  await expect(page.locator('#watchlist tbody tr')).toHaveCount(1);
  await page.setInputFiles('#watchlist-file', {
    name: 'watchlist.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('name,email,company,date_of_birth,reason,expires_at\nMax Payne,max@payne.example,,1979-04-01,Trespassed,\n'),
  });
  await expect(page.locator('[role=status]')).toHaveText('1 entries imported.');
  await page.click('#scim-token');
  await expect(page.locator('#scim-token-secret')).toHaveText(/^ghscim_/);
  await page.screenshot({ path: join(screens, 'portal-watchlist.png'), fullPage: true });
  await signOut(page);

  // A host invites him, spelled as he would be on a form: held, and the host is told only that.
  await signIn(page, tomas);
  await invite(page, 'Viktor Kraemer', 'guest');
  await expect(page.locator('#invite-result')).toContainText('waits for approval');
  await page.click('#nav-mine');
  await expect(page.locator('tr', { hasText: 'Viktor Kraemer' })).toContainText('Held by screening');
  await signOut(page);

  await signIn(page, fiona);
  await page.click('#nav-review');
  await page.locator('tr', { hasText: 'Viktor Kraemer' }).locator('a, button', { hasText: 'Viktor Kraemer' }).first().click();
  await expect(page.locator('#screening-hold')).toContainText('alike a name on the watchlist');
  await expect(page.locator('#hold-entry')).toHaveText('Viktor Krämer (Krämer Sicherheitstechnik GmbH)');
  await expect(page.locator('#hold-decide')).toBeDisabled();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations).toEqual([]);
  await page.screenshot({ path: join(screens, 'portal-screening-hold.png'), fullPage: true });
  await page.fill('#hold-verdict-reason', 'Checked his ID at the desk: a different Viktor, born 1994');
  await page.click('#hold-decide');
  await expect(page.locator('.detail p .badge')).toHaveText('Approved');
  await expect(page.locator('#screening-hold')).toHaveCount(0);
  await expect(page.locator('#timeline')).toContainText('Held by screening: the visitor matches the watchlist');
  await expect(page.locator('#timeline')).toContainText('Hold lifted: not the listed person');
});

test('a facility manager reads the utilisation report and downloads its CSV', async ({ page, request }) => {
  // A guest of today, admitted at the desk, then through the meeting floor's door. Ada may run
  // a visit past the end of the day, so the test passes at any hour.
  const token = async (email: string) =>
    ((await (await request.post('/api/v1/sessions', { data: { email, password } })).json()) as { token: string }).token;
  const host = { Authorization: `Bearer ${await token(ada)}` };
  const manager = { Authorization: `Bearer ${await token(fiona)}` };
  const now = Date.now();
  const created = await request.post('/api/v1/invitations', {
    headers: host,
    data: {
      category: 'guest',
      visitor: { name: 'Ulla Utilisation', email: 'ulla@guest.example', company: 'Report GmbH' },
      window: { starts_at: new Date(now).toISOString(), ends_at: new Date(now + 3600_000).toISOString() },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const ulla = (await created.json()) as { id: string };
  expect((await request.post(`/api/v1/invitations/${ulla.id}/admit`, { headers: manager })).status()).toBe(200);
  const scans = await request.post('/api/v1/door-events', {
    headers: manager,
    data: { events: [{ id: `scan-${ulla.id}`, door: 'door-meeting-floor', holder: { visit: ulla.id }, granted: true, at: new Date().toISOString() }] },
  });
  expect(scans.status(), await scans.text()).toBe(200);

  await signIn(page, fiona);
  await page.click('#nav-utilisation');
  // Other tests' visitors of today may be here too: at least Ulla's bar.
  await expect(page.locator('#per-day rect').first()).toBeVisible();
  await expect(page.locator('#zone-shares')).toContainText('Meeting floor');
  await expect(page.locator('#zone-shares')).toContainText('Lobby (before the first door)');
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations).toEqual([]);
  await page.screenshot({ path: join(screens, 'portal-utilisation.png'), fullPage: true });
  const download = page.waitForEvent('download');
  await page.click('#utilisation-csv');
  const file = await (await download).path();
  expect(readFileSync(file, 'utf8')).toMatch(/^day,category,visitors\n/);
  // A period that ends before it begins is refused in plain words, and nothing is shown wrong.
  await page.fill('#utilisation-from', '2030-06-04');
  await page.fill('#utilisation-to', '2030-06-03');
  await page.click('#utilisation-show');
  await expect(page.locator('[role=alert]')).toContainText('cannot be accepted');
});
