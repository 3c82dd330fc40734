/**
 * The Chromium printer: one headless Chromium, supervised, with a pool of pages opened at launch
 * and reused. Prints wait in a bounded queue (p-queue, as many running as pages); beyond
 * `queue` waiting prints, a print is refused at once (BusyError). Each render has a time limit:
 * past it, the render fails (RenderUnavailableError) and its page is closed, never reused.
 *
 * The browser is replaced between renders after `maxRenders` renders or when the memory of its
 * processes (PSS) goes above `maxMemoryMb`: the new browser is launched, waiting prints go to it,
 * and the old one is closed when its last render is done, so no print fails for it. When Chromium
 * dies, the renders running in it fail (RenderUnavailableError) and the ones still waiting are
 * printed by the browser launched in its place.
 *
 * Pages run no script of their own and make no network request (tab.ts: JavaScript disabled, the
 * browser behind a proxy that does not exist); a page that navigated away is not reused. Page
 * numbers are the HTML's margin boxes (CSS counters); anchors are printed as link annotations, read and
 * removed (anchors.ts); structure ids are renumbered (normalise.ts): what leaves this folder is a
 * neutral PrintedPdf.
 */
import { performance } from 'node:perf_hooks';
import PQueue from 'p-queue';
import type { Browser, PDFOptions } from 'puppeteer-core';
import { BusyError, RenderUnavailableError } from '../../../core/errors.js';
import { type PdfPrinter, type PrintedPdf, type PrinterStats, type PrintRequest } from '../printer.js';
import { readPdf } from '../reader.js';
import { takeAnchors } from './anchors.js';
import { launchChromium } from './launch.js';
import { processTreePss } from './memory.js';
import { normaliseStructureIds } from './normalise.js';
import { resolveChromiumOptions, type ChromiumOptions } from './options.js';
import { Tab } from './tab.js';

/**
 * What Chromium writes that neither the anchors, the ids' renumbering (which resolves the
 * structure elements it walks) nor the finishing read: kept as bytes (reader.ts).
 */
const UNREAD_TYPES = ['StructElem', 'Font', 'FontDescriptor'];
/** … and the outline's items (no /Type; Chromium writes their /Title first, mostly as UTF-16 in hex). */
const UNREAD_FIRST_KEYS = ['Title'];

const MIB = 1024 * 1024;

/** Renders after which a page's garbage is collected a first time, when `pageGcRenders` is 10 or more. */
export const FIRST_PAGE_GC_RENDERS = 5;

/**
 * Whether a page that has printed `used` documents collects its garbage now: every `every`
 * renders and, when `every` is at least twice FIRST_PAGE_GC_RENDERS, once after its first
 * FIRST_PAGE_GC_RENDERS too (a smaller `every` collects early enough by itself, and two
 * collections a render or two apart would cost 20 to 50 ms for nothing). Until its first full
 * collection a renderer's heaps grow at their start-up pace: with the first one at the 20th render,
 * Chromium reached about 520 MB of PSS during the first 50 convention PDFs at concurrency 4 (2
 * pages), and 440 to 485 MB for the rest of the run; with a first one at the 3rd, 5th or 8th
 * render, 440 to 485 MB from the start.
 */
export function collectsAfter(used: number, every: number): boolean {
  if (every <= 0) return false;
  return used % every === 0 || (every >= 2 * FIRST_PAGE_GC_RENDERS && used === FIRST_PAGE_GC_RENDERS);
}

/**
 * The exact options of `page.pdf`: A4 unless the HTML's CSS says otherwise, with backgrounds,
 * tagged (accessible) and with an outline. The header and footer are margin boxes of the HTML's
 * CSS, not Chromium's header and footer templates (laid out as a document of their own for every
 * page: about a quarter of the print time of a six-page convention). No timeout of puppeteer's
 * own: the printer's time limit applies (`timeoutMs`).
 */
export function chromiumPdfOptions(): PDFOptions {
  return {
    format: 'A4',
    preferCSSPageSize: true,
    printBackground: true,
    displayHeaderFooter: false,
    tagged: true,
    outline: true,
    timeout: 0,
  };
}

/** One launched browser and its pages. */
interface Instance {
  browser: Browser;
  pid: number | undefined;
  /** Pages open and free. */
  idle: Tab[];
  /** Pages open, free or rendering. */
  open: number;
  /**
   * Pages on their way back to `idle`: opened in place of renewed ones, or collecting their
   * garbage (undefined when that failed and the page was closed).
   */
  returning: Promise<Tab | undefined>[];
  /** Renders finished in this browser (successful or not). */
  renders: number;
  /** Renders running in this browser. */
  inFlight: number;
  /** Replaced: takes no new render, closed after its last one. */
  retiring: boolean;
  closing: boolean;
  /** Disconnected (crashed or closed). */
  dead: boolean;
}

interface Printed {
  bytes: Uint8Array;
  queue: number;
  print: number;
}

function seconds(ms: number): string {
  return (ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 });
}

export class ChromiumPrinter implements PdfPrinter {
  readonly options: ChromiumOptions;
  private readonly queue: PQueue;
  private current: Instance | undefined;
  private launching: Promise<Instance> | undefined;
  /** Replaced browsers still finishing renders. */
  private readonly retired = new Set<Instance>();
  /** Prints asked and not settled yet (queued, rendering or being parsed). */
  private readonly active = new Set<Promise<unknown>>();
  private draining = false;
  private closed = false;
  private memoryBytes = 0;
  private memorySampledAt = 0;
  private sampling: Promise<unknown> | undefined;
  /** Documents printed by each open page. */
  private readonly pageRenders = new WeakMap<Tab, number>();
  private readonly counters = { renders: 0, failures: 0, timeouts: 0, restarts: 0, launches: 0, pagesOpened: 0, collections: 0 };

  constructor(options: Partial<ChromiumOptions> = {}) {
    this.options = resolveChromiumOptions(options);
    this.queue = new PQueue({ concurrency: this.options.pages });
  }

  print(request: PrintRequest): Promise<PrintedPdf> {
    if (this.closed || this.draining) return Promise.reject(this.stopped());
    if (this.queue.size >= this.options.queue) {
      const message = 'Trop de documents PDF sont en cours de production : réessayez dans un moment.';
      return Promise.reject(new BusyError(message, [{ path: '', type: 'queue.full', message }]));
    }
    const enqueued = performance.now();
    const printing = (this.queue.add(() => this.render(request, enqueued)) as Promise<Printed>).then((printed) => this.read(printed));
    this.active.add(printing);
    const forget = () => this.active.delete(printing);
    printing.then(forget, forget);
    return printing;
  }

  /** Launches the browser and opens its pages. */
  async warm(): Promise<void> {
    if (this.closed) throw this.stopped();
    await this.instance();
    await this.measureMemory();
  }

  ready(): boolean {
    if (this.closed || this.draining) return false;
    const alive = (i: Instance | undefined) => i !== undefined && !i.dead && i.browser.connected && i.open > 0;
    return alive(this.current) || [...this.retired].some(alive);
  }

  stats(): PrinterStats & { pagesOpened: number; collections: number } {
    return {
      pages: this.current && !this.current.dead ? this.current.open : 0,
      busy: this.queue.pending,
      queued: this.queue.size,
      renders: this.counters.renders,
      failures: this.counters.failures,
      timeouts: this.counters.timeouts,
      restarts: this.counters.restarts,
      launches: this.counters.launches,
      memoryBytes: this.memoryBytes,
      pagesOpened: this.counters.pagesOpened,
      collections: this.counters.collections,
    };
  }

  async drain(): Promise<void> {
    this.draining = true;
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
    await this.queue.onIdle();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.draining = true;
    const instances = [this.current, ...this.retired];
    this.current = undefined;
    this.retired.clear();
    const launching = await this.launching?.catch(() => undefined);
    await Promise.all([...instances, launching].map((i) => i?.browser.close().catch(() => undefined)));
  }

  /** Pid of the running Chromium, if any (tests kill it to check the recovery). */
  async pid(): Promise<number | undefined> {
    return this.current?.pid;
  }

  /** Samples the memory (PSS) of Chromium's processes now; stats() gives the last sample. */
  async measureMemory(): Promise<number> {
    const pid = this.current?.pid;
    const bytes = pid === undefined ? 0 : await processTreePss(pid);
    this.memoryBytes = bytes;
    this.memorySampledAt = Date.now();
    return bytes;
  }

  /**
   * Asks Chromium to free what it can (garbage collection in each page, memory pressure
   * notification): a settle step before measuring its memory.
   */
  async settle(): Promise<void> {
    const instance = this.current;
    if (!instance) return;
    const browserSession = await instance.browser.target().createCDPSession();
    try {
      await browserSession.send('Memory.simulatePressureNotification' as never, { level: 'critical' } as never).catch(() => undefined);
    } finally {
      await browserSession.detach().catch(() => undefined);
    }
    for (const tab of instance.idle) {
      const session = await tab.page.createCDPSession();
      try {
        await session.send('HeapProfiler.collectGarbage');
        await session.send('Memory.simulatePressureNotification', { level: 'critical' }).catch(() => undefined);
      } finally {
        await session.detach().catch(() => undefined);
      }
    }
  }

  private stopped(): RenderUnavailableError {
    return new RenderUnavailableError(this.closed ? 'Le moteur PDF est arrêté.' : 'Le moteur PDF s’arrête : réessayez dans un moment.');
  }

  /** The browser renders go to: the current one, or the one being launched. */
  private async instance(): Promise<Instance> {
    const current = this.current;
    if (current && !current.dead && !current.retiring && current.browser.connected) return current;
    return this.launch();
  }

  private launch(): Promise<Instance> {
    if (this.launching) return this.launching;
    const launching = this.start();
    this.launching = launching;
    const done = () => {
      if (this.launching === launching) this.launching = undefined;
    };
    launching.then(done, done);
    return launching;
  }

  private async start(): Promise<Instance> {
    this.counters.launches++;
    let browser: Browser;
    try {
      browser = await launchChromium(this.options.executablePath);
    } catch (error) {
      // The engine's own words (paths, flags) go to the log with the request's id, not to the client.
      throw new RenderUnavailableError('Le moteur PDF n’a pas pu démarrer ; réessayez dans un moment.', [], { cause: error });
    }
    const instance: Instance = { browser, pid: browser.process()?.pid, idle: [], returning: [], open: 0, renders: 0, inFlight: 0, retiring: false, closing: false, dead: false };
    browser.once('disconnected', () => this.disconnected(instance));
    try {
      instance.idle.push(...(await Promise.all(Array.from({ length: this.options.pages }, () => this.openPage(instance)))));
    } catch (error) {
      instance.retiring = true;
      await browser.close().catch(() => undefined);
      throw new RenderUnavailableError('Le moteur PDF n’a pas pu démarrer ; réessayez dans un moment.', [], { cause: error });
    }
    if (this.closed) {
      await browser.close().catch(() => undefined);
      throw this.stopped();
    }
    this.current = instance;
    return instance;
  }

  private disconnected(instance: Instance): void {
    instance.dead = true;
    instance.idle = [];
    instance.open = 0;
    this.retired.delete(instance);
    if (this.current !== instance) return;
    this.current = undefined;
    if (this.closed || instance.retiring) return;
    // A crash: a new browser at once, for the renders waiting and the next ones.
    this.counters.restarts++;
    void this.launch().catch(() => undefined);
  }

  private async openPage(instance: Instance): Promise<Tab> {
    const page = await Tab.open(instance.browser);
    instance.open++;
    this.counters.pagesOpened++;
    return page;
  }

  private async takePage(instance: Instance): Promise<Tab> {
    for (let page = instance.idle.pop(); page; page = instance.idle.pop()) {
      if (page.usable()) return page;
      this.discardPage(instance, page);
    }
    // A page on its way back is waited for rather than a page more opened.
    const returning = instance.returning.shift();
    if (returning) {
      const page = await returning;
      if (page?.usable()) return page;
      if (page) this.discardPage(instance, page);
    }
    return this.openPage(instance);
  }

  /**
   * A page that has printed `pageMaxRenders` documents is closed and a fresh one opened in its
   * place, ahead of the next render: a renderer's memory grows with what it printed.
   */
  private renewPage(instance: Instance, page: Tab): void {
    this.discardPage(instance, page);
    this.returnLater(
      instance,
      this.openPage(instance).catch(() => undefined),
    );
  }

  /**
   * Every `pageGcRenders` documents, a page's garbage is collected before it prints again: the
   * renderer's heaps otherwise keep the documents it printed until they are large (about 300 MB
   * per page instead of about 200), and collecting them costs 20 to 50 ms every so many renders,
   * where opening a fresh page (a new renderer process, cold) costs more on every render after it.
   * A page's first collection comes sooner (collectsAfter).
   */
  private collectGarbage(instance: Instance, page: Tab): void {
    this.returnLater(
      instance,
      page.collectGarbage().then(
        () => {
          this.counters.collections++;
          return page;
        },
        () => {
          this.discardPage(instance, page);
          return undefined;
        },
      ),
    );
  }

  /** A page busy with its own upkeep: it joins the idle pages when done, unless a render took it by then. */
  private returnLater(instance: Instance, upkeep: Promise<Tab | undefined>): void {
    const back = upkeep.then((page) => {
      if (page && (instance.dead || instance.closing)) {
        void page.close().catch(() => undefined);
        return undefined;
      }
      return page;
    });
    instance.returning.push(back);
    void back.then((page) => {
      const i = instance.returning.indexOf(back);
      if (i < 0) return;
      instance.returning.splice(i, 1);
      if (page) instance.idle.push(page);
    });
  }

  private discardPage(instance: Instance, page: Tab | undefined): void {
    if (!page) return;
    if (!instance.dead) instance.open--;
    void page.close().catch(() => undefined);
  }

  /** One render, in a slot of the queue: a page of the current browser prints the request. */
  private async render(request: PrintRequest, enqueued: number): Promise<Printed> {
    if (this.closed) throw this.stopped();
    const queue = performance.now() - enqueued;
    const instance = await this.instance();
    instance.inFlight++;
    let page: Tab | undefined;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const started = performance.now();
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(new RenderUnavailableError(`Le rendu PDF a dépassé le délai de ${seconds(this.options.timeoutMs)} s.`));
        }, this.options.timeoutMs);
      });
      const bytes = await Promise.race([
        (async () => {
          const taken = await this.takePage(instance);
          // A page opened after the time limit is not used: closed, as a timed-out page is.
          if (timedOut) this.discardPage(instance, taken);
          else page = taken;
          return this.printOn(taken, request);
        })(),
        timeout,
      ]);
      instance.renders++;
      this.counters.renders++;
      const used = (this.pageRenders.get(page!) ?? 0) + 1;
      this.pageRenders.set(page!, used);
      if (instance.dead || !page!.usable()) this.discardPage(instance, page);
      else if (this.options.pageMaxRenders > 0 && used >= this.options.pageMaxRenders) this.renewPage(instance, page!);
      else if (collectsAfter(used, this.options.pageGcRenders)) this.collectGarbage(instance, page!);
      else instance.idle.push(page!);
      return { bytes, queue, print: performance.now() - started };
    } catch (error) {
      instance.renders++;
      this.counters.failures++;
      this.discardPage(instance, page);
      if (timedOut) {
        this.counters.timeouts++;
        throw error;
      }
      if (this.closed) throw this.stopped();
      if (instance.dead || !instance.browser.connected) {
        throw new RenderUnavailableError('Le moteur PDF s’est arrêté pendant le rendu ; réessayez.', [], { cause: error });
      }
      throw new RenderUnavailableError('Le moteur PDF n’a pas pu produire le document ; réessayez.', [], { cause: error });
    } finally {
      clearTimeout(timer);
      instance.inFlight--;
      this.afterRender(instance);
    }
  }

  private printOn(tab: Tab, request: PrintRequest): Promise<Uint8Array> {
    return tab.print(request.html, chromiumPdfOptions());
  }

  /** Out of the queue (the page is free again): the PDF parsed, its anchors taken, its ids renumbered. */
  private async read(printed: Printed): Promise<PrintedPdf> {
    // Parsed at once (pdf-lib's default pauses every 100 objects, doubling the time for a few ms of
    // work); the structure elements, fonts and outline items Chromium writes kept as bytes until
    // something reads them.
    const document = await readPdf(printed.bytes, { verbatimTypes: UNREAD_TYPES, verbatimFirstKeys: UNREAD_FIRST_KEYS });
    const anchors = takeAnchors(document);
    normaliseStructureIds(document);
    return { document, anchors, timings: { queue: printed.queue, print: printed.print } };
  }

  /** Between renders: replaces the browser when it has rendered enough or uses too much memory. */
  private afterRender(instance: Instance): void {
    if (instance.retiring) return this.closeIfDone(instance);
    if (instance.dead || this.closed) return;
    if (this.options.maxRenders > 0 && instance.renders >= this.options.maxRenders) return this.retire(instance);
    if (this.sampling || Date.now() - this.memorySampledAt < this.options.memoryCheckMs) return;
    this.sampling = this.measureMemory()
      .then((bytes) => {
        if (this.options.maxMemoryMb > 0 && bytes > this.options.maxMemoryMb * MIB && this.current === instance) this.retire(instance);
      })
      .catch(() => undefined)
      .finally(() => (this.sampling = undefined));
  }

  private retire(instance: Instance): void {
    if (instance.retiring || instance.dead) return;
    instance.retiring = true;
    this.counters.restarts++;
    if (this.current === instance) this.current = undefined;
    this.retired.add(instance);
    // The next browser starts now; waiting renders go to it.
    if (!this.closed) void this.launch().catch(() => undefined);
    this.closeIfDone(instance);
  }

  private closeIfDone(instance: Instance): void {
    if (instance.inFlight > 0 || instance.closing) return;
    instance.closing = true;
    void instance.browser
      .close()
      .catch(() => undefined)
      .finally(() => this.retired.delete(instance));
  }
}
