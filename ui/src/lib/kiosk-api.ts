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

export interface KioskStatus {
  version: string;
  cloud: CloudConnection;
}

export function kioskStatus(): Promise<KioskStatus> {
  return call<KioskStatus>('kiosk_status');
}
