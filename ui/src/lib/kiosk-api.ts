// Typed wrappers around every Tauri command the kiosk calls. Nothing else in the UI calls
// `invoke` directly, and every failure arrives as a `KioskFailure` with a known code.

import { invoke } from '@tauri-apps/api/core';
import type { MessageKey } from './catalogue';

/** The codes the Rust side sends (`ErrorCode` in src-tauri/src/error.rs), plus `internal`. */
export type FailureCode =
  | 'misconfigured'
  | 'offline'
  | 'cloud_refused'
  | 'not_enrolled'
  | 'storage'
  | 'invalid'
  | 'device'
  | 'internal';

export class KioskFailure extends Error {
  readonly code: FailureCode;

  constructor(code: FailureCode, message: string) {
    super(message);
    this.name = 'KioskFailure';
    this.code = code;
  }

  /** The catalogue entry a visitor sees for this failure: plain words, never internals. */
  get messageKey(): MessageKey {
    return `error.${this.code}`;
  }
}

const knownCodes: readonly FailureCode[] = [
  'misconfigured',
  'offline',
  'cloud_refused',
  'not_enrolled',
  'storage',
  'invalid',
  'device',
];

/** Turns whatever a rejected `invoke` gave us into a `KioskFailure`. */
export function toFailure(rejection: unknown): KioskFailure {
  if (typeof rejection === 'object' && rejection !== null && 'code' in rejection) {
    const { code, message } = rejection as { code: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : String(code);
    if (typeof code === 'string' && (knownCodes as readonly string[]).includes(code)) {
      return new KioskFailure(code as FailureCode, text);
    }
    return new KioskFailure('internal', text);
  }
  const text = rejection instanceof Error ? rejection.message : String(rejection);
  return new KioskFailure('internal', text);
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (rejection) {
    throw toFailure(rejection);
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
}

/** Staff enroll the kiosk with a code from the portal; answers the kiosk's name. */
export function enroll(code: string): Promise<string> {
  return call<string>('enroll', { code });
}

export function kioskStatus(): Promise<KioskStatus> {
  return call<KioskStatus>('kiosk_status');
}

export type Language = 'en' | 'de';

export type VisitorState =
  | 'ready'
  | 'awaiting_approval'
  | 'rejected'
  | 'cancelled'
  | 'checked_in'
  | 'badge_revoked'
  | 'visit_over'
  | 'not_today'
  | 'expired';

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
  return call<Identified>('identify', { code });
}

/** What the camera sees now, as a JPEG `data:` URL; `null` before its first picture. */
export function cameraView(): Promise<string | null> {
  return call<string | null>('camera_view');
}

export type Purpose = 'check_in' | 'check_out';

export interface NameMatch {
  invitation: string;
  shown: string;
}

export function findVisitors(query: string, purpose: Purpose): Promise<NameMatch[]> {
  return call<NameMatch[]>('find_visitors', { query, purpose });
}

export function visitor(invitation: string): Promise<VisitorView> {
  return call<VisitorView>('visitor', { invitation });
}

/** Tells reception this visitor is here while their invitation waits for approval. */
export async function askReception(invitation: string): Promise<void> {
  await call<null>('ask_reception', { invitation });
}

export interface NdaTemplate {
  version: number;
  text: string;
  sha256: string;
}

export function nda(): Promise<NdaTemplate> {
  return call<NdaTemplate>('nda');
}

/** The photo as a `data:` URL to show the visitor. */
export function takePhoto(invitation: string): Promise<string> {
  return call<string>('take_photo', { invitation });
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
  return call<CheckInOutcome>('check_in', {
    request: { invitation, nda: signature, language },
  });
}

export function reprintBadge(invitation: string, language: Language): Promise<BadgeOutcome> {
  return call<BadgeOutcome>('reprint_badge', { invitation, language });
}

export type CheckOutOutcome = { outcome: 'checked_out'; name: string } | { outcome: 'not_checked_in' };

export function checkOut(invitation: string): Promise<CheckOutOutcome> {
  return call<CheckOutOutcome>('check_out', { invitation });
}

export interface KioskHost {
  id: string;
  name: string;
  organisation: string;
}

export function findHosts(query: string): Promise<KioskHost[]> {
  return call<KioskHost[]>('find_hosts', { query });
}

export type CategoryKind =
  | 'guest'
  | 'client'
  | 'contractor'
  | 'vendor'
  | 'interview_candidate'
  | 'delivery'
  | 'auditor'
  | 'event_attendee';

export function walkInCategories(): Promise<CategoryKind[]> {
  return call<CategoryKind[]>('walk_in_categories');
}

export interface WalkIn {
  host: string;
  category: CategoryKind;
  visitor_name: string;
  visitor_company: string | null;
  visitor_email: string;
}

export function registerWalkIn(walkIn: WalkIn): Promise<VisitorView> {
  return call<VisitorView>('register_walk_in', { walkIn });
}
