/**
 * Memory of a process tree, measured from outside: proportional set size (PSS, shared pages divided
 * among the processes sharing them) from Linux's /proc/<pid>/smaps_rollup, for a root process and,
 * apart, for all its descendants (found by walking the ppid field of /proc/<pid>/stat). The
 * benchmark uses it for the service (root: its Node process; descendants: its Chromium) and for the
 * references (a floor browser, LibreOffice). Processes that re-parent themselves to init (Chromium's
 * crashpad handlers, a few MB) are not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const MIB = 1024 * 1024;

/**
 * Parent pid of every process. Read synchronously: a few milliseconds for a few hundred processes,
 * several times less CPU than the same reads through the thread pool.
 */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      map.set(Number(name), Number(fields[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  return map;
}

/** Every descendant of `pid` (not `pid` itself). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents()) {
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  }
  const found: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length > 0) {
    const current = stack.pop()!;
    found.push(current);
    stack.push(...(children.get(current) ?? []));
  }
  return found;
}

/** PSS of one process in bytes; 0 when it is gone or unreadable. */
export async function pss(pid: number): Promise<number> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kib = /^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1];
    return kib ? Number(kib) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface TreeMemory {
  /** PSS of the root process. */
  root: number;
  /** PSS of all its descendants. */
  children: number;
}

export async function treeMemory(pid: number): Promise<TreeMemory> {
  const [root, ...sizes] = await Promise.all([pid, ...descendants(pid)].map(pss));
  return { root: root ?? 0, children: sizes.reduce((sum, n) => sum + n, 0) };
}

/** Peaks over a sampling period, in bytes; `total` is the peak of root + children sampled together. */
export interface MemoryPeak {
  root: number;
  children: number;
  total: number;
  /** PSS readings taken (each reads smaps_rollup of every process of the tree). */
  samples: number;
}

export const toMiB = (bytes: number): number => bytes / MIB;

const PAGE = 4096;
const RSS_STEP = 2 * MIB;

/**
 * Resident set size of one process in bytes, from /proc/<pid>/statm; 0 when it is gone. Read
 * synchronously: a few microseconds, cheaper than the thread pool's round trip.
 */
function rss(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
  } catch {
    return 0;
  }
}

export interface SamplerOptions {
  /** Period of the checks (RSS of the tree), in milliseconds. */
  intervalMs?: number;
  /** Longest time between two PSS readings, in milliseconds. */
  pssEveryMs?: number;
  /** Period of the walk of /proc that finds the tree's processes, in milliseconds. */
  treeEveryMs?: number;
}

/**
 * Samples the memory of a process tree until stopped, keeping the peaks of PSS. Reading PSS costs
 * the kernel a walk of every page table (about 40 ms of CPU for the service and its Chromium, as
 * much as a PDF render's share of a core on a small machine), so it is not read blindly every
 * period: every `intervalMs` (200) the tree's RSS is read (cheap, /proc/<pid>/statm), and PSS is
 * read when that RSS reaches a new high (by more than 2 MiB), at least every `pssEveryMs` (1 000),
 * and at start and stop. The process tree is walked again every `treeEveryMs` (1 000): a new renderer or browser
 * shows as a jump of RSS, which triggers a PSS reading.
 */
export class PeakSampler {
  private peak: MemoryPeak = { root: 0, children: 0, total: 0, samples: 0 };
  private running = true;
  private readonly loop: Promise<void>;
  private tree: { root: number; children: number[]; at: number } | undefined;
  private highRss = 0;
  private lastPss = 0;
  private readonly intervalMs: number;
  private readonly pssEveryMs: number;
  private readonly treeEveryMs: number;

  constructor(
    private readonly pid: () => number | undefined,
    options: SamplerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 200;
    this.pssEveryMs = options.pssEveryMs ?? 1000;
    this.treeEveryMs = options.treeEveryMs ?? 1000;
    this.loop = this.run();
  }

  private processes(): { root: number; children: number[] } | undefined {
    const root = this.pid();
    if (root === undefined) return undefined;
    if (!this.tree || this.tree.root !== root || Date.now() - this.tree.at >= this.treeEveryMs) {
      this.tree = { root, children: descendants(root), at: Date.now() };
    }
    return this.tree;
  }

  private async readPss(tree: { root: number; children: number[] }): Promise<void> {
    const [root, ...children] = await Promise.all([tree.root, ...tree.children].map(pss));
    const rest = children.reduce((sum, n) => sum + n, 0);
    this.peak.root = Math.max(this.peak.root, root ?? 0);
    this.peak.children = Math.max(this.peak.children, rest);
    this.peak.total = Math.max(this.peak.total, (root ?? 0) + rest);
    this.peak.samples++;
    this.lastPss = Date.now();
  }

  private async sample(force: boolean): Promise<void> {
    const tree = this.processes();
    if (!tree) return;
    const sizes = [tree.root, ...tree.children].map(rss);
    const total = sizes.reduce((sum, n) => sum + n, 0);
    // A new high by more than RSS_STEP: RSS creeps up by a few pages all the time.
    const high = total > this.highRss + RSS_STEP;
    if (high) this.highRss = total;
    if (force || high || Date.now() - this.lastPss >= this.pssEveryMs) await this.readPss(tree);
  }

  private async run(): Promise<void> {
    let first = true;
    while (this.running) {
      const started = Date.now();
      await this.sample(first);
      first = false;
      const wait = this.intervalMs - (Date.now() - started);
      if (this.running && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  async stop(): Promise<MemoryPeak> {
    this.running = false;
    await this.loop;
    this.tree = undefined;
    await this.sample(true);
    return { ...this.peak };
  }
}

/** Processes of the machine whose command name (/proc/<pid>/comm) is `comm`, e.g. other Chromiums. */
export function countProcesses(comm: string): number {
  let count = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() === comm) count++;
    } catch {
      // Ended meanwhile.
    }
  }
  return count;
}

/** The larger of each peak (one figure over several sampling periods). */
export function maxPeak(peaks: readonly MemoryPeak[]): MemoryPeak {
  return {
    root: Math.max(0, ...peaks.map((p) => p.root)),
    children: Math.max(0, ...peaks.map((p) => p.children)),
    total: Math.max(0, ...peaks.map((p) => p.total)),
    samples: peaks.reduce((sum, p) => sum + p.samples, 0),
  };
}
