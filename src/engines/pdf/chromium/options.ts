/** Settings of the Chromium printer, and their defaults from the environment (in this one function). */
import { availableParallelism } from 'node:os';

export interface ChromiumOptions {
  /** The Chromium to launch. */
  executablePath: string;
  /** Pages (renders at once) of the browser, opened at launch and reused. */
  pages: number;
  /** Renders allowed to wait for a page; beyond, a print is refused at once (BusyError). */
  queue: number;
  /** Time allowed to one render, in milliseconds (its page is then closed, never reused). */
  timeoutMs: number;
  /** Renders after which the browser is replaced (between renders); 0: never. */
  maxRenders: number;
  /** Renders after which a page is closed and a fresh one opened in its place; 0: never. */
  pageMaxRenders: number;
  /**
   * Renders after which a page's garbage is collected (its renderer's heaps), between two renders
   * and without holding up the render that reached the count; when it is 10 or more, also once
   * after the page's 5th render (printer.ts, collectsAfter); 0: never.
   */
  pageGcRenders: number;
  /** Memory (PSS of Chromium's processes, in MiB) above which the browser is replaced; 0: no limit. */
  maxMemoryMb: number;
  /** Least time between two samples of Chromium's memory, in milliseconds (sampled after renders). */
  memoryCheckMs: number;
  /** @deprecated The former name of `pages`. */
  concurrency?: number;
}

const positive = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
};

/**
 * Defaults: CHROMIUM_PATH (/usr/bin/chromium), PDF_PAGES (the machine's available parallelism;
 * PDF_CONCURRENCY, its former name, is still read), PDF_QUEUE (16 per page), PDF_TIMEOUT_MS
 * (30 000, at least 1 000), PDF_MAX_RENDERS (1 000; 0: never), PDF_PAGE_MAX_RENDERS (250; 0: never),
 * PDF_PAGE_GC_RENDERS (20; 0: never), PDF_MAX_MEMORY_MB (1 536; 0: no
 * limit), PDF_MEMORY_CHECK_MS (5 000).
 */
export function chromiumOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ChromiumOptions {
  const pages = Math.max(1, positive(env.PDF_PAGES) || positive(env.PDF_CONCURRENCY) || availableParallelism());
  return {
    executablePath: env.CHROMIUM_PATH || '/usr/bin/chromium',
    pages,
    queue: positive(env.PDF_QUEUE) ?? pages * 16,
    timeoutMs: Math.max(1000, positive(env.PDF_TIMEOUT_MS) || 30_000),
    maxRenders: positive(env.PDF_MAX_RENDERS) ?? 1000,
    pageMaxRenders: positive(env.PDF_PAGE_MAX_RENDERS) ?? 250,
    pageGcRenders: positive(env.PDF_PAGE_GC_RENDERS) ?? 20,
    maxMemoryMb: positive(env.PDF_MAX_MEMORY_MB) ?? 1536,
    memoryCheckMs: positive(env.PDF_MEMORY_CHECK_MS) ?? 5000,
  };
}

/** Options given in part, completed from the environment (`concurrency` read as `pages`). */
export function resolveChromiumOptions(options: Partial<ChromiumOptions> = {}, env: NodeJS.ProcessEnv = process.env): ChromiumOptions {
  const defaults = chromiumOptionsFromEnv(env);
  const pages = Math.max(1, options.pages ?? options.concurrency ?? defaults.pages);
  return {
    executablePath: options.executablePath ?? defaults.executablePath,
    pages,
    queue: Math.max(0, options.queue ?? positive(env.PDF_QUEUE) ?? pages * 16),
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    maxRenders: options.maxRenders ?? defaults.maxRenders,
    pageMaxRenders: options.pageMaxRenders ?? defaults.pageMaxRenders,
    pageGcRenders: options.pageGcRenders ?? defaults.pageGcRenders,
    maxMemoryMb: options.maxMemoryMb ?? defaults.maxMemoryMb,
    memoryCheckMs: options.memoryCheckMs ?? defaults.memoryCheckMs,
  };
}
