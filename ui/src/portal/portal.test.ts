import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Failure } from '../lib/failure';
import { categoryKinds } from '../lib/categories';
import { failureCodes, portalFailure, readFailure, type CategoryKind } from './api';
import { format } from './catalogue';
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

describe('readFailure', () => {
  it("keeps the cloud's code and message", async () => {
    const response = new Response(JSON.stringify({ code: 'forbidden', message: 'not allowed' }), { status: 403 });
    const failure = await readFailure(response);
    expect(failure).toBeInstanceOf(Failure);
    expect([failure.status, failure.code, failure.message]).toEqual([403, 'forbidden', 'not allowed']);
  });

  it('survives a body that is not JSON', async () => {
    const failure = await readFailure(new Response('<html>bad gateway</html>', { status: 502 }));
    expect([failure.status, failure.code]).toEqual([502, 'unexpected']);
  });

  it('treats a code it does not know, or no answer at all, as unexpected', async () => {
    const response = new Response(JSON.stringify({ code: 'teapot', message: 'short and stout' }), { status: 418 });
    expect((await readFailure(response)).code).toBe('unexpected');
    expect(portalFailure(new TypeError('Failed to fetch')).code).toBe('unexpected');
  });
});

describe("the cloud's errors in the person's language", () => {
  it('every code has words in English and German, and never the English message', async () => {
    const body = { code: 'wrong_credentials', message: 'the email or password is not right' };
    const failure = await readFailure(new Response(JSON.stringify(body), { status: 401 }));
    expect(format('en', failure.messageKey)).toBe('The email or password is not right.');
    expect(format('de', failure.messageKey)).toBe('E-Mail-Adresse oder Passwort stimmen nicht.');
    for (const code of [...failureCodes.known, failureCodes.otherwise]) {
      const key = new Failure(code, 'English for the logs').messageKey;
      for (const lang of ['en', 'de'] as const) expect(format(lang, key), `${lang} ${key}`).not.toContain('logs');
    }
  });

  it('the codes are the ones crates/cloud/src/http/error.rs answers with', () => {
    let root = dirname(fileURLToPath(import.meta.url));
    while (!(existsSync(join(root, 'Cargo.toml')) && existsSync(join(root, 'ui')))) {
      if (dirname(root) === root) throw new Error('no repository root above this test');
      root = dirname(root);
    }
    const text = readFileSync(join(root, 'crates/cloud/src/http/error.rs'), 'utf8');
    // The arms of `ApiError::code`, up to the end of that function.
    const start = text.search(/fn code\(&self\)/);
    expect(start, 'ApiError has fn code(&self)').toBeGreaterThan(-1);
    const body = text.slice(start, text.indexOf('\n    }', start));
    const sent = [...body.matchAll(/=>\s*"(\w+)"/g)].map((m) => m[1]);
    expect(sent.length).toBeGreaterThan(0);
    expect([...sent].sort()).toEqual([...failureCodes.known].sort());
  });
});

describe('category kinds', () => {
  it("the cloud's kinds are the names file's kinds", () => {
    // Checked by the type checker (`npm run check`): a kind the cloud adds without a name, or a
    // name for a kind the cloud does not know, does not compile.
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    const same: Same<CategoryKind, (typeof categoryKinds)[number]> = true;
    expect(same).toBe(true);
  });
});
