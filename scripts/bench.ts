/**
 * Benchmark of document generation through the HTTP API, warm, as deployed: the compiled service
 * (`npm start`'s node command, `node --max-semi-space-size=8 dist/src/main.js`, built first when dist/ is stale) in a process of its own, with a
 * temporary DATA_DIR (final documents are archived there, as in production).
 *
 * 1. Every kind × format × concurrency (1, 2, 4, 8): median and p95 latency, throughput, and the
 *    peak memory (PSS) of the service's Node process and of its Chromium.
 * 2. On the same document (the convention PDF), in the same run, against the references:
 *    (a) the floor: Chromium alone printing the service's exact print request (same HTML, same
 *        page.pdf options: tagged, outline, header and footer) with the service's flags and as many
 *        warm pages as the service keeps, and nothing else;
 *    (b) a browser launched per request;
 *    (c) LibreOffice kept running (one soffice --accept process, UNO clients taking turns) converting the
 *        service's own DOCX (Debian's packages installed with apt-get when missing).
 *    Ours, (a) and (c) are measured in interleaved blocks (ours, floor, LibreOffice, LibreOffice,
 *    floor, ours) so that a drift of the machine's load weighs on each alike; printed as ratios,
 *    with the acceptance targets (the c=4 throughput also block by block, each of ours against
 *    the floor's block next to it: the spread shows how much the machine drifted meanwhile).
 * 3. Where the time goes: at c=1, the stages of each request as the service reports them (Server-Timing),
 *    archive and HTTP included; and the generator's own stage timings, in-process.
 * 4. The annual bilan of a large facilitator (50 000 follow-up records over 500 markets).
 *
 * A script, not a test: figures depend on the machine and on what else runs on it. Results are
 * Markdown on stdout; progress goes to stderr.
 *
 *   npm run bench [-- --requests 16 --min-cell-ms 1500 --compare-requests 120 --compare-blocks 4 --kinds convention,avenant
 *                     --formats pdf,docx --concurrency 1,2,4,8 --compare-concurrency 1,4
 *                     --launches 8 --rows 50000 --markets 500 --block-deadline-s 120
 *                     --skip floor,per-request,libreoffice,breakdown,bilan --no-build]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fromRoot } from '../src/core/paths.js';
import { resolveChromiumOptions } from '../src/engines/pdf/chromium/index.js';
import type { PrintRequest } from '../src/engines/pdf/printer.js';
import { Generator } from '../src/generator.js';
import { largeBilanBody } from './bench/bilan.js';
import { STAGES, stageBreakdown, type StageRow } from './bench/breakdown.js';
import { FloorPrinter, printWithNewBrowser } from './bench/chromium.js';
import { convertLoad, ensureLibreOffice, LibreOfficeServer, type LibreOfficeSetup } from './bench/libreoffice.js';
import { countProcesses, maxPeak, PeakSampler, toMiB, type MemoryPeak } from './bench/memory.js';
import { num, ratio, table, yesNo } from './bench/report.js';
import { buildIfStale, Service, startArguments } from './bench/service.js';
import { figures, load, median, merge, type Figures, type LoadResult } from './bench/stats.js';

const SECTIONS = ['floor', 'per-request', 'libreoffice', 'breakdown', 'bilan'] as const;

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '16' },
    'min-cell-ms': { type: 'string', default: '1500' },
    'compare-requests': { type: 'string', default: '120' },
    'compare-blocks': { type: 'string', default: '4' },
    kinds: { type: 'string' },
    formats: { type: 'string' },
    concurrency: { type: 'string', default: '1,2,4,8' },
    'compare-concurrency': { type: 'string', default: '1,4' },
    warmup: { type: 'string', default: '3' },
    launches: { type: 'string', default: '8' },
    'breakdown-requests': { type: 'string', default: '10' },
    rows: { type: 'string', default: '50000' },
    markets: { type: 'string', default: '500' },
    'bilan-requests': { type: 'string', default: '3' },
    'sample-ms': { type: 'string', default: '200' },
    'pss-ms': { type: 'string', default: '1000' },
    'block-deadline-s': { type: 'string', default: '120' },
    skip: { type: 'string', default: '' },
    'no-build': { type: 'boolean', default: false },
  },
});

const int = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${value})`);
  return n;
};
const list = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

const REQUESTS = int('requests', values.requests);
const COMPARE_REQUESTS = int('compare-requests', values['compare-requests']);
const COMPARE_BLOCKS = int('compare-blocks', values['compare-blocks']);
/** Requests of one block of the comparison (each side runs COMPARE_BLOCKS of them). */
const BLOCK_REQUESTS = Math.ceil(COMPARE_REQUESTS / COMPARE_BLOCKS);
const MIN_CELL_MS = values['min-cell-ms'] === '0' ? 0 : int('min-cell-ms', values['min-cell-ms']);
const CONCURRENCY = list(values.concurrency)!.map((c) => int('concurrency', c));
const COMPARE_CONCURRENCY = list(values['compare-concurrency'])!.map((c) => int('compare-concurrency', c));
const WARMUP = int('warmup', values.warmup);
const LAUNCHES = int('launches', values.launches);
const BREAKDOWN_REQUESTS = int('breakdown-requests', values['breakdown-requests']);
const ROWS = int('rows', values.rows);
const MARKETS = int('markets', values.markets);
const BILAN_REQUESTS = int('bilan-requests', values['bilan-requests']);
const SAMPLE_MS = int('sample-ms', values['sample-ms']);
const PSS_MS = int('pss-ms', values['pss-ms']);
const SKIP = new Set(list(values.skip) ?? []);
const BLOCK_DEADLINE_MS = int('block-deadline-s', values['block-deadline-s']) * 1000;
for (const s of SKIP) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--skip: unknown section "${s}" (${SECTIONS.join(', ')})`);

/** The document every reference is measured on. */
const COMPARED = { kind: 'convention', format: 'pdf' } as const;

const startedAt = performance.now();
const clock = () => {
  const s = Math.round((performance.now() - startedAt) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};
const log = (line: string) => process.stderr.write(`[${clock()}] ${line}\n`);

interface Cell {
  kind: string;
  format: string;
  concurrency: number;
  figures: Figures;
  memory: MemoryPeak;
  firstError?: string;
  /** At c=1: each measured request's Server-Timing stages and the client's latency. */
  timed?: { stages: Record<string, number>; clientMs: number }[];
}

type Label = 'ours' | 'floor' | 'libreoffice' | 'per-request';

interface Compared {
  label: Label;
  concurrency: number;
  figures: Figures;
  /** Throughput of each of its blocks, in the order they ran (docs/s). */
  blocks: number[];
  memory?: MemoryPeak;
  firstError?: string;
}

/** One of the things compared on the same document: how to warm it and run a block of it. */
interface Side {
  label: Label;
  /** Root of the process tree whose memory is sampled. */
  pid: () => number | undefined;
  warm: (concurrency: number) => Promise<unknown>;
  block: (count: number, concurrency: number) => Promise<LoadResult>;
  /** Starts it afresh after a block it did not finish (a process that stopped answering). */
  reset?: () => Promise<void>;
}

/** A step of the comparison that did not end in time. */
class Stalled extends Error {}

/** `run()`, or a rejection (Stalled) once `ms` have passed without it ending. */
async function withDeadline<T>(what: string, ms: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Stalled(`${what}: not finished after ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a load while sampling the memory of the process tree rooted at `pid()`. */
async function measured(pid: () => number | undefined, run: () => Promise<LoadResult>): Promise<{ result: LoadResult; memory: MemoryPeak }> {
  const sampler = new PeakSampler(pid, { intervalMs: SAMPLE_MS, pssEveryMs: PSS_MS });
  try {
    const result = await run();
    return { result, memory: await sampler.stop() };
  } catch (error) {
    await sampler.stop();
    throw error;
  }
}

const mib = (bytes: number | undefined) => (bytes === undefined || bytes === 0 ? '–' : toMiB(bytes).toFixed(0));
const fixture = (kind: string) => readFileSync(fromRoot('fixtures', `${kind}.json`));
const errorText = (n: number, first: string | undefined) => (n ? `${n}: ${first?.slice(0, 80)}` : '0');

/**
 * Ours, the floor and LibreOffice on the same document, at each concurrency, in interleaved
 * blocks: each side runs COMPARE_BLOCKS blocks, in the order A B C C B A A B C…, so that a
 * drift of the machine's load (other work on it) weighs on each side alike.
 */
async function compare(sides: Side[], notes: string[]): Promise<Compared[]> {
  const results: Compared[] = [];
  for (const concurrency of COMPARE_CONCURRENCY) {
    const runs = new Map<Label, { results: LoadResult[]; memory: MemoryPeak[] }>(sides.map((s) => [s.label, { results: [], memory: [] }]));
    /** A side that failed to finish twice at this concurrency runs no more blocks. */
    const stalls = new Map<Label, number>();
    /**
     * Runs a step of a side; a step that fails is noted, one that stalls restarts the side. A
     * warm-up or block not finished after BLOCK_DEADLINE_MS is given up: a process that stops
     * answering (LibreOffice's conversions have no time limit of their own) must not hold the
     * whole run. Blocks take a few seconds.
     */
    const step = async <T>(side: Side, what: string, run: () => Promise<T>): Promise<T | undefined> => {
      if ((stalls.get(side.label) ?? 0) >= 2) return undefined;
      try {
        return await withDeadline(`${side.label} at c=${concurrency}, ${what}`, BLOCK_DEADLINE_MS, run);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // A stall's message names the side and the step already.
        notes.push(error instanceof Stalled ? `${message}: given up.` : `${side.label} at c=${concurrency} failed: ${message}`);
        log(message);
        if (error instanceof Stalled) {
          stalls.set(side.label, (stalls.get(side.label) ?? 0) + 1);
          if (side.reset) {
            log(`${side.label}: restarted`);
            await side.reset().catch((e: unknown) => notes.push(`${side.label} could not be restarted: ${e instanceof Error ? e.message : String(e)}`));
          }
        }
        return undefined;
      }
    };
    for (const side of sides) await step(side, 'warm-up', () => side.warm(concurrency));
    const order = Array.from({ length: COMPARE_BLOCKS }, (_, block) => (block % 2 === 0 ? sides : [...sides].reverse())).flat();
    for (const [index, side] of order.entries()) {
      const measuredBlock = await step(side, `block ${Math.floor(index / sides.length) + 1}`, () => measured(side.pid, () => side.block(BLOCK_REQUESTS, concurrency)));
      if (!measuredBlock) continue;
      runs.get(side.label)!.results.push(measuredBlock.result);
      runs.get(side.label)!.memory.push(measuredBlock.memory);
    }
    for (const side of sides) {
      const run = runs.get(side.label)!;
      if (run.results.length === 0) continue;
      const merged = merge(run.results);
      const blocks = run.results.map((r) => (r.wallMs > 0 ? (r.count * 1000) / r.wallMs : 0));
      const compared: Compared = { label: side.label, concurrency, figures: figures(merged), blocks, memory: maxPeak(run.memory), firstError: merged.errors[0] };
      results.push(compared);
      log(`${side.label} c=${concurrency}: median ${num(compared.figures.median)} ms, ${num(compared.figures.throughput)}/s, PSS ${mib(compared.memory?.total)} MB`);
    }
  }
  return results;
}

/**
 * The k-th blocks of two sides ran next to each other (compare): their throughput ratios, block by
 * block, show how much of a verdict is the machine's drift: " (blocks side by side: 81–102 %, median 93 %)".
 */
function blockPairs(a: Compared, b: Compared): string {
  const n = Math.min(a.blocks.length, b.blocks.length);
  if (n < 2) return '';
  const ratios = Array.from({ length: n }, (_, k) => (100 * a.blocks[k]!) / b.blocks[k]!).filter(Number.isFinite);
  if (ratios.length < 2) return '';
  return ` (blocks side by side: ${num(Math.min(...ratios), 0)}–${num(Math.max(...ratios), 0)} %, median ${num(median(ratios), 0)} %)`;
}

async function main(): Promise<void> {
  const out: string[] = [];
  const notes: string[] = [];
  const loadStart = loadavg();
  const otherChromiums = countProcesses('chromium');

  if (!values['no-build']) {
    const build = buildIfStale(log);
    if (build.warning) notes.push(build.warning);
    if (build.built) notes.push('dist/ was stale: this run built it first (`npm run build`).');
  }
  log(`starting the service (node ${startArguments().join(' ')})`);
  const service = await Service.start();
  const cleanups: (() => Promise<unknown>)[] = [() => service.stop()];
  const onSignal = (signal: NodeJS.Signals) => {
    log(`stopped by ${signal}: no figures printed; stopping the service and the references`);
    void Promise.allSettled(cleanups.map((c) => c())).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const cells: Cell[] = [];
  const compared: Compared[] = [];
  const bilanCells: Cell[] = [];
  let bilanBytes = 0;
  let floorVersion: string | undefined;
  let lo: LibreOfficeSetup | undefined;
  let loPdfBytes = 0;
  let metrics = new Map<string, number>();
  let formatOrder = ['docx', 'html', 'pdf', 'md', 'txt'];
  const pages = (await service.metrics()).get('pdf_pages') ?? resolveChromiumOptions().pages;
  const chromiumPath = resolveChromiumOptions().executablePath;
  try {
    const catalogue = await service.kinds();
    const kinds = (list(values.kinds) ?? catalogue.map((k) => k.id)).filter((k) => {
      if (catalogue.some((c) => c.id === k)) return true;
      notes.push(`Kind "${k}" is not offered by the service: skipped.`);
      return false;
    });
    formatOrder = catalogue.find((k) => k.id === COMPARED.kind)?.formats ?? formatOrder;
    const formats = list(values.formats) ?? formatOrder;

    // The cells: the compared document first (before the browser's first planned restart).
    type Plan = { kind: string; format: string; concurrency: number };
    const plan: Plan[] = [];
    const isCompared = (p: { kind: string; format: string }) => p.kind === COMPARED.kind && p.format === COMPARED.format;
    const order = [...kinds].sort((a, b) => Number(b === COMPARED.kind) - Number(a === COMPARED.kind));
    for (const kind of order) {
      const fmts = kind === COMPARED.kind ? [...formats].sort((a, b) => Number(b === COMPARED.format) - Number(a === COMPARED.format)) : formats;
      for (const format of fmts) for (const concurrency of CONCURRENCY) plan.push({ kind, format, concurrency });
    }
    // The memory target is read on the compared document alone at c=4: measured, selected or not.
    if (!plan.some((p) => isCompared(p) && p.concurrency === 4)) plan.unshift({ ...COMPARED, concurrency: 4 });
    const lastCompared = plan.map(isCompared).lastIndexOf(true);

    // The DOCX LibreOffice converts: the service's own, for the same fixture.
    const conventionDocx = await service.generate(new Agent({ keepAlive: false }), COMPARED.kind, 'docx', fixture(COMPARED.kind));

    log(`service ready (pid ${service.pid}, ${pages} PDF pages); ${plan.length} cells of ${REQUESTS} requests or more (${MIN_CELL_MS} ms at least)`);
    for (const [index, p] of plan.entries()) {
      const body = fixture(p.kind);
      const agent = new Agent({ keepAlive: true, maxSockets: p.concurrency });
      let timed: Cell['timed'];
      const call = async () => {
        const answer = await service.generateTimed(agent, p.kind, p.format, body);
        timed?.push({ stages: answer.stages, clientMs: answer.clientMs });
      };
      await load(Math.max(WARMUP, p.concurrency), p.concurrency, call);
      if (p.concurrency === 1) timed = [];
      const { result, memory } = await measured(
        () => service.pid,
        () => load(REQUESTS, p.concurrency, call, { minMs: MIN_CELL_MS }),
      );
      agent.destroy();
      if (service.child.exitCode !== null) throw new Error(`the service died:\n${service.tail()}`);
      const cell: Cell = { ...p, figures: figures(result), memory, firstError: result.errors[0], timed };
      cells.push(cell);
      log(
        `${p.kind} ${p.format} c=${p.concurrency}: median ${num(cell.figures.median)} ms, p95 ${num(cell.figures.p95)} ms, ` +
          `${num(cell.figures.throughput)}/s, PSS ${mib(memory.root)} + ${mib(memory.children)} MB${result.errors.length ? `, ${result.errors.length} errors: ${result.errors[0]}` : ''}`,
      );
      if (index !== lastCompared) continue;

      // The references, on the same document, now.
      const generator = new Generator();
      let request: PrintRequest;
      try {
        request = await generator.printRequest(COMPARED.kind, JSON.parse(fixture(COMPARED.kind).toString('utf8')));
      } finally {
        await generator.close();
      }
      const oursBody = fixture(COMPARED.kind);
      const oursAgent = new Agent({ keepAlive: true, maxSockets: Math.max(...COMPARE_CONCURRENCY) });
      const ours = () => service.generate(oursAgent, COMPARED.kind, COMPARED.format, oursBody).then(() => undefined);
      const sides: Side[] = [
        {
          label: 'ours',
          pid: () => service.pid,
          warm: (c) => load(Math.max(WARMUP, c), c, ours),
          block: (count, c) => load(count, c, ours),
        },
      ];
      let floor: FloorPrinter | undefined;
      let server: LibreOfficeServer | undefined;
      try {
        if (!SKIP.has('floor')) {
          log(`floor: Chromium alone, ${pages} warm pages, the same print request`);
          floor = await FloorPrinter.launch(chromiumPath, pages);
          cleanups.push(() => floor?.close() ?? Promise.resolve());
          floorVersion = await floor.browser.version();
          const print = () => floor!.print(request).then(() => undefined);
          sides.push({
            label: 'floor',
            pid: () => floor?.pid,
            warm: (c) => load(Math.max(WARMUP, c), c, print),
            block: (count, c) => load(count, c, print),
            reset: async () => {
              await floor?.close();
              floor = await FloorPrinter.launch(chromiumPath, pages);
            },
          });
        }
        if (!SKIP.has('libreoffice')) {
          lo = ensureLibreOffice(log);
          notes.push(...lo.notes);
          if (lo.error) notes.push(`LibreOffice not measured: ${lo.error}.`);
          else {
            log(`LibreOffice kept running (${lo.version ?? lo.soffice})`);
            const soffice = lo.soffice!;
            server = await LibreOfficeServer.start(soffice);
            cleanups.push(() => server?.stop() ?? Promise.resolve());
            sides.push({
              label: 'libreoffice',
              pid: () => server?.pid,
              warm: (c) => convertLoad(server!, conventionDocx, c, c, { warmup: 2 }),
              // Stopping soffice also ends the conversions waiting on it.
              reset: async () => {
                await server?.stop();
                server = await LibreOfficeServer.start(soffice);
              },
              block: async (count, c) => {
                const result = await convertLoad(server!, conventionDocx, count, c, { warmup: 1 });
                loPdfBytes = result.pdfBytes;
                return result;
              },
            });
          }
        }
        log(`compared in interleaved blocks: ${sides.map((s) => s.label).join(', ')}`);
        compared.push(...(await compare(sides, notes)));
      } finally {
        oursAgent.destroy();
        await floor?.close();
        await server?.stop();
      }
      if (!SKIP.has('per-request')) {
        log(`browser launched per request (${LAUNCHES})`);
        await printWithNewBrowser(chromiumPath, request); // Disk caches warm, as for the others.
        const result = await load(LAUNCHES, 1, () => printWithNewBrowser(chromiumPath, request).then(() => undefined));
        compared.push({ label: 'per-request', concurrency: 1, figures: figures(result), blocks: [], firstError: result.errors[0] });
        log(`browser per request: median ${num(figures(result).median)} ms`);
      }
    }

    metrics = await service.metrics();

    // The annual bilan of a large facilitator.
    if (!SKIP.has('bilan')) {
      const body = largeBilanBody(JSON.parse(fixture('bilan-annuel').toString('utf8')) as Record<string, unknown>, ROWS, MARKETS);
      bilanBytes = body.length;
      log(`annual bilan: ${ROWS} records over ${MARKETS} markets (${(body.length / 1e6).toFixed(1)} MB of JSON)`);
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (const format of ['docx', 'pdf']) {
        const call = () => service.generate(agent, 'bilan-annuel', format, body).then(() => undefined);
        await call();
        const { result, memory } = await measured(
          () => service.pid,
          () => load(BILAN_REQUESTS, 1, call),
        );
        bilanCells.push({ kind: 'bilan-annuel', format, concurrency: 1, figures: figures(result), memory, firstError: result.errors[0] });
        log(`bilan ${format}: median ${num(figures(result).median)} ms`);
      }
      agent.destroy();
    }
  } finally {
    log('stopping the service');
    const code = await service.stop();
    if (code !== 0) notes.push(`The service exited with code ${code} on SIGTERM. Its last lines:\n${service.tail()}`);
  }

  // Per-stage breakdown, in-process (after the service stopped: nothing else runs).
  const breakdown: StageRow[] = [];
  if (!SKIP.has('breakdown')) {
    log('per-stage breakdown (in-process Generator)');
    const generator = new Generator();
    try {
      for (const kind of [...new Set(cells.map((c) => c.kind))]) {
        const input = JSON.parse(fixture(kind).toString('utf8')) as unknown;
        const formats = [...new Set(cells.filter((c) => c.kind === kind).map((c) => c.format))].sort((a, b) => formatOrder.indexOf(a) - formatOrder.indexOf(b));
        for (const format of formats) breakdown.push(await stageBreakdown(generator, kind, format, input, BREAKDOWN_REQUESTS));
      }
    } finally {
      await generator.close();
    }
  }

  // ---- Report ----
  const loadEnd = loadavg();
  const seconds = (performance.now() - startedAt) / 1000;
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: fromRoot(), encoding: 'utf8' }).stdout?.trim();
  out.push('# Benchmark of document generation');
  out.push('');
  out.push(
    table(
      ['', ''],
      [
        ['date', new Date().toISOString()],
        [
          'machine',
          `${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} at start, ` +
            `${loadEnd.map((l) => l.toFixed(2)).join(' ')} at end; ${otherChromiums} Chromium processes of others running at start`,
        ],
        ['node', process.version],
        ['chromium', `${chromiumPath}${floorVersion ? ` (${floorVersion})` : ''}, ${pages} pages in the service`],
        ['libreoffice', lo?.version ?? (lo?.error ? `not measured: ${lo.error}` : 'skipped')],
        ['code', `commit ${head || '?'} plus the working tree, compiled to dist/`],
        ['service', `npm start's node command (node ${startArguments().join(' ')}), own process, temporary DATA_DIR, LOG_LEVEL=warn; POST /api/v1/documents/<kind>?format=<f>&mode=final (archived), fixture as JSON body, keep-alive`],
        [
          'requests',
          `${REQUESTS} per cell at least, and as many as ${MIN_CELL_MS} ms allow (n in the tables), after ${WARMUP} warm-up requests (at least one per client), closed loop of c clients; ` +
            `comparison: ${BLOCK_REQUESTS * COMPARE_BLOCKS} per side and concurrency, in ${COMPARE_BLOCKS} blocks`,
        ],
        [
          'memory',
          `peak PSS (smaps_rollup) during each cell: the tree's RSS checked every ${SAMPLE_MS} ms, PSS read at each new RSS high and at least every ${PSS_MS} ms ` +
            '(a PSS reading costs ~40 ms of kernel CPU); service = its Node process, Chromium = all its descendant processes, total = both in the same reading',
        ],
        ['run time', `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`],
      ],
    ),
  );

  out.push('');
  out.push('## Ours, per kind and format, through the HTTP API');
  for (const kind of [...new Set(cells.map((c) => c.kind))]) {
    out.push('');
    out.push(`### ${kind}`);
    out.push('');
    const rows = cells
      .filter((c) => c.kind === kind)
      .sort((a, b) => formatOrder.indexOf(a.format) - formatOrder.indexOf(b.format) || a.concurrency - b.concurrency)
      .map((c) => [
        c.format,
        String(c.concurrency),
        String(c.figures.count),
        num(c.figures.median),
        num(c.figures.p95),
        num(c.figures.throughput),
        mib(c.memory.root),
        mib(c.memory.children),
        mib(c.memory.total),
        errorText(c.figures.errors, c.firstError),
      ]);
    const right = 'right' as const;
    out.push(table(['format', 'c', 'n', 'median ms', 'p95 ms', 'docs/s', 'PSS service MB', 'PSS Chromium MB', 'PSS total MB', 'errors'], rows, ['left', right, right, right, right, right, right, right, right, 'left']));
  }

  out.push('');
  out.push('## Peak memory per concurrency (over every cell at that concurrency)');
  out.push('');
  const concurrencies = [...new Set(cells.map((c) => c.concurrency))].sort((a, b) => a - b);
  const peakOf = (cs: Cell[], key: keyof MemoryPeak) => Math.max(0, ...cs.map((c) => c.memory[key]));
  out.push(
    table(
      ['c', 'PSS service MB', 'PSS Chromium MB', 'PSS total MB', 'PDF cells: total MB', 'other formats: total MB'],
      concurrencies.map((c) => {
        const at = cells.filter((x) => x.concurrency === c);
        const pdf = at.filter((x) => x.format === 'pdf');
        const other = at.filter((x) => x.format !== 'pdf');
        return [String(c), mib(peakOf(at, 'root')), mib(peakOf(at, 'children')), mib(peakOf(at, 'total')), mib(peakOf(pdf, 'total')), mib(peakOf(other, 'total'))];
      }),
      ['right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  const metric = (name: string) => metrics.get(name);
  const byOutcome = new Map<string, number>();
  for (const [k, v] of metrics) {
    if (!k.startsWith('documents_renders_total{')) continue;
    const outcome = /outcome="([^"]+)"/.exec(k)?.[1] ?? '?';
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + v);
  }
  out.push('');
  out.push(
    `The service's /metrics after the cells and the comparison: pdf_engine_memory_bytes ${mib(metric('pdf_engine_memory_bytes'))} MB (its own last sample), ` +
      `pdf_pages ${metric('pdf_pages') ?? '–'}, pdf_engine_launches ${metric('pdf_engine_launches') ?? '–'}, pdf_engine_restarts ${metric('pdf_engine_restarts') ?? '–'} ` +
      `(the browser is replaced every PDF_MAX_RENDERS renders, 1 000 by default: two browsers live for a moment then), ` +
      `process_resident_memory_bytes ${mib(metric('process_resident_memory_bytes'))} MB, renders ${[...byOutcome.entries()].map(([o, n]) => `${o} ${n}`).join(', ') || '–'}.`,
  );
  if (otherChromiums > 0) {
    out.push('');
    out.push(
      `PSS divides a shared page among every process that maps it, other people's processes included: with ${otherChromiums} other Chromium processes ` +
        'on the machine, the pages of the Chromium binary weigh less in ours (and in the floor’s) than on a machine of its own.',
    );
  }

  // Comparison on the convention PDF.
  const cellOf = (kind: string, format: string, c: number) => cells.find((x) => x.kind === kind && x.format === format && x.concurrency === c);
  const get = (label: Label, c: number) => compared.find((r) => r.label === label && r.concurrency === c);
  const [cLow, cHigh] = [Math.min(...COMPARE_CONCURRENCY), Math.max(...COMPARE_CONCURRENCY)];
  const ours1 = get('ours', cLow);
  const oursN = get('ours', cHigh);
  const floor1 = get('floor', cLow);
  const floorN = get('floor', cHigh);
  const lo1 = get('libreoffice', cLow);
  const loN = get('libreoffice', cHigh);
  const perRequest = get('per-request', 1);
  const alone4 = cellOf(COMPARED.kind, COMPARED.format, 4);
  out.push('');
  out.push(`## The ${COMPARED.kind} PDF against the references, same run, interleaved`);
  out.push('');
  const rows: string[][] = [];
  const show = (r: Compared | undefined, what: 'median' | 'throughput') =>
    !r ? 'not measured' : what === 'median' ? `${num(r.figures.median)} ms (p95 ${num(r.figures.p95)})` : `${num(r.figures.throughput)} docs/s`;
  const against = (what: string, r: Compared | undefined, o: Compared | undefined, measure: 'median' | 'throughput') =>
    rows.push([what, show(r, measure), show(o, measure), ratio(r && o ? o.figures[measure] / r.figures[measure] : undefined), errorText((r?.figures.errors ?? 0) + (o?.figures.errors ?? 0), r?.firstError ?? o?.firstError)]);
  against(`(a) floor, c=${cLow}: median latency`, floor1, ours1, 'median');
  against(`(a) floor, c=${cLow}: throughput`, floor1, ours1, 'throughput');
  against(`(a) floor, c=${cHigh}: median latency`, floorN, oursN, 'median');
  against(`(a) floor, c=${cHigh}: throughput`, floorN, oursN, 'throughput');
  against(`(b) browser launched per request, c=1 (n=${LAUNCHES}): median latency`, perRequest, get('ours', 1), 'median');
  against(`(c) LibreOffice kept running, same DOCX, c=${cLow}: median latency`, lo1, ours1, 'median');
  against(`(c) LibreOffice kept running, same DOCX, c=${cHigh}: median latency`, loN, oursN, 'median');
  against(`(c) LibreOffice kept running, same DOCX, c=${cHigh}: throughput`, loN, oursN, 'throughput');
  rows.push([
    `Chromium peak PSS at c=${cHigh}`,
    floorN?.memory ? `floor ${mib(floorN.memory.total)} MB` : 'not measured',
    oursN?.memory ? `${mib(oursN.memory.children)} MB (+ service ${mib(oursN.memory.root)} MB)` : '–',
    ratio(floorN?.memory && oursN?.memory ? oursN.memory.children / floorN.memory.total : undefined),
    '',
  ]);
  if (loN?.memory) rows.push([`LibreOffice peak PSS at c=${cHigh}`, `${mib(loN.memory.total)} MB`, `${mib(oursN?.memory?.total)} MB (service + Chromium)`, ratio(oursN?.memory ? oursN.memory.total / loN.memory.total : undefined), '']);
  out.push(table(['comparison', 'reference', 'ours (HTTP API)', 'ours ÷ reference', 'errors'], rows, ['left', 'right', 'right', 'right', 'left']));
  out.push('');
  out.push(
    `Latency ratios above 1: ours is slower; throughput ratios below 1: ours does less per second. Ours, the floor and LibreOffice ran in ` +
      `${COMPARE_BLOCKS} alternating blocks of ${BLOCK_REQUESTS} each (ours, floor, LibreOffice, then the reverse order, and so on) at each concurrency, with the others idle but running; ` +
      `ours here is those blocks (the ${COMPARED.kind} table above has the cells measured alone). The floor prints the service’s own print request ` +
      '(`Generator.printRequest`) with `chromiumPdfOptions` and does nothing else; ours adds HTTP, validation, the DOCX and HTML stages, the ' +
      'anchors, pdf-lib parsing and finishing (signature fields, properties, reproducible ids) and the archive, and prints through its own ' +
      'DevTools calls (setDocumentContent, printToPDF returning the PDF at once) where the floor uses puppeteer’s setContent and pdf. ' +
      'LibreOffice converts the service’s DOCX ' +
      `of the same fixture (tagged PDF with bookmarks; ${(loPdfBytes / 1024).toFixed(0)} KiB of PDF) in one soffice process shared by its c UNO ` +
      'clients, one conversion at a time (as unoserver serves its clients); its times include the wait for the other clients and exclude Python’s start-up and the UNO connection. The browser launched per request ran alone, after the blocks.',
  );

  // Acceptance targets.
  const docx1 = cellOf(COMPARED.kind, 'docx', 1);
  const worst4 = cells.filter((x) => x.concurrency === 4 && x.format === 'pdf').sort((a, b) => b.memory.total - a.memory.total)[0];
  const target = (label: string, text: string, met: boolean | undefined) => [label, text, yesNo(met)];
  const o1 = get('ours', 1);
  const f1 = get('floor', 1);
  const o4 = get('ours', 4);
  const f4 = get('floor', 4);
  const l1 = get('libreoffice', 1);
  const l4 = get('libreoffice', 4);
  out.push('');
  out.push('## Acceptance targets');
  out.push('');
  out.push(
    table(
      ['target', 'measured', 'verdict'],
      [
        target(
          'convention PDF, c=1: median ≤ 1.25 × floor',
          o1 && f1 ? `${num(o1.figures.median)} ms vs ${num(f1.figures.median)} ms: ${ratio(o1.figures.median / f1.figures.median)}` : 'not measured',
          o1 && f1 ? o1.figures.median <= 1.25 * f1.figures.median : undefined,
        ),
        target(
          'convention PDF, c=4: throughput ≥ 90 % of the floor’s',
          o4 && f4 ? `${num(o4.figures.throughput)} vs ${num(f4.figures.throughput)} docs/s: ${num((100 * o4.figures.throughput) / f4.figures.throughput, 0)} %${blockPairs(o4, f4)}` : 'not measured',
          o4 && f4 ? o4.figures.throughput >= 0.9 * f4.figures.throughput : undefined,
        ),
        target(
          'convention PDF faster than LibreOffice kept running (same DOCX): c=1 median',
          o1 && l1 ? `${num(o1.figures.median)} ms vs ${num(l1.figures.median)} ms: ${ratio(o1.figures.median / l1.figures.median)}` : 'not measured',
          o1 && l1 ? o1.figures.median < l1.figures.median : undefined,
        ),
        target(
          '  … and c=4 throughput',
          o4 && l4 ? `${num(o4.figures.throughput)} vs ${num(l4.figures.throughput)} docs/s` : 'not measured',
          o4 && l4 ? o4.figures.throughput > l4.figures.throughput : undefined,
        ),
        target('convention DOCX, c=1: median ≤ 10 ms', docx1 ? `${num(docx1.figures.median)} ms (p95 ${num(docx1.figures.p95)})` : 'not measured', docx1 ? docx1.figures.median <= 10 : undefined),
        target(
          'convention PDF, c=4 (cell alone): Chromium + service ≤ 700 MB PSS',
          alone4 ? `${mib(alone4.memory.total)} MB peak (service ${mib(alone4.memory.root)}, Chromium ${mib(alone4.memory.children)})` : 'not measured',
          alone4 ? toMiB(alone4.memory.total) <= 700 : undefined,
        ),
        ...(worst4 && worst4 !== alone4 ? [target(`  (worst PDF cell at c=4: ${worst4.kind})`, `${mib(worst4.memory.total)} MB peak`, toMiB(worst4.memory.total) <= 700)] : []),
      ],
    ),
  );
  const docxRows = cells.filter((c) => c.format === 'docx' && c.concurrency === 1);
  if (docxRows.length > 1) {
    out.push('');
    out.push(`DOCX at c=1, every kind: ${docxRows.map((c) => `${c.kind} ${num(c.figures.median)} ms`).join(', ')}.`);
  }

  const timedCells = cells.filter((c) => c.timed && c.timed.length > 0);
  if (timedCells.length > 0) {
    const names = [...STAGES, 'archive'].filter((s) => timedCells.some((c) => c.timed!.some((t) => t.stages[s] !== undefined)));
    const rest = (t: { stages: Record<string, number>; clientMs: number }) => t.clientMs - (t.stages.total ?? 0) - (t.stages.archive ?? 0);
    out.push('');
    out.push(`## Where the time goes, through the HTTP API (c=1: medians of the service’s Server-Timing over the requests of each cell)`);
    out.push('');
    out.push(
      table(
        ['kind', 'format', ...names, 'HTTP and rest', 'client'],
        timedCells.map((c) => {
          const med = (values: number[]) => (values.length > 0 ? num(median(values)) : '–');
          return [
            c.kind,
            c.format,
            ...names.map((s) => med(c.timed!.flatMap((t) => (t.stages[s] === undefined ? [] : [t.stages[s]!])))),
            med(c.timed!.map(rest)),
            med(c.timed!.map((t) => t.clientMs)),
          ];
        }),
        ['left', 'left', ...names.map(() => 'right' as const), 'right', 'right'],
      ),
    );
    out.push('');
    out.push(
      'total is the generation (the stages before it, each timed apart); archive is storing the file, its record and the audit line; ' +
        'HTTP and rest is the client’s latency minus both (reading the request, routing, authentication, sending the file, the client).',
    );
  }

  if (breakdown.length > 0) {
    out.push('');
    out.push(`## Per-stage breakdown (generator in-process, no HTTP nor archive; median ms of ${BREAKDOWN_REQUESTS} renders, one at a time)`);
    out.push('');
    const used = STAGES.filter((s) => breakdown.some((r) => r.medians[s] !== undefined));
    out.push(
      table(
        ['kind', 'format', ...used],
        breakdown.map((r) => [r.kind, r.format, ...used.map((s) => num(r.medians[s]))]),
        ['left', 'left', ...used.map(() => 'right' as const)],
      ),
    );
    out.push('');
    out.push(
      'Stages: validation (joi), viewModel, docx (filling the template), package (writing the DOCX file), html (the prepared HTML filled, layout, print request), ' +
        'printQueue (waiting for a Chromium page), print (Chromium: page, anchors, page.pdf; queue included), finishing (pdf-lib), text (Markdown / plain text), total. ' +
        'package includes docx (the DOCX file is written from the filled template). Each stage’s median is taken apart, so the medians need not add up to the total’s.',
    );
  }

  if (bilanCells.length > 0) {
    out.push('');
    out.push(`## Annual bilan of ${ROWS} follow-up records over ${MARKETS} markets (${(bilanBytes / 1e6).toFixed(1)} MB of JSON), c=1, after one warm-up`);
    out.push('');
    out.push(
      table(
        ['format', 'n', 'median ms', 'p95 ms', 'PSS service MB', 'PSS Chromium MB', 'PSS total MB', 'errors'],
        bilanCells.map((c) => [c.format, String(c.figures.count), num(c.figures.median), num(c.figures.p95), mib(c.memory.root), mib(c.memory.children), mib(c.memory.total), errorText(c.figures.errors, c.firstError)]),
        ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
      ),
    );
  }

  if (notes.length > 0) {
    out.push('');
    out.push('## Notes');
    out.push('');
    for (const note of notes) out.push(`- ${note}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
