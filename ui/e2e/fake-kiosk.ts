// The kiosk's screens over a fake backend, for the browser tests in kiosk.spec.ts. This file is
// the entry of the e2e build only (`vite build --mode e2e`, from e2e/kiosk.html into dist-e2e/);
// the app's own build starts the screens over Tauri and contains none of this.
//
// It answers each command as the kiosk's Rust side would, typed by what kiosk-api.ts expects.
// The test steers it through the page's address (`?setup` for a kiosk not yet enrolled,
// `?revoked` for one the facility manager revoked) and
// `window.kioskFake.holdUp(code)` for a code held up to the camera.

import { start } from '../src/kiosk/start';
import type { Answers, Command, KioskBackend, VisitorView } from '../src/kiosk/kiosk-api';

const setupNeeded = new URLSearchParams(location.search).has('setup');
const revoked = new URLSearchParams(location.search).has('revoked');

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
  }),
  enroll: () => 'Lobby',
  identify: ({ code }) =>
    code === 'GH1.sofia'
      ? { kind: 'visitor', visitor: sofia }
      : code === 'GH1.pending'
        ? { kind: 'visitor', visitor: { ...sofia, state: 'awaiting_approval' } }
        : code === 'GH1.revoked'
          ? { kind: 'visitor', visitor: { ...sofia, state: 'badge_revoked' } }
          : { kind: 'not_an_invitation' },
  find_invitation: ({ typed }) =>
    String(typed).trim().includes(' ') ? { kind: 'proof_needed' } : { kind: 'full_name_needed' },
  prove_invitation: ({ name, answer }) =>
    name === 'Sofia Rossi' && answer === 'sofia@studio-rossi.example'
      ? { kind: 'visitor', visitor: sofia }
      : { kind: 'not_found' },
  visitor: () => sofia,
  nda: () => ({
    version: 1,
    text: 'Non-disclosure agreement\n\n1. Everything you see here is confidential.\n\n2. You will not take photographs.',
    sha256: '0'.repeat(64),
  }),
  take_photo: () => photo,
  camera_view: () => {
    const code = heldUp;
    heldUp = null;
    return { view: photo, code, lost: false };
  },
  ask_reception: () => null,
  check_in: () => ({ outcome: 'checked_in', host: 'Tomás Ortega', badge: 'printed' }),
  reprint_badge: () => 'printed',
  check_out: () => ({ outcome: 'checked_out', name: 'Sofia' }),
  find_hosts: () => [{ id: 'host-miriam', name: 'Miriam Okafor', organisation: 'Blue Harbor Legal' }],
  walk_in_categories: () => ['guest', 'contractor', 'delivery'],
  register_walk_in: () => pending,
};

/** The code held up to the camera that the scan screen has not seen yet. */
let heldUp: string | null = null;

const fake: KioskBackend = {
  invoke: async (command, args) => answers[command](args ?? {}),
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
