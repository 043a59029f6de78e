// The kiosk's one way to its Rust side: typed wrappers around every command the screens call
// and every event they hear, over a `KioskBackend`. The app starts with the Tauri backend
// (tauri.ts, the only file that imports Tauri); the browser tests start it with a fake
// (e2e/fake-kiosk.ts). Every failure arrives as a `Failure` with one of the `FailureCode`s.

import { Failure, toFailure, type FailureCodes } from '../lib/failure';
import type { CategoryKind } from '../lib/categories';
import type { Language } from '../lib/i18n';

export type { CategoryKind } from '../lib/categories';

/**
 * The commands the webview may call. The same list is in src-tauri/build.rs (`COMMANDS`),
 * src-tauri/capabilities/kiosk.json and the `generate_handler!` list; contract.test.ts fails
 * when they disagree.
 */
export const commands = [
  'kiosk_status',
  'enroll',
  'identify',
  'camera_view',
  'find_invitation',
  'prove_invitation',
  'visitor',
  'nda',
  'ask_reception',
  'take_photo',
  'check_in',
  'reprint_badge',
  'check_out',
  'find_hosts',
  'walk_in_categories',
  'register_walk_in',
  'staff_sign_in',
  'on_duty',
  'staff_lock',
  'lobby',
  'admit',
  'staff_check_out',
  'check_out_everyone',
  'staff_reprint',
  'print_muster_list',
  'answer_walk_in',
  'revoke_door_pass',
  'kiosk_settings',
  'change_kiosk_settings',
  'unenroll',
  'kiosk_health',
  'reviews',
  'review_history',
  'decide',
] as const;

export type Command = (typeof commands)[number];

/** What the kiosk's screens need from the other side: Tauri in the app, a fake in tests. */
export interface KioskBackend {
  invoke(command: Command, args?: Record<string, unknown>): Promise<unknown>;
}

let backend: KioskBackend | null = null;

/** Called once, before the first screen shows (main.ts, or a test's own start). */
export function useBackend(chosen: KioskBackend): void {
  backend = chosen;
}

function connected(): KioskBackend {
  if (!backend) throw new Failure('internal', 'the kiosk was started without a backend');
  return backend;
}

/** The codes the Rust side sends (`ErrorCode` in the kiosk's error.rs); `internal` is anything else. */
export const failureCodes = {
  known: [
    'misconfigured',
    'offline',
    'cloud_refused',
    'not_enrolled',
    'not_shown',
    'storage',
    'invalid',
    'device',
    'wrong_secret',
    'staff_locked',
    'not_staff',
    'staff_signed_out',
    'needs_cloud',
  ],
  otherwise: 'internal',
} as const satisfies FailureCodes<string>;

export type FailureCode = (typeof failureCodes.known)[number] | typeof failureCodes.otherwise;

export type KioskFailure = Failure<FailureCode>;

/** Whatever a kiosk call was rejected with, as a `Failure` with a kiosk code. */
export function kioskFailure(rejection: unknown): KioskFailure {
  return toFailure<FailureCode>(rejection, failureCodes);
}

/** What each command answers. */
export interface Answers {
  kiosk_status: KioskStatus;
  enroll: string;
  identify: Identified;
  camera_view: CameraView;
  find_invitation: Finding;
  prove_invitation: Finding;
  visitor: VisitorView;
  nda: NdaTemplate;
  ask_reception: null;
  take_photo: string;
  check_in: CheckInOutcome;
  reprint_badge: ReprintOutcome;
  check_out: CheckOutOutcome;
  find_hosts: KioskHost[];
  walk_in_categories: CategoryKind[];
  register_walk_in: VisitorView;
  staff_sign_in: OnDuty;
  on_duty: OnDuty | null;
  staff_lock: null;
  lobby: LobbyVisitor[];
  admit: Admission;
  staff_check_out: boolean;
  check_out_everyone: number;
  staff_reprint: ReprintOutcome;
  print_muster_list: Muster;
  answer_walk_in: null;
  revoke_door_pass: null;
  kiosk_settings: KioskSettings;
  change_kiosk_settings: KioskSettings;
  unenroll: null;
  kiosk_health: KioskHealth;
  reviews: Review[];
  review_history: ReviewStep[];
  decide: Review;
}

async function call<C extends Command>(command: C, args?: Record<string, unknown>): Promise<Answers[C]> {
  try {
    return (await connected().invoke(command, args)) as Answers[C];
  } catch (rejection) {
    throw kioskFailure(rejection);
  }
}

export type CloudConnection =
  | { state: 'online'; version: string }
  | { state: 'degraded' }
  | { state: 'offline' };

export interface SyncStatus {
  enrolled: boolean;
  last_synced_at: string | null;
  waiting: number;
  problem: string | null;
}

export interface KioskStatus {
  version: string;
  cloud: CloudConnection;
  sync: SyncStatus;
  setup_needed: boolean;
  idle_seconds: number;
  /** The facility manager revoked this kiosk: its screen stays locked. */
  revoked: boolean;
  /** The facility's IANA time zone: staff screens show times in it. */
  time_zone: string;
  /** A badge printer is configured (else badges go to reception). */
  printer: boolean;
  /** The language each visitor starts in. */
  language: Language;
}

/** Staff enroll the kiosk with a code from the portal; answers the kiosk's name. */
export function enroll(code: string): Promise<string> {
  return call('enroll', { code });
}

export function kioskStatus(): Promise<KioskStatus> {
  return call('kiosk_status');
}

export type VisitorState =
  | 'ready'
  | 'awaiting_approval'
  | 'see_reception'
  | 'awaiting_host'
  | 'rejected'
  | 'cancelled'
  | 'checked_in'
  | 'badge_revoked'
  | 'visit_over'
  | 'not_today'
  | 'expired'
  | 'documents_missing';

/** An invitation as the visitor holding it may see it. */
export interface VisitorView {
  invitation: string;
  name: string;
  company: string;
  host: string;
  category: string;
  state: VisitorState;
  nda: boolean;
  photo: boolean;
}

export type Identified =
  | { kind: 'visitor'; visitor: VisitorView }
  | { kind: 'unknown_invitation' }
  | { kind: 'not_an_invitation' };

export function identify(code: string): Promise<Identified> {
  return call('identify', { code });
}

/** What the scan screen shows and hears, asked for a few times a second (src-tauri/src/scanning.rs). */
export interface CameraView {
  /** What the camera sees now, as a JPEG `data:` URL; `null` before its first picture. */
  view: string | null;
  /** The code that came into view since the screen last asked, once. */
  code: string | null;
  /** The camera is not delivering pictures: the screen offers the search. */
  lost: boolean;
}

export function cameraView(): Promise<CameraView> {
  return call('camera_view');
}

export type Purpose = 'check_in' | 'check_out';

/**
 * What a search without the QR code came to. Only a code, or a full name and then the address
 * the invitation went to, finds anyone; no answer says whether a name is expected.
 */
export type Finding =
  | { kind: 'visitor'; visitor: VisitorView }
  | { kind: 'proof_needed' }
  | { kind: 'full_name_needed' }
  | { kind: 'not_found' }
  | { kind: 'too_many_tries' };

/** The code from the invitation email, or a full name (then `proveInvitation`). */
export function findInvitation(typed: string, purpose: Purpose): Promise<Finding> {
  return call('find_invitation', { typed, purpose });
}

/** The visitor named `name` proves the invitation is theirs: its email address or its code. */
export function proveInvitation(name: string, answer: string, purpose: Purpose): Promise<Finding> {
  return call('prove_invitation', { name, answer, purpose });
}

/** The invitation the visitor at the screen has shown is theirs, as it is now. */
export function visitor(invitation: string): Promise<VisitorView> {
  return call('visitor', { invitation });
}

/** Tells reception this visitor is here while their invitation waits for approval. */
export async function askReception(invitation: string): Promise<void> {
  await call('ask_reception', { invitation });
}

export interface NdaTemplate {
  version: number;
  /** The text's language; English where the facility has none in the visitor's. */
  language: Language;
  text: string;
  sha256: string;
}

/** The NDA in `language`, the visitor's. */
export function nda(language: Language): Promise<NdaTemplate> {
  return call('nda', { language });
}

/** The photo as a `data:` URL to show the visitor. */
export function takePhoto(invitation: string): Promise<string> {
  return call('take_photo', { invitation });
}

export interface NdaSignature {
  name: string;
  /** The signature pad as a PNG `data:` URL. */
  signature: string;
}

export type BadgeOutcome = 'printed' | 'not_printed';

export type CheckInOutcome =
  | { outcome: 'checked_in'; host: string; badge: BadgeOutcome }
  | { outcome: 'refused'; state: VisitorState };

export function checkIn(
  invitation: string,
  signature: NdaSignature | null,
  language: Language,
): Promise<CheckInOutcome> {
  return call('check_in', { request: { invitation, nda: signature, language } });
}

/** A visitor reprints their own badge a few times a visit; then reception gives out the next. */
export type ReprintOutcome = BadgeOutcome | 'ask_reception';

export function reprintBadge(invitation: string, language: Language): Promise<ReprintOutcome> {
  return call('reprint_badge', { invitation, language });
}

export type CheckOutOutcome = { outcome: 'checked_out'; name: string } | { outcome: 'not_checked_in' };

export function checkOut(invitation: string): Promise<CheckOutOutcome> {
  return call('check_out', { invitation });
}

export interface KioskHost {
  id: string;
  name: string;
  organisation: string;
}

export function findHosts(query: string): Promise<KioskHost[]> {
  return call('find_hosts', { query });
}

export function walkInCategories(): Promise<CategoryKind[]> {
  return call('walk_in_categories');
}

export interface WalkIn {
  host: string;
  category: CategoryKind;
  visitor_name: string;
  visitor_company: string | null;
  visitor_email: string;
}

export function registerWalkIn(walkIn: WalkIn): Promise<VisitorView> {
  return call('register_walk_in', { walkIn });
}

/** Who of staff is signed in at the kiosk. The session itself stays on the Rust side. */
export interface OnDuty {
  name: string;
  /** Reception mode. */
  admits: boolean;
  /** Admin mode. */
  approves: boolean;
  /** Signed in through the cloud; `false`: with the PIN the kiosk keeps, while offline. */
  online: boolean;
}

export type StaffSecret = { pin: string } | { password: string };

export function staffSignIn(email: string, secret: StaffSecret): Promise<OnDuty> {
  return call('staff_sign_in', { email, secret });
}

/** Who is signed in; `touched`: the person just touched the screen, which keeps it going. */
export function onDuty(touched: boolean): Promise<OnDuty | null> {
  return call('on_duty', { touched });
}

export async function staffLock(): Promise<void> {
  await call('staff_lock');
}

export type LobbyTab = 'expected' | 'awaiting_approval' | 'awaiting_host' | 'on_site' | 'checked_out';

export interface LobbyVisitor {
  invitation: string;
  name: string;
  company: string;
  host: string;
  category: CategoryKind;
  starts_at: string;
  ends_at: string;
  tab: LobbyTab;
  door_pass: DoorPass;
  /** The visit's access in the building's own access-control system, if it has one. */
  system_access: SystemAccess | null;
  /** The last door that saw the visitor, as the kiosk last heard. */
  last_door: LastDoor | null;
}

/** Where a visit's access in the building's access-control system stands. */
export interface SystemAccess {
  /** `unifi`, `verkada` or `webhook`. */
  system: string;
  state: 'provisioning' | 'provisioned' | 'revoking' | 'revoked';
  /** Why the last attempt failed, in the system's words. */
  problem: string | null;
}

/** The last door that saw someone. */
export interface LastDoor {
  door: string;
  zone: string | null;
  zone_name: string | null;
  at: string;
  granted: boolean;
  direction: 'in' | 'out' | null;
}

/** What a visitor hands in before their visit (the kiosk takes the NDA and photo itself). */
export type RequiredDocument = 'nda' | 'photo' | 'certificate_of_insurance' | 'photo_id';

/** Where a visitor's door credential stands: why they were sent to reception, if it waits. */
export type DoorPass =
  | { state: 'none' }
  | { state: 'waiting'; missing: RequiredDocument[] }
  | { state: 'ready' }
  | { state: 'revoked' };

/** Why reception takes a door pass away. */
export type Revocation = 'badge_lost' | 'asked_to_leave';

export function lobby(): Promise<LobbyVisitor[]> {
  return call('lobby');
}

export type Admission = { outcome: 'admitted'; visitor: VisitorView } | { outcome: 'refused'; state: VisitorState };

/** Reception admits an expected visitor: the staff session ends and the screen is the visitor's. */
export function admit(invitation: string): Promise<Admission> {
  return call('admit', { invitation });
}

export function staffCheckOut(invitation: string): Promise<boolean> {
  return call('staff_check_out', { invitation });
}

/** Checks out everyone still on site; answers how many. */
export function checkOutEveryone(): Promise<number> {
  return call('check_out_everyone');
}

export function staffReprint(invitation: string, language: Language): Promise<ReprintOutcome> {
  return call('staff_reprint', { invitation, language });
}

/** The muster list went to the kiosk's printer, or (without one) was kept as a PDF on the kiosk. */
export type Muster =
  | { outcome: 'printed'; people: number; doors_as_of: string | null }
  | { outcome: 'saved'; people: number; doors_as_of: string | null };

/** The media a badge is printed on: an ID-1 card, a Brother 62 × 100 mm label, a DYMO 30857 label. */
export type BadgeLayout = 'cr80' | 'dk62x100' | 'dymo30857';

/** A camera connected to the kiosk. */
export interface CameraChoice {
  id: string;
  name: string;
}

/** The kiosk's settings in force, and the printers, media and cameras to choose from (admins). */
export interface KioskSettings {
  language: Language;
  idle_seconds: number;
  staff_idle_seconds: number;
  printer: string | null;
  printers: string[];
  badge_layout: BadgeLayout;
  layouts: BadgeLayout[];
  /** A camera's id, or `file:PATH` for pictures standing in for one. */
  camera: string;
  photo_camera: string;
  cameras: CameraChoice[];
}

/** What an admin changes; a field left out keeps the kiosk's configuration. `printer: ''` prints no badges. */
export interface SettingsChange {
  language?: Language;
  idle_seconds?: number;
  staff_idle_seconds?: number;
  printer?: string;
  badge_layout?: BadgeLayout;
  camera?: string;
  photo_camera?: string;
}

export function kioskSettings(): Promise<KioskSettings> {
  return call('kiosk_settings');
}

export function changeKioskSettings(change: SettingsChange): Promise<KioskSettings> {
  return call('change_kiosk_settings', { change });
}

export async function unenroll(): Promise<void> {
  await call('unenroll');
}

/** Reception says whether a walk-in waiting for their host is expected; needs the cloud. */
export async function answerWalkIn(invitation: string, expected: boolean): Promise<void> {
  await call('answer_walk_in', { invitation, expected });
}

/** Reception takes a visitor's door pass away (needs the cloud). */
export async function revokeDoorPass(invitation: string, why: Revocation): Promise<void> {
  await call('revoke_door_pass', { invitation, why });
}

export function printMusterList(language: Language): Promise<Muster> {
  return call('print_muster_list', { language });
}

export type PrinterHealth =
  | { state: 'not_set' }
  | { state: 'ready'; name: string }
  | { state: 'problem'; name: string; problem: string };

/** What reception sees of the kiosk itself. */
export interface KioskHealth {
  cloud: CloudConnection;
  waiting: number;
  printer: PrinterHealth;
  camera_lost: boolean;
  /** When the cloud last told the kiosk what its doors know; null if it never has. */
  doors_as_of: string | null;
}

export function kioskHealth(): Promise<KioskHealth> {
  return call('kiosk_health');
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

/** An invitation as an admin reviews it. */
export interface Review {
  id: string;
  visitor_name: string;
  visitor_company: string;
  host_name: string;
  category: CategoryKind;
  starts_at: string;
  ends_at: string;
  approval_status: ApprovalStatus;
  /** Screening held it: a facility approver decides, in the portal. */
  held: boolean;
}

export interface ReviewStep {
  action: string;
  actor_name: string | null;
  reason: string | null;
  at: string;
}

export function reviews(): Promise<Review[]> {
  return call('reviews');
}

export function reviewHistory(invitation: string): Promise<ReviewStep[]> {
  return call('review_history', { invitation });
}

export type Decision =
  | { decision: 'approve' }
  | { decision: 'reject'; reason: string | null }
  | { decision: 'return_to_pending'; reason: string | null };

/** Sent to the cloud at once as the signed-in admin; offline it fails with `needs_cloud`. */
export function decide(invitation: string, decision: Decision): Promise<Review> {
  return call('decide', { invitation, decision });
}
