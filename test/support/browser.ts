/**
 * One headless Chromium for every web test of a run, launched at first use with the engine's
 * flags but with the network (it visits the service on loopback: the printer's dead proxy would
 * refuse it) and in French; closed by a root hook once every test has run. Each test file works in
 * a context of its own (cookies, downloads).
 */
import type { Express } from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { CHROMIUM_ARGS, chromiumOptionsFromEnv } from '../../src/engines/pdf/chromium/index.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { bootstrap } from '../../src/store/bootstrap.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';

let launching: Promise<Browser> | undefined;

export function sharedBrowser(): Promise<Browser> {
  launching ??= puppeteer.launch({
    executablePath: chromiumOptionsFromEnv().executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS.filter((a) => !a.startsWith('--proxy')), '--lang=fr-FR'],
  });
  return launching;
}

/** A context of its own in the shared browser (its own cookies: a test file signs in to its own service). */
export async function browserContext(): Promise<BrowserContext> {
  return (await sharedBrowser()).createBrowserContext();
}

after(async () => {
  const browser = await launching?.catch(() => undefined);
  launching = undefined;
  await browser?.close();
});

/**
 * The service as a browser test visits it: an app on a free port with a temporary SQLite store
 * whose first key is `key`, its own Generator, and a page in a context of its own (1 280 px wide,
 * 10 s waits); `signIn` signs that page in through /connexion, `close` undoes everything.
 */
export interface WebService {
  /** A temporary folder of the test's own (the store's data is in it too), removed by `close`. */
  dir: string;
  generator: Generator;
  store: Store;
  key: string;
  app: Express;
  base: string;
  context: BrowserContext;
  page: Page;
  signIn(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebService(name: string): Promise<WebService> {
  const dir = mkdtempSync(join(tmpdir(), `web-${name}-`));
  const generator = new Generator();
  const store = await openStore('sqlite', { dataDir: dir });
  const key = (await bootstrap(store, { organisation: 'Maison de l’emploi et de la formation de Haute-Somme' })).printedKey!;
  const app = createApp(generator, { store });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context = await browserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.setViewport({ width: 1280, height: 900 });
  return {
    dir,
    generator,
    store,
    key,
    app,
    base,
    context,
    page,
    async signIn() {
      await page.goto(`${base}/connexion`);
      await page.type('#cle', key);
      await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    },
    async close() {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
      await generator.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
