// Regenerates src/portal/api-types.ts from the cloud's OpenAPI document:
//   npm run api-types -- openapi.json        (or GATEHOUSE_OPENAPI=openapi.json npm run api-types)
// where the document is what `gatehouse-cloud openapi` prints (or /api/v1/openapi.json serves).
// A relative path is taken from where npm was started.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..');
const given = process.argv[2] ?? process.env.GATEHOUSE_OPENAPI;
if (!given) {
  console.error('usage: npm run api-types -- <openapi.json>   (or set GATEHOUSE_OPENAPI)');
  process.exit(2);
}
const document = resolve(process.env.INIT_CWD ?? process.cwd(), given);
if (!existsSync(document)) {
  console.error(`api-types: ${document} does not exist`);
  process.exit(2);
}
const cli = join(ui, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
const run = spawnSync(process.execPath, [cli, document, '--output', join(ui, 'src', 'portal', 'api-types.ts')], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
