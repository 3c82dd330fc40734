/**
 * Benchmark of document generation through the HTTP API, warm: median and p95 latency and
 * throughput of DOCX and PDF for the convention fixture, and beside them the cost of launching a
 * browser for each PDF (what the shared Chromium saves). A script, not a test: figures depend on
 * the machine.
 *
 * Then the annual bilan of a large facilitator: a year of 50 000 follow-up records over 500 markets,
 * synthetic and reproducible, through the same API.
 *
 *   npm run bench [-- --requests 40 --concurrency 2 --launches 8 --rows 50000 --markets 500]
 */
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fromRoot } from '../src/core/paths.js';
import { Generator } from '../src/generator.js';
import { createApp } from '../src/server/app.js';
import { createLogger } from '../src/server/log.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '2' },
    launches: { type: 'string', default: '8' },
    rows: { type: 'string', default: '50000' },
    markets: { type: 'string', default: '500' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const LAUNCHES = Number(values.launches);
const ROWS = Number(values.rows);
const MARKETS = Number(values.markets);

/** A deterministic pseudo-random generator (mulberry32), so that every run measures the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One buyer's year: `markets` markets and `rows` follow-up records spread over them. */
function largeYear(rows: number, markets: number) {
  const r = random(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(r() * items.length)]!;
  const marches = Array.from({ length: markets }, (_, i) => ({
    reference: `M-${String(i + 1).padStart(4, '0')}`,
    acheteur: 'Métropole exemple',
    titulaire: `Entreprise ${i + 1}`,
    objectifHeures: 200 + Math.floor(r() * 5000),
    dateDebut: `2027-${String(1 + Math.floor(r() * 6)).padStart(2, '0')}-01`,
    dateFin: `2028-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-28`,
  }));
  const suivi = Array.from({ length: rows }, (_, i) => ({
    marche: marches[i % markets]!.reference,
    personne: `P${Math.floor(r() * rows * 0.12)}`,
    mois: `2027-${String(7 + Math.floor(r() * 6)).padStart(2, '0')}`,
    heures: 20 + Math.floor(r() * 130),
    heuresFormation: pick([0, 0, 0, 7, 14]),
    modalite: pick(['embauche-directe', 'mise-a-disposition', 'sous-traitance']),
    contrat: pick(['cdd', 'cdi', 'interim', 'insertion', 'apprentissage']),
    categorie: pick(['deld', 'rsa', 'jeune', 'senior', 'th', 'siae', 'qpv']),
    sexe: pick(['F', 'M']),
    trancheAge: pick(['moins-26', '26-49', '50-plus']),
    residenceQpv: r() < 0.3,
    ...(r() < 0.1 ? { sortie: pick(['emploi-durable', 'emploi-transition', 'sortie-positive', 'autre']) } : {}),
  }));
  return { marches, suivi };
}

const body = readFileSync(fromRoot('fixtures', 'convention.json'), 'utf8');

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

interface Stats {
  median: number;
  p95: number;
  perSecond: number;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** `count` calls of `call`, `concurrency` at a time. */
async function load(count: number, concurrency: number, call: () => Promise<void>): Promise<Stats> {
  const latencies: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        latencies.push(await timed(call));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  return { median: percentile(latencies, 50), p95: percentile(latencies, 95), perSecond: count / seconds };
}

function row(label: string, s: Stats): string {
  return `${label.padEnd(44)} ${s.median.toFixed(1).padStart(8)} ms ${s.p95.toFixed(1).padStart(8)} ms ${s.perSecond.toFixed(1).padStart(8)} /s`;
}

async function main(): Promise<void> {
  const generator = new Generator();
  const server = createApp(generator, { logger: createLogger(process.env.LOG_LEVEL ?? 'warn') }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/documents/convention`;

  const post = (format: string) => async () => {
    const res = await fetch(`${base}?format=${format}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    await res.arrayBuffer();
  };

  // Warm-up: launch Chromium, load templates, JIT.
  for (let i = 0; i < 5; i++) {
    await post('docx')();
    await post('pdf')();
  }

  console.log(`Convention fixture through POST /api/v1/documents/convention (${REQUESTS} requests each)`);
  console.log(`${''.padEnd(44)} ${'median'.padStart(11)} ${'p95'.padStart(11)} ${'throughput'.padStart(11)}`);
  console.log(row('DOCX, one at a time', await load(REQUESTS, 1, post('docx'))));
  console.log(row(`DOCX, ${CONCURRENCY} at a time`, await load(REQUESTS, CONCURRENCY, post('docx'))));
  console.log(row('PDF warm (shared Chromium), one at a time', await load(REQUESTS, 1, post('pdf'))));
  console.log(row(`PDF warm (shared Chromium), ${CONCURRENCY} at a time`, await load(REQUESTS, CONCURRENCY, post('pdf'))));

  // The annual bilan of a large facilitator.
  const year = JSON.stringify({
    structurePorteuse: 'Maison de l’emploi exemple',
    acheteur: 'Métropole exemple',
    annee: 2027,
    dateBilan: '2028-01-15',
    donnees: largeYear(ROWS, MARKETS),
  });
  const bilanUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/documents/bilan-annuel`;
  const bilan = (format: string) => async () => {
    const res = await fetch(`${bilanUrl}?format=${format}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: year });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  await bilan('pdf')();
  console.log('');
  console.log(`Annual bilan of ${ROWS} follow-up records over ${MARKETS} markets (${(year.length / 1e6).toFixed(1)} MB of JSON, 3 requests each)`);
  console.log(row('bilan-annuel DOCX', await load(3, 1, bilan('docx'))));
  console.log(row('bilan-annuel PDF', await load(3, 1, bilan('pdf'))));

  server.close();
  await generator.close();

  // The alternative the service avoids: a new Chromium for each PDF.
  const data = JSON.parse(body) as unknown;
  const cold = await load(LAUNCHES, 1, async () => {
    const g = new Generator();
    try {
      await g.generate('convention', data, { format: 'pdf' });
    } finally {
      await g.close();
    }
  });
  console.log(row(`PDF with a browser launched per request (${LAUNCHES})`, cold));
}

await main();
