/** Launching the headless Chromium the service prints with. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

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
  // No network: every http(s) and WebSocket request, loopback included, goes to a proxy on a port
  // nothing listens on (and that Chromium refuses to use) and fails in the browser itself.
  '--proxy-server=127.0.0.1:1',
  '--proxy-bypass-list=<-loopback>',
];

/**
 * The oldest Chromium that prints the documents as they are meant: the page header and footer are
 * CSS margin boxes (@page @top-center…), which Chromium prints since version 131 and an older one
 * silently leaves out.
 */
export const MIN_CHROMIUM_MAJOR = 131;

/** Refuses a browser older than MIN_CHROMIUM_MAJOR, from its version string ("HeadlessChrome/156.0.…"). */
export function checkChromiumVersion(version: string): void {
  const major = Number(/\/(\d+)\./.exec(version)?.[1]);
  if (!Number.isFinite(major) || major < MIN_CHROMIUM_MAJOR) {
    throw new Error(`Chromium ${MIN_CHROMIUM_MAJOR} or later is needed (page header and footer as CSS margin boxes); found "${version}"`);
  }
}

/**
 * Launches a Chromium with the service's flags and a fresh profile folder, removed on close; a
 * browser too old to print the margins is closed and refused (checkChromiumVersion).
 */
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
    try {
      checkChromiumVersion(await browser.version());
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
    return browser;
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
