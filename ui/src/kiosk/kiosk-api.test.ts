import { describe, expect, it } from 'vitest';
import { Failure } from '../lib/failure';
import { identify, kioskFailure, useBackend, type KioskBackend } from './kiosk-api';

describe('kioskFailure', () => {
  it('keeps a known code and message from the Rust side', () => {
    const failure = kioskFailure({ code: 'offline', message: 'the Gatehouse cloud cannot be reached' });
    expect(failure).toBeInstanceOf(Failure);
    expect(failure.code).toBe('offline');
    expect(failure.message).toBe('the Gatehouse cloud cannot be reached');
    expect(failure.messageKey).toBe('error.offline');
  });

  it('treats an unknown code as internal but keeps the message for staff', () => {
    const failure = kioskFailure({ code: 'disk_full', message: 'no space left' });
    expect(failure.code).toBe('internal');
    expect(failure.message).toBe('no space left');
    expect(failure.messageKey).toBe('error.internal');
  });

  it('turns a bare string (Tauri refusing a command) into internal', () => {
    const failure = kioskFailure('command kiosk_status not allowed by ACL');
    expect(failure.code).toBe('internal');
    expect(failure.message).toContain('not allowed');
  });

  it('turns a thrown Error into internal', () => {
    expect(kioskFailure(new TypeError('boom')).code).toBe('internal');
  });

  it('leaves a kiosk failure as it is', () => {
    const failure = kioskFailure({ code: 'device', message: 'no printer' });
    expect(kioskFailure(failure)).toBe(failure);
  });
});

/** A backend that answers from `answers`. */
function fakeBackend(answers: Record<string, (args: Record<string, unknown>) => unknown>) {
  const backend: KioskBackend = {
    invoke: async (command, args) => {
      const answer = answers[command];
      if (!answer) throw { code: 'internal', message: `no answer for ${command}` };
      return answer(args ?? {});
    },
  };
  return { backend };
}

describe('the backend', () => {
  it('carries a command with its arguments and answers what the Rust side answered', async () => {
    const { backend } = fakeBackend({
      identify: ({ code }) => (code === 'GH1.x' ? { kind: 'not_an_invitation' } : null),
    });
    useBackend(backend);
    expect(await identify('GH1.x')).toEqual({ kind: 'not_an_invitation' });
  });

  it("turns the Rust side's refusal into a Failure", async () => {
    const { backend } = fakeBackend({
      identify: () => {
        throw { code: 'storage', message: 'database is locked' };
      },
    });
    useBackend(backend);
    await expect(identify('GH1.x')).rejects.toMatchObject({ code: 'storage', messageKey: 'error.storage' });
  });
});
