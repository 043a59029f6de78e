// The kiosk's screens over a fake backend, for the browser tests in kiosk.spec.ts. This file is
// the entry of the e2e build only (`vite build --mode e2e`, from e2e/kiosk.html into dist-e2e/);
// the app's own build starts the screens over Tauri and contains none of this.
//
// It answers each command as the kiosk's Rust side would, typed by what kiosk-api.ts expects.
// The test steers it through the page's address (`?setup` for a kiosk not yet enrolled,
// `?revoked` for one the facility manager revoked) and
// `window.kioskFake.holdUp(code)` for a code held up to the camera.

import { start } from '../src/kiosk/start';
import type {
  Answers,
  Command,
  KioskBackend,
  KioskSettings,
  LobbyVisitor,
  OnDuty,
  Review,
  VisitorView,
} from '../src/kiosk/kiosk-api';

const setupNeeded = new URLSearchParams(location.search).has('setup');
const revoked = new URLSearchParams(location.search).has('revoked');
const printer = !new URLSearchParams(location.search).has('noprinter');

const sofia: VisitorView = {
  invitation: 'inv-sofia',
  name: 'Sofia Rossi',
  company: 'Rossi Design',
  host: 'Tomás Ortega',
  category: 'guest',
  state: 'ready',
  nda: true,
  photo: true,
};
const pending: VisitorView = {
  ...sofia,
  invitation: 'inv-walter',
  name: 'Walter Walk-In',
  host: 'Miriam Okafor',
  state: 'awaiting_host',
};

// Staff: Rafael (reception, PIN 246810) and Fiona (both modes, password gatehouse-demo); three
// wrong tries make the next wait 30 seconds.
const staff: Record<string, { secret: string; person: OnDuty }> = {
  'reception@harbourpoint.example': {
    secret: '246810',
    person: { name: 'Rafael Costa', admits: true, approves: false, online: true },
  },
  'fiona.brandt@harbourpoint.example': {
    secret: 'gatehouse-demo',
    person: { name: 'Fiona Brandt', admits: true, approves: true, online: true },
  },
};
let onDuty: OnDuty | null = null;
let wrongTries = 0;

const today = (hour: number) => {
  const at = new Date();
  at.setHours(hour, 0, 0, 0);
  return at.toISOString();
};
const lobbyVisitor = (name: string, tab: LobbyVisitor['tab'], hour: number): LobbyVisitor => ({
  invitation: `inv-${(name.split(' ')[0] ?? name).toLowerCase()}`,
  name,
  company: 'Studio Rossi',
  host: 'Tomás Ortega',
  category: 'guest',
  starts_at: today(hour),
  ends_at: today(hour + 2),
  tab,
  door_pass: { state: 'ready' },
  system_access: null,
  last_door: null,
});
const seenAt = (hour: number, minute: number) => {
  const at = new Date();
  at.setHours(hour, minute, 0, 0);
  return at.toISOString();
};
let visitorsToday: LobbyVisitor[] = [
  lobbyVisitor('Sofia Rossi', 'expected', 13),
  {
    ...lobbyVisitor('Dmitri Volkov', 'awaiting_approval', 8),
    category: 'contractor',
    company: 'FixIt Facility Services',
    door_pass: { state: 'waiting', missing: ['certificate_of_insurance'] },
  },
  { ...lobbyVisitor('Walter Walk-In', 'awaiting_host', 11), company: 'Nordlicht Elektrotechnik' },
  {
    ...lobbyVisitor('Jonas Weber', 'on_site', 9),
    system_access: { system: 'unifi', state: 'provisioned', problem: null },
    last_door: { door: 'Meeting floor door', zone: 'z-meeting', zone_name: 'Meeting floor', at: seenAt(9, 42), granted: true, direction: 'in' },
  },
  {
    ...lobbyVisitor('Maximilian Alexander von Hohenstein-Wittgenstein', 'on_site', 10),
    company: 'Hohenstein & Söhne Rechtsanwälte',
    system_access: { system: 'unifi', state: 'provisioning', problem: 'the console did not answer (503)' },
    last_door: { door: 'Server room door', zone: 'z-server', zone_name: 'Server room', at: seenAt(10, 5), granted: false, direction: null },
  },
];
let pendingReviews: Review[] = [
  {
    id: 'inv-dmitri',
    visitor_name: 'Dmitri Volkov',
    visitor_company: 'FixIt Facility Services',
    host_name: 'Ada Lindqvist',
    category: 'contractor',
    starts_at: today(8),
    ends_at: today(16),
    approval_status: 'pending',
    held: false,
  },
  {
    id: 'inv-hannah',
    visitor_name: 'Hannah Schulz',
    visitor_company: 'Elektro Nord',
    host_name: 'Jens Petersen',
    category: 'contractor',
    starts_at: today(12),
    ends_at: today(17),
    approval_status: 'approved',
    held: false,
  },
  {
    id: 'inv-viktor',
    visitor_name: 'Viktor Krämer',
    visitor_company: 'Krämer Sicherheitstechnik GmbH',
    host_name: 'Tomás Ortega',
    category: 'guest',
    starts_at: today(14),
    ends_at: today(15),
    approval_status: 'pending',
    held: true,
  },
];

let kioskSettingsNow: KioskSettings = {
  language: 'en',
  idle_seconds: 45,
  staff_idle_seconds: 120,
  printer: 'Badges',
  printers: ['Badges', 'Office'],
  badge_layout: 'cr80',
  layouts: ['cr80', 'dk62x100', 'dymo30857'],
  camera: '0',
  photo_camera: '0',
  cameras: [
    { id: '0', name: 'Logitech BRIO' },
    { id: '1', name: 'Integrated Camera' },
  ],
};

function signedIn(): OnDuty {
  if (!onDuty) throw { code: 'staff_signed_out', message: 'no one from staff is signed in' };
  return onDuty;
}

const photo =
  'data:image/svg+xml;base64,' +
  btoa('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="320"><rect width="240" height="320" fill="#9ab"/></svg>');

const answers: { [C in Command]: (args: Record<string, unknown>) => Answers[C] } = {
  kiosk_status: () => ({
    version: '0.1.0',
    cloud: { state: 'online', version: '0.1.0' },
    sync: { enrolled: true, last_synced_at: null, waiting: 0, problem: null },
    setup_needed: setupNeeded,
    idle_seconds: 45,
    revoked,
    time_zone: 'Europe/Berlin',
    printer,
    language: 'en',
  }),
  enroll: () => 'Lobby',
  identify: ({ code }) =>
    code === 'GH1.sofia'
      ? { kind: 'visitor', visitor: sofia }
      : code === 'GH1.pending'
        ? { kind: 'visitor', visitor: { ...sofia, state: 'awaiting_approval' } }
        : code === 'GH1.revoked'
          ? { kind: 'visitor', visitor: { ...sofia, state: 'badge_revoked' } }
          : code === 'GH1.long'
            ? {
                kind: 'visitor',
                visitor: {
                  ...sofia,
                  name: 'Hubert Blaine Wolfeschlegelsteinhausenbergerdorff Senior von Hohenstein-Wittgenstein',
                  company: 'Internationale Gesellschaft für Rechtsberatung, Steuerberatung und Wirtschaftsprüfung mbH',
                  host: 'Maximiliane Alexandra von Oberkirchenrath-Schwarzenberg',
                },
              }
            : code === 'GH1.scripts'
              ? {
                  kind: 'visitor',
                  visitor: {
                    ...sofia,
                    name: 'محمد عبد الرحمن · 王小明 · 김민준',
                    company: 'שרה בן־דוד · प्रियंका श्रीवास्तव · สมชาย ใจดี',
                    host: 'Ελένη Παπαδοπούλου',
                  },
                }
              : { kind: 'not_an_invitation' },
  find_invitation: ({ typed }) =>
    String(typed).trim().includes(' ') ? { kind: 'proof_needed' } : { kind: 'full_name_needed' },
  prove_invitation: ({ name, answer }) =>
    name === 'Sofia Rossi' && answer === 'sofia@studio-rossi.example'
      ? { kind: 'visitor', visitor: sofia }
      : { kind: 'not_found' },
  visitor: () => sofia,
  nda: ({ language }) =>
    language === 'de'
      ? {
          version: 2,
          language: 'de',
          text: 'Geheimhaltungsvereinbarung\n\n1. Alles, was Sie hier sehen, ist vertraulich.\n\n2. Sie machen keine Fotos.',
          sha256: '1'.repeat(64),
        }
      : {
          version: 1,
          language: 'en',
          text: 'Non-disclosure agreement\n\n1. Everything you see here is confidential.\n\n2. You will not take photographs.',
          sha256: '0'.repeat(64),
        },
  take_photo: () => photo,
  camera_view: () => {
    const code = heldUp;
    heldUp = null;
    return { view: photo, code, lost: false };
  },
  ask_reception: () => null,
  check_in: () => ({ outcome: 'checked_in', host: 'Tomás Ortega', badge: printer ? 'printed' : 'not_printed' }),
  reprint_badge: () => 'printed',
  check_out: () => ({ outcome: 'checked_out', name: 'Sofia' }),
  find_hosts: () => [{ id: 'host-miriam', name: 'Miriam Okafor', organisation: 'Blue Harbor Legal' }],
  walk_in_categories: () => ['guest', 'contractor', 'delivery'],
  register_walk_in: () => pending,
  staff_sign_in: ({ email, secret }) => {
    const known = staff[String(email).trim().toLowerCase()];
    const typed = Object.values(secret as Record<string, string>)[0];
    if (wrongTries >= 3) throw { code: 'staff_locked', message: 'too many wrong tries; try again in 30 seconds' };
    if (!known || known.secret !== typed) {
      wrongTries += 1;
      if (wrongTries >= 3) throw { code: 'staff_locked', message: 'too many wrong tries; try again in 30 seconds' };
      throw { code: 'wrong_secret', message: 'the email and PIN or password do not match' };
    }
    onDuty = known.person;
    return onDuty;
  },
  on_duty: () => onDuty,
  staff_lock: () => {
    onDuty = null;
    return null;
  },
  lobby: () => {
    signedIn();
    return visitorsToday;
  },
  admit: ({ invitation }) => {
    signedIn();
    onDuty = null;
    return { outcome: 'admitted', visitor: { ...sofia, invitation: String(invitation) } };
  },
  staff_check_out: ({ invitation }) => {
    signedIn();
    visitorsToday = visitorsToday.map((v) => (v.invitation === invitation ? { ...v, tab: 'checked_out' } : v));
    return true;
  },
  check_out_everyone: () => {
    signedIn();
    const count = visitorsToday.filter((v) => v.tab === 'on_site').length;
    visitorsToday = visitorsToday.map((v) => (v.tab === 'on_site' ? { ...v, tab: 'checked_out' } : v));
    return count;
  },
  staff_reprint: () => {
    signedIn();
    return 'printed';
  },
  kiosk_settings: () => {
    if (!signedIn().approves) throw { code: 'not_staff', message: 'approving needs the approve_invitations permission' };
    return kioskSettingsNow;
  },
  change_kiosk_settings: ({ change }) => {
    signedIn();
    const wanted = change as { idle_seconds?: number };
    if (wanted.idle_seconds !== undefined && (wanted.idle_seconds < 5 || wanted.idle_seconds > 3600)) {
      throw { code: 'invalid', message: "a visitor screen's timeout is 5 to 3600 seconds" };
    }
    for (const camera of [(change as { camera?: string }).camera, (change as { photo_camera?: string }).photo_camera]) {
      if (camera !== undefined && !kioskSettingsNow.cameras.some((connected) => connected.id === camera)) {
        throw { code: 'invalid', message: `no camera “${camera}” is connected to this kiosk` };
      }
    }
    kioskSettingsNow = { ...kioskSettingsNow, ...(change as object) };
    return kioskSettingsNow;
  },
  unenroll: () => {
    signedIn();
    onDuty = null;
    return null;
  },
  answer_walk_in: ({ invitation, expected }) => {
    signedIn();
    visitorsToday = expected
      ? visitorsToday.map((v) => (v.invitation === invitation ? { ...v, tab: 'expected' } : v))
      : visitorsToday.filter((v) => v.invitation !== invitation);
    return null;
  },
  revoke_door_pass: ({ invitation }) => {
    signedIn();
    visitorsToday = visitorsToday.map((v) => (v.invitation === invitation ? { ...v, door_pass: { state: 'revoked' } } : v));
    return null;
  },
  kiosk_health: () => ({
    cloud: { state: 'online', version: '0.1.0' },
    waiting: 0,
    printer: { state: 'ready', name: 'Badges' },
    camera_lost: false,
    doors_as_of: new Date().toISOString(),
  }),
  print_muster_list: () => {
    signedIn();
    return { outcome: 'printed', people: visitorsToday.filter((v) => v.tab === 'on_site').length, doors_as_of: new Date().toISOString() };
  },
  reviews: () => {
    if (!signedIn().approves) throw { code: 'not_staff', message: 'approving needs the approve_invitations permission' };
    return pendingReviews;
  },
  review_history: () => [
    { action: 'created', actor_name: 'Ada Lindqvist', reason: null, at: today(7) },
  ],
  decide: ({ invitation, decision }) => {
    signedIn();
    const chosen = (decision as { decision: string }).decision;
    const status = chosen === 'approve' ? 'approved' : chosen === 'reject' ? 'rejected' : 'pending';
    const decided = pendingReviews.find((review) => review.id === invitation);
    if (!decided) throw { code: 'cloud_refused', message: 'no such invitation' };
    pendingReviews = pendingReviews
      .map((review) => (review.id === invitation ? { ...review, approval_status: status } : review))
      .filter((review) => review.approval_status !== 'rejected') as Review[];
    return { ...decided, approval_status: status } as Review;
  },
};

/** The code held up to the camera that the scan screen has not seen yet. */
let heldUp: string | null = null;

const fake: KioskBackend = {
  invoke: async (command, args) => {
    // Without a printer a check-in takes a moment here, so the test sees the screen meanwhile.
    if (command === 'check_in' && !printer) await new Promise((done) => setTimeout(done, 1500));
    return answers[command](args ?? {});
  },
};

declare global {
  interface Window {
    kioskFake: { holdUp: (code: string) => void };
  }
}

window.kioskFake = {
  holdUp: (code) => {
    heldUp = code;
  },
};

start(fake);
