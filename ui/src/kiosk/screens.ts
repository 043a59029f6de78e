// The visitor flow: which step the kiosk shows now, and what that step knows about the visitor.
// Everything a visitor told the kiosk lives in the step; going back to `welcome` forgets it.

import { get, writable } from 'svelte/store';
import { locale, type Language } from '../lib/i18n';
import {
  checkOut,
  type BadgeOutcome,
  type NdaSignature,
  type OnDuty,
  type Purpose,
  type VisitorState,
  type VisitorView,
} from './kiosk-api';

export type Notice = VisitorState | 'unknown_invitation' | 'not_an_invitation';

export type Step =
  | { name: 'welcome' }
  | { name: 'scan'; purpose: Purpose }
  | { name: 'find'; purpose: Purpose }
  | { name: 'prove'; purpose: Purpose; typed: string }
  | { name: 'walk_in' }
  | { name: 'waiting'; visitor: VisitorView }
  | { name: 'confirm'; visitor: VisitorView }
  | { name: 'nda'; visitor: VisitorView }
  | { name: 'photo'; visitor: VisitorView; signature: NdaSignature | null }
  | { name: 'printing'; visitor: VisitorView; signature: NdaSignature | null }
  | { name: 'done'; host: string; badge: BadgeOutcome }
  | { name: 'notice'; notice: Notice; visitor: VisitorView | null }
  | { name: 'goodbye'; shown: string }
  | { name: 'staff_sign_in' }
  | { name: 'staff'; person: OnDuty };

/** The steps of staff, not visitors: they end with the staff session, not the visitor's idle timeout. */
export function isStaffStep(current: Step): current is { name: 'staff'; person: OnDuty } {
  return current.name === 'staff';
}

export const step = writable<Step>({ name: 'welcome' });

/** The facility's time zone, as the kiosk's status last said (staff screens show times in it). */
export const siteZone = writable<string>('UTC');

/** Whether the kiosk has a badge printer, as its status last said. */
export const hasPrinter = writable<boolean>(true);

export function go(next: Step): void {
  step.set(next);
}

/** The language every visitor starts in: the kiosk's setting, as its status last said. */
export const siteLanguage = writable<Language>('en');

/** Back to the welcome screen for the next visitor, in the site's language whatever this one chose. */
export function restart(): void {
  step.set({ name: 'welcome' });
  locale.set(get(siteLanguage));
}

/**
 * Where a visitor goes once they have shown the invitation is theirs (its QR code, its code, or
 * their full name and its address). Checking out, a visitor who is here is checked out at once:
 * one scan of the badge, no second tap.
 */
export async function afterIdentifying(visitor: VisitorView, purpose: Purpose): Promise<Step> {
  if (purpose === 'check_out') {
    if (visitor.state === 'checked_in' || visitor.state === 'badge_revoked') {
      const outcome = await checkOut(visitor.invitation);
      return outcome.outcome === 'checked_out'
        ? { name: 'goodbye', shown: outcome.name }
        : { name: 'notice', notice: 'visit_over', visitor: null };
    }
    return { name: 'notice', notice: visitor.state, visitor: null };
  }
  return visitor.state === 'ready' ? { name: 'confirm', visitor } : { name: 'notice', notice: visitor.state, visitor };
}

/** The next document step after `done` (confirm → NDA → photo → check-in). */
export function nextDocument(visitor: VisitorView, signature: NdaSignature | null, done: 'confirm' | 'nda' | 'photo'): Step {
  if (done === 'confirm' && visitor.nda) {
    return { name: 'nda', visitor };
  }
  if (done !== 'photo' && visitor.photo) {
    return { name: 'photo', visitor, signature };
  }
  return { name: 'printing', visitor, signature };
}
