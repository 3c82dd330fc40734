/**
 * One headless Chromium for every web test of a run, launched at first use with the engine's
 * flags but with the network (it visits the service on loopback: the printer's dead proxy would
 * refuse it) and in French; closed by a root hook once every test has run. Each test file works in
 * a context of its own (cookies, downloads).
 */
import puppeteer, { type Browser, type BrowserContext } from 'puppeteer-core';
import { CHROMIUM_ARGS, chromiumOptionsFromEnv } from '../../src/engines/pdf/chromium/index.js';

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
