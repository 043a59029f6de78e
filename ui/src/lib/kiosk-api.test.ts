import { describe, expect, it } from 'vitest';
import { KioskFailure, toFailure } from './kiosk-api';

describe('toFailure', () => {
  it('keeps a known code and message from the Rust side', () => {
    const failure = toFailure({ code: 'offline', message: 'the Gatehouse cloud cannot be reached' });
    expect(failure).toBeInstanceOf(KioskFailure);
    expect(failure.code).toBe('offline');
    expect(failure.message).toBe('the Gatehouse cloud cannot be reached');
    expect(failure.messageKey).toBe('error.offline');
  });

  it('treats an unknown code as internal but keeps the message for staff', () => {
    const failure = toFailure({ code: 'disk_full', message: 'no space left' });
    expect(failure.code).toBe('internal');
    expect(failure.message).toBe('no space left');
    expect(failure.messageKey).toBe('error.internal');
  });

  it('turns a bare string (Tauri refusing a command) into internal', () => {
    const failure = toFailure('command kiosk_status not allowed by ACL');
    expect(failure.code).toBe('internal');
    expect(failure.message).toContain('not allowed');
  });

  it('turns a thrown Error into internal', () => {
    expect(toFailure(new TypeError('boom')).code).toBe('internal');
  });
});
