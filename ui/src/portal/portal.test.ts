import { describe, expect, it } from 'vitest';
import { ApiFailure, toFailure } from './api';
import { de, en } from './catalogue';
import { format } from './i18n';
import { parseRoute, pathOf } from './session';

describe('routes', () => {
  it('a Review invitation link opens that invitation', () => {
    const id = '01a212ca-a586-752c-b533-fc6959a77779';
    expect(parseRoute(`/portal/invitations/${id}`)).toEqual({ page: 'invitation', id });
    expect(pathOf({ page: 'invitation', id })).toBe(`/portal/invitations/${id}`);
  });

  it('anything else lands on my invitations', () => {
    expect(parseRoute('/portal')).toEqual({ page: 'mine' });
    expect(parseRoute('/portal/invitations/not-an-id')).toEqual({ page: 'mine' });
    expect(parseRoute('/portal/review')).toEqual({ page: 'review' });
  });
});

describe('toFailure', () => {
  it("keeps the cloud's code and message", async () => {
    const response = new Response(JSON.stringify({ code: 'forbidden', message: 'not allowed' }), { status: 403 });
    const failure = await toFailure(response);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect([failure.status, failure.code, failure.message]).toEqual([403, 'forbidden', 'not allowed']);
  });

  it('survives a body that is not JSON', async () => {
    const failure = await toFailure(new Response('<html>bad gateway</html>', { status: 502 }));
    expect([failure.status, failure.code]).toEqual([502, 'unexpected']);
  });
});

describe('portal catalogue', () => {
  it('German translates every English key', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('fills placeholders', () => {
    expect(format('en', 'invite.sent', { name: 'Sofia' })).toBe('Invitation sent to Sofia.');
    expect(format('de', 'invite.end_of_day', { time: '19:00' })).toContain('19:00');
  });
});
