// The kiosk's Rust side and this UI agree: the commands are listed in four places (build.rs's
// `COMMANDS`, the capability file, `generate_handler!` and kiosk-api.ts), the error codes in two
// (`ErrorCode` and `FailureCode`), the events in two (`emit` and `listen`). The Rust files are read
// as text, found by what they contain, so they may move between src-tauri/ and crates/kiosk/.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands, failureCodes } from './kiosk-api';

/** The repository's root: the nearest folder above this file with a Cargo.toml and ui/. */
function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!(existsSync(join(folder, 'Cargo.toml')) && existsSync(join(folder, 'ui')))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('no repository root (Cargo.toml beside ui/) above this test');
    folder = parent;
  }
  return folder;
}

const root = repositoryRoot();

/** Every .rs file under `folders` (relative to the root), skipping build output. */
function rustFiles(...folders: string[]): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      if (name === 'target' || name === 'gen' || name.startsWith('.')) continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.rs')) found.push(path);
    }
  };
  for (const folder of folders.map((f) => join(root, f)).filter(existsSync)) walk(folder);
  return found;
}

/** The one file among `candidates` (tried in order) and then `elsewhere` whose text matches `pattern`. */
function fileWith(pattern: RegExp, candidates: string[], elsewhere: string[]): { path: string; text: string } {
  const tried = [...candidates.map((c) => join(root, c)), ...rustFiles(...elsewhere)];
  for (const path of tried) {
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    if (pattern.test(text)) return { path: relative(root, path), text };
  }
  throw new Error(`no file matches ${pattern} (looked in ${[...candidates, ...elsewhere].join(', ')})`);
}

/** Strips `//` comments so a commented-out line does not count. */
const code = (text: string) => text.replace(/\/\/.*$/gm, '');

/** The body between the bracket after `start` and its match: `[` … `]` or `{` … `}`. */
function bracketed(text: string, start: RegExp): string {
  const at = start.exec(text);
  if (!at) throw new Error(`${start} not found`);
  const open = at.index + at[0].length - 1;
  const close = { '[': ']', '{': '}', '(': ')' }[text[open] ?? ''];
  if (!close) throw new Error(`${start} must end at an opening bracket`);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === text[open]) depth++;
    else if (text[i] === close && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error(`${start}: the bracket is never closed`);
}

const sorted = (list: readonly string[]) => [...list].sort();
const snake = (pascal: string) => pascal.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase();

describe("the kiosk's commands are the same in all four places", () => {
  const typescript = sorted(commands);

  it("build.rs's COMMANDS", () => {
    const { text } = fileWith(/const COMMANDS/, ['src-tauri/build.rs'], []);
    const listed = [...bracketed(code(text), /const COMMANDS[^=]*=\s*&\[/).matchAll(/"(\w+)"/g)].map((m) => m[1] ?? '');
    expect(sorted(listed)).toEqual(typescript);
  });

  it('the capability file grants exactly those commands, and nothing of Tauri itself', () => {
    const capability = JSON.parse(readFileSync(join(root, 'src-tauri/capabilities/kiosk.json'), 'utf8')) as {
      permissions: (string | { identifier: string })[];
    };
    const permissions = capability.permissions.map((p) => (typeof p === 'string' ? p : p.identifier));
    const own = permissions.filter((p) => p.startsWith('allow-')).map((p) => p.slice('allow-'.length).replaceAll('-', '_'));
    expect(sorted(own)).toEqual(typescript);
    expect(permissions.filter((p) => !p.startsWith('allow-'))).toEqual([]);
  });

  it('generate_handler! registers them', () => {
    const { text } = fileWith(/generate_handler!/, ['src-tauri/src/lib.rs', 'src-tauri/src/main.rs'], ['src-tauri/src']);
    const handlers = bracketed(code(text), /generate_handler!\s*\[/)
      .split(',')
      .map((path) => path.trim())
      .filter(Boolean)
      .map((path) => path.split('::').pop() ?? '');
    expect(sorted(handlers)).toEqual(typescript);
  });

  it("kiosk-api.ts's wrappers call each listed command, and no other", () => {
    const source = readFileSync(join(root, 'ui/src/kiosk/kiosk-api.ts'), 'utf8');
    const called = new Set([...source.matchAll(/\bcall\(\s*'(\w+)'/g)].map((m) => m[1] ?? ''));
    expect(sorted([...called])).toEqual(typescript);
  });
});

describe('FailureCode matches the Rust ErrorCode', () => {
  it('every code the Rust side sends is known here, and nothing else but internal', () => {
    const { path, text } = fileWith(
      /enum ErrorCode\b/,
      ['src-tauri/src/error.rs', 'crates/kiosk/src/error.rs'],
      ['crates/kiosk/src', 'src-tauri/src'],
    );
    const body = code(bracketed(text, /enum ErrorCode\s*\{/));
    // The attributes above the enum: back to the end of the item before it.
    const before = text.slice(0, text.search(/enum ErrorCode\b/));
    const attributes = before.slice(Math.max(before.lastIndexOf('}'), before.lastIndexOf(';')) + 1);
    expect(attributes, `${path}: ErrorCode is sent in snake_case`).toMatch(/rename_all\s*=\s*"snake_case"/);
    const variants = [...body.matchAll(/^\s*([A-Z]\w*)\s*,?\s*$/gm)].map((m) => snake(m[1] ?? ''));
    expect(variants.length, `${path}: ErrorCode has unit variants`).toBeGreaterThan(0);
    expect(sorted(variants)).toEqual(sorted(failureCodes.known));
    expect(variants).not.toContain(failureCodes.otherwise);
  });
});
