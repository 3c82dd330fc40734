/**
 * Cost of keeping documents: generation with the archive on (files + rows + audit) against the
 * generator alone, and the size on disk of N stored conventions.
 *
 *   npm run bench:store [-- --count 1000 --format docx]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { principalOf } from '../src/access/index.js';
import { generateDocument } from '../src/archive/index.js';
import { fromRoot } from '../src/core/paths.js';
import { Generator } from '../src/generator.js';
import { bootstrap } from '../src/store/bootstrap.js';
import { openStore } from '../src/store/index.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' }, format: { type: 'string', default: 'docx' } } });
const count = Number(values.count);
const format = values.format!;
const convention = JSON.parse(readFileSync(fromRoot('fixtures', 'convention.json'), 'utf8')) as Record<string, unknown>;
const input = (i: number) => ({ ...convention, reference: `CP-2026-${String(i).padStart(4, '0')}` });

function size(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    total += s.isDirectory() ? size(path) : s.size;
  }
  return total;
}

const generator = new Generator();
const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
const store = await openStore('sqlite', { dataDir: dir });
const secret = (await bootstrap(store, { organisation: 'MEF' })).printedKey!;
const principal = (await principalOf(store, (await store.findKeyBySecret(secret))!))!;

// Warm-up (templates, browser).
await generator.generate('convention', input(0), { format });

// Interleaved, so that warming up and the machine's noise weigh on both alike.
let alone = 0;
let archived = 0;
for (let i = 1; i <= count; i++) {
  let t = performance.now();
  await generator.generate('convention', input(i), { format });
  alone += (performance.now() - t) / 1000;
  t = performance.now();
  await generateDocument(store, generator, principal, { kind: 'convention', input: input(i), format, mode: 'final' });
  archived += (performance.now() - t) / 1000;
}
await store.close();

const bytes = size(dir);
const files = size(join(dir, 'fichiers'));
console.log(`${count} conventions (${format}), one at a time:`);
console.log(`  generator alone:   ${(count / alone).toFixed(1)} documents/s`);
console.log(`  with the archive:  ${(count / archived).toFixed(1)} documents/s`);
console.log(`  on disk: ${(bytes / 1024 / 1024).toFixed(1)} MiB in all (files ${(files / 1024 / 1024).toFixed(1)} MiB, database ${((bytes - files) / 1024 / 1024).toFixed(1)} MiB), ${(bytes / count / 1024).toFixed(1)} KiB per convention`);
await generator.close();
rmSync(dir, { recursive: true, force: true });
