/**
 * One headless Chromium, launched on first use and reused by every render, with a small pool of
 * pages (as many as renders allowed at once). Pages run no script and make no network request:
 * JavaScript is disabled and every request but data: URLs is aborted. A render that exceeds its
 * timeout loses its page; if Chromium dies, the next render launches a new one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { RenderUnavailableError } from '../../core/errors.js';

export interface ChromiumOptions {
  executablePath: string;
  /** Renders allowed at once; more wait in line. */
  concurrency: number;
  /** Time allowed to one render, in milliseconds. */
  timeoutMs: number;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--mute-audio',
  '--font-render-hinting=none',
];

export function defaultChromiumOptions(env: NodeJS.ProcessEnv = process.env): ChromiumOptions {
  return {
    executablePath: env.CHROMIUM_PATH || '/usr/bin/chromium',
    concurrency: Math.max(1, Number(env.PDF_CONCURRENCY) || 2),
    timeoutMs: Math.max(1000, Number(env.PDF_TIMEOUT_MS) || 30_000),
  };
}

/** Launches a Chromium with the service's flags and a fresh profile folder, removed on close. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  try {
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      userDataDir,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const cleanUp = () => {
      try {
        rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // Chromium may still be writing its profile: a leftover temporary folder is harmless.
      }
    };
    const child = browser.process();
    if (child && child.exitCode === null) child.once('exit', cleanUp);
    else browser.once('disconnected', cleanUp);
    return browser;
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

export class ChromiumPool {
  private browser: Promise<Browser> | undefined;
  private idle: Page[] = [];
  private running = 0;
  private waiting: (() => void)[] = [];
  private closed = false;
  /** Number of Chromium launches, for the health endpoint and the tests. */
  launches = 0;

  constructor(readonly options: ChromiumOptions) {}

  private getBrowser(): Promise<Browser> {
    if (!this.browser) {
      this.launches++;
      const launching = launchChromium(this.options.executablePath).then((browser) => {
        browser.once('disconnected', () => {
          if (this.browser === launching) {
            this.browser = undefined;
            this.idle = [];
          }
        });
        return browser;
      });
      launching.catch(() => {
        if (this.browser === launching) this.browser = undefined;
      });
      this.browser = launching;
    }
    return this.browser;
  }

  private async newPage(): Promise<Page> {
    let browser: Browser;
    try {
      browser = await this.getBrowser();
    } catch (error) {
      // The engine's own words (paths, flags) go to the log with the request's id, not to the client.
      throw new RenderUnavailableError('Le moteur PDF n’a pas pu démarrer ; réessayez dans un moment.', [], { cause: error });
    }
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.isInterceptResolutionHandled()) return;
      if (request.url().startsWith('data:')) void request.continue();
      else void request.abort('blockedbyclient');
    });
    return page;
  }

  private async acquireSlot(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  /** Runs `task` on a page of the shared browser, within the render timeout. */
  async withPage<T>(task: (page: Page) => Promise<T>): Promise<T> {
    if (this.closed) throw new RenderUnavailableError('Le moteur PDF est arrêté.');
    await this.acquireSlot();
    let page: Page | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      page = this.idle.pop();
      if (!page || page.isClosed()) page = await this.newPage();
      const current = page;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new RenderUnavailableError(`Le rendu PDF a dépassé le délai de ${Math.round(this.options.timeoutMs / 1000)} s.`));
          void current.close().catch(() => undefined);
        }, this.options.timeoutMs);
      });
      const result = await Promise.race([task(current), timeout]);
      if (!current.isClosed()) this.idle.push(current);
      return result;
    } catch (error) {
      if (page && !page.isClosed()) await page.close().catch(() => undefined);
      if (error instanceof RenderUnavailableError) throw error;
      if (!this.browser || (await this.browser.catch(() => undefined))?.connected === false) {
        throw new RenderUnavailableError('Le moteur PDF s’est arrêté pendant le rendu ; réessayez.');
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.releaseSlot();
    }
  }

  /** Pid of the running Chromium, if any (tests kill it to check the recovery). */
  async pid(): Promise<number | undefined> {
    const browser = await this.browser?.catch(() => undefined);
    return browser?.process()?.pid;
  }

  async close(): Promise<void> {
    this.closed = true;
    const browser = await this.browser?.catch(() => undefined);
    this.browser = undefined;
    this.idle = [];
    await browser?.close().catch(() => undefined);
  }
}
